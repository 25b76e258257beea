/**
 * Load and demo data for one-window case handling: `count` cases of the demo district over the last
 * `years` years (ending yesterday), as the lifecycle would have left them — over the published items,
 * at the 1 + 23 centres and online, most delivered, some refused at intake or withdrawn, the recent
 * ones still open with their lights spread, a few paused for 补正 or a special procedure, about 40 %
 * of the completed ones rated (a few poorly, with their follow-ups), deadline alerts where a case ran
 * into its warning day or past its due day, and `cases.daily_tally` with the counts the lifecycle
 * keeps (case-journal.ts, rating.service.ts: submitted on the day of application, accepted, rejected,
 * withdrawn, completed with on-time and working days, granted / refused, ratings on their days).
 *
 * Deterministic for a seed and a "today". Written in large batches, each one JSON parameter expanded
 * by `json_to_recordset` (as the catalogue's demo seed does), so a million cases take minutes; the
 * tallies, alerts and number sequences are then derived in SQL from the rows this run wrote (they
 * carry its start instant as `created_at`), month by month. One audit entry marks the load.
 * Applicants are fictional: resident identity numbers on the division code 110101 with a valid
 * GB 11643 check digit, credit codes with valid GB 32100 check characters, names from a short list.
 * Materials (the blob store) and applicant notifications are not generated.
 */
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit-log.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { IsoDate, WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { ConflictError, ValidationError } from '../../platform/errors.js';
import { registerMessages } from '../../platform/i18n/messages.js';
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../../platform/identifiers/credit-code.js';
import { residentIdCheckCharacter } from '../../platform/identifiers/resident-id.js';
import { listOrgUnits, listPeople } from '../directory/index.js';
import {
  getPublishedItem,
  type ItemVersion,
  listPublishedItems,
  MAX_PAGE_LIMIT,
  seedDemoServices,
} from '../services/index.js';
import type { CaseStatus, PauseKind } from './case.js';
import { ONLINE_PREFIX } from './case-number.js';
import { addWorkingDays, chinaDateOf, deadlinesOf, workingDaysBetween } from './deadline.js';
import { defaultRoute } from './route.service.js';

registerMessages({
  'cases.generate_not_empty': { zh: '数据库中已有办件', en: 'The database holds cases already' },
  'cases.generate_not_empty.detail': {
    zh: '已有 {existing} 件办件；生成测试数据请用空库，或加 --append 追加。',
    en: '{existing} case(s) exist; generate load data into an empty database, or pass --append.',
  },
  'cases.generate_invalid': { zh: '生成参数不正确', en: 'The generation options are not valid' },
  'cases.generate_invalid.detail': {
    zh: '有 {count} 处不正确，见 errors。',
    en: '{count} option(s) failed; see errors.',
  },
  'cases.generate_no_items': { zh: '没有已发布的事项', en: 'No published service items' },
  'cases.generate_no_items.detail': {
    zh: '请先载入示范区（huitong seed --demo），并加 --with-demo-catalogue 发布示范事项目录。',
    en: 'Load the demo district first (huitong seed --demo), and pass --with-demo-catalogue to publish its catalogue.',
  },
});

export interface GenerateOptions {
  count: number;
  /** Years of history, ending yesterday. */
  years: number;
  /** The PRNG seed: the same seed and "today" give the same cases. */
  seed: number;
  /** Cases per insert. */
  batchSize: number;
  /** Add to a database that already holds cases. */
  append: boolean;
  /**
   * Publish the demo district's catalogue first where it is missing (seedDemoServices: idempotent).
   * Only a fresh embedded start seeds it otherwise; `huitong seed --demo` does not.
   */
  demoCatalogue?: boolean;
  calendar: WorkingDayCalendar;
  /** HUITONG_CASES_WARN_DAYS: the light turns yellow this many working days before the due day. */
  warnDays: number;
  /** HUITONG_CASES_FOLLOW_UP_DAYS: a poor rating's follow-up is due within this many working days. */
  followUpDays: number;
  clock: () => Date;
  /** Called after each batch and each derivation step. */
  onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateProgress {
  phase: 'cases' | 'tallies';
  done: number;
  total: number;
}

export interface GenerateReport {
  cases: number;
  steps: number;
  ratings: number;
  pauses: number;
  alerts: number;
  tallyRows: number;
  from: IsoDate;
  to: IsoDate;
  /** Cases by status. */
  statuses: Partial<Record<CaseStatus, number>>;
}

export const DEFAULT_GENERATE_COUNT = 1_000_000;
export const DEFAULT_GENERATE_BATCH = 5_000;
const MAX_COUNT = 20_000_000;

/**
 * Generates load data into `database` (see the file comment).
 * @throws ConflictError `cases.generate_not_empty` (cases exist and not `append`); ValidationError
 *   `cases.generate_invalid`, `cases.generate_no_items`
 * @example const report = await generateCases(database, { count: 1_000_000, years: 3, seed: 1, batchSize: 5000, append: false, calendar, warnDays: 2, followUpDays: 5, clock: () => new Date() });
 */
export async function generateCases(database: Database, options: GenerateOptions): Promise<GenerateReport> {
  const db = database.kysely;
  const today = chinaDateOf(options.clock());
  const range = checkOptions(options, today);
  const existing = await countCases(db);
  if (existing > 0 && !options.append) throw new ConflictError('cases.generate_not_empty', { existing });

  if (options.demoCatalogue) await seedDemoServices(db);
  const world = await loadWorld(db, options, range);
  const runStarted = await runMarker(db);
  await recordAudit(db, {
    actor: { type: SYSTEM_ACTOR.type, id: SYSTEM_ACTOR.id },
    action: 'cases.case.generate',
    outcome: 'success',
    details: {
      loadData: true,
      count: options.count,
      from: range.from,
      to: range.to,
      seed: options.seed,
      runStarted: runStarted.toISOString(),
    },
  });

  const rng = prng(options.seed);
  const planner = new CasePlanner(world, options, today, rng);
  const summary: GenerateReport = {
    cases: 0,
    steps: 0,
    ratings: 0,
    pauses: 0,
    alerts: 0,
    tallyRows: 0,
    from: range.from,
    to: range.to,
    statuses: {},
  };
  // Planning the next batch in JS overlaps writing the ones before. PostgreSQL works in processes
  // of its own, so two batches are written at once there; PGlite runs in this thread, one at a time.
  const inFlight: Array<Promise<number>> = [];
  const most = database.engine === 'postgres' ? 2 : 1;
  const report = (done: number) => options.onProgress?.({ phase: 'cases', done, total: options.count });
  for (let done = 0; done < options.count; ) {
    const size = Math.min(options.batchSize, options.count - done);
    const batch = planner.batch(size);
    while (inFlight.length >= most) report(await inFlight.shift()!);
    done += size;
    const reached = done;
    const writing = writeBatch(database, batch, world, runStarted).then(() => reached);
    // Awaited in turn; until then a failure must not count as unhandled.
    writing.catch(() => {});
    inFlight.push(writing);
    summary.cases += size;
    summary.steps += batch.steps.length;
    summary.ratings += batch.ratings.length;
    summary.pauses += batch.pauses.length;
    for (const c of batch.cases) summary.statuses[c.status] = (summary.statuses[c.status] ?? 0) + 1;
  }
  while (inFlight.length > 0) report(await inFlight.shift()!);

  const derived = await deriveFromCases(database, world, runStarted, today, range, options.onProgress);
  summary.alerts = derived.alerts;
  summary.tallyRows = derived.tallyRows;
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Options and the world the cases are made in

interface Range {
  from: IsoDate;
  to: IsoDate;
}

function checkOptions(options: GenerateOptions, today: IsoDate): Range {
  const errors: Array<{ pointer: string; reason: string }> = [];
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > MAX_COUNT) {
    errors.push({ pointer: '/count', reason: 'range' });
  }
  if (!Number.isInteger(options.years) || options.years < 1 || options.years > 5) {
    errors.push({ pointer: '/years', reason: 'range' });
  }
  if (!Number.isInteger(options.seed)) errors.push({ pointer: '/seed', reason: 'type' });
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 50_000) {
    errors.push({ pointer: '/batch', reason: 'range' });
  }
  const to = addDays(today, -1);
  const from = addDays(`${Number(to.slice(0, 4)) - options.years}${to.slice(4)}`, 1);
  if (errors.length === 0 && Number(from.slice(0, 4)) < options.calendar.coveredYears.from) {
    errors.push({ pointer: '/years', reason: 'calendar' });
  }
  if (errors.length > 0) throw new ValidationError('cases.generate_invalid', errors, { count: errors.length });
  return { from, to };
}

/**
 * The instant this run's rows carry as `created_at` (when they were really written, whatever the
 * injected clock says): what the tallies and alerts are derived from. Unique among the cases.
 */
async function runMarker(db: Executor): Promise<Date> {
  for (let at = Date.now(); ; at++) {
    const { rows } = await sql<{ taken: boolean }>`
      select exists (select 1 from cases."case" where created_at = ${new Date(at)}) as taken`.execute(db);
    if (!rows[0]!.taken) return new Date(at);
  }
}

async function countCases(db: Executor): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from cases."case"`.execute(db);
  return rows[0]!.n;
}

interface Actor {
  id: string;
  name: string;
  post: string;
}

interface World {
  items: ItemVersion[];
  /** Cumulative popularity of `items`, for a weighted draw. */
  itemWeights: Float64Array;
  centres: string[];
  /** Clerks by centre, handlers and approvers by department (from the directory; may be empty). */
  clerks: Map<string, Actor[]>;
  handlers: Map<string, Actor[]>;
  /** Every actor named in a step: steps carry an index into it. */
  actors: Actor[];
  actorIndex: Map<Actor, number>;
  /** The default route of each department, as the cases it accepts carry it. */
  routes: Record<string, unknown>;
  /** Case number sequences already taken (for --append), by `prefix|day`. */
  sequences: Map<string, number>;
  windowDays: DayDraw;
  onlineDays: DayDraw;
}

async function loadWorld(db: Executor, options: GenerateOptions, range: Range): Promise<World> {
  const summaries = [];
  for (let offset = 0; ; offset += MAX_PAGE_LIMIT) {
    const page = await listPublishedItems(db, {}, { limit: MAX_PAGE_LIMIT, offset });
    summaries.push(...page.items);
    if (offset + MAX_PAGE_LIMIT >= page.total) break;
  }
  if (summaries.length === 0) {
    throw new ValidationError('cases.generate_no_items', [{ pointer: '/items', reason: 'empty' }], { count: 1 });
  }
  summaries.sort((a, b) => (a.code < b.code ? -1 : 1));
  const items: ItemVersion[] = [];
  for (const summary of summaries) items.push(await getPublishedItem(db, summary.code));

  // Popularity: a few items take most of the cases (Zipf-like), in an order fixed by the seed.
  const order = items.map((_, index) => index);
  shuffle(order, prng(options.seed ^ 0x5bd1e995));
  const weight = new Float64Array(items.length);
  order.forEach((itemIndex, rank) => {
    weight[itemIndex] = 1 / (rank + 1) ** 0.9;
  });
  const itemWeights = cumulative(weight);

  const { items: units } = await listOrgUnits(db, { kinds: ['service_centre'] });
  const centres = units.map((unit) => unit.code).sort();
  const actors: Actor[] = [];
  const actorIndex = new Map<Actor, number>();
  const peopleAt = async (unitCode: string, count: number): Promise<Actor[]> => {
    const { items: people } = await listPeople(db, {
      orgUnitCode: unitCode,
      status: 'active',
      limit: count,
      offset: 0,
    });
    return people.map((person) => {
      const post = person.posts.find((held) => held.orgUnitCode === unitCode) ?? person.posts[0];
      const actor = { id: person.id, name: person.name, post: post ? `${post.title} (${post.orgUnitCode})` : '' };
      actorIndex.set(actor, actors.length);
      actors.push(actor);
      return actor;
    });
  };
  const clerks = new Map<string, Actor[]>();
  for (const centre of centres) clerks.set(centre, await peopleAt(centre, 4));
  const handlers = new Map<string, Actor[]>();
  const routes: Record<string, unknown> = {};
  for (const department of new Set(items.map((item) => item.departmentCode))) {
    handlers.set(department, await peopleAt(department, 4));
    routes[department] = defaultRoute(department);
  }

  const sequences = new Map<string, number>();
  if (options.append) {
    const { rows } = await sql<{ prefix: string; day: string; last: number }>`
      select prefix, to_char(day, 'YYYY-MM-DD') as day, last from cases.number_sequence
       where day between ${range.from}::date and ${range.to}::date`.execute(db);
    for (const row of rows) sequences.set(`${row.prefix}|${row.day}`, row.last);
  }
  return {
    items,
    itemWeights,
    centres,
    clerks,
    handlers,
    actors,
    actorIndex,
    routes,
    sequences,
    windowDays: dayDraw(range, options.calendar, true),
    onlineDays: dayDraw(range, options.calendar, false),
  };
}

interface DayDraw {
  days: IsoDate[];
  weights: Float64Array;
}

/**
 * The days cases are submitted on, weighted: windows open on working days only, online applications
 * come every day (fewer at weekends); volumes grow about 12 % a year.
 */
function dayDraw(range: Range, calendar: WorkingDayCalendar, windowOnly: boolean): DayDraw {
  const days: IsoDate[] = [];
  const raw: number[] = [];
  for (let offset = 0, day = range.from; day <= range.to; offset++, day = addDays(day, 1)) {
    const working = calendar.isWorkingDay(day);
    if (windowOnly && !working) continue;
    days.push(day);
    raw.push((working ? 1 : 0.3) * (1 + (0.12 * offset) / 365));
  }
  return { days, weights: cumulative(Float64Array.from(raw)) };
}

// ---------------------------------------------------------------------------------------------
// Planning cases (pure: the PRNG, the calendar and the world)

interface CaseRow {
  id: string;
  number: string;
  item_code: string;
  item_version: number;
  item_name_zh: string;
  item_type: string;
  department_code: string;
  centre_code: string | null;
  channel: 'window' | 'online';
  applicant_kind: 'citizen' | 'enterprise';
  applicant_name: string;
  applicant_id: string;
  id_tail: string;
  applicant_mobile: string;
  form: Record<string, unknown>;
  status: CaseStatus;
  stage: number;
  /** Whether the case carries its department's route (accepted at some point). */
  routed: boolean;
  decision: 'granted' | 'refused' | null;
  submitted_at: string;
  accepted_at: string | null;
  decided_at: string | null;
  completed_at: string | null;
  closed_at: string | null;
  promised_limit_days: number;
  statutory_limit_days: number;
  accepted_on: IsoDate | null;
  due_on: IsoDate | null;
  statutory_due_on: IsoDate | null;
  warn_on: IsoDate | null;
  deadline_provisional: boolean;
  paused_days: number;
  paused_since: IsoDate | null;
  working_days_used: number | null;
  on_time: boolean | null;
  result_number: string | null;
  version: number;
  updated_at: string;
}

interface StepRow {
  case_id: string;
  seq: number;
  action: string;
  from_status: CaseStatus | null;
  to_status: CaseStatus;
  stage: number | null;
  /** Index into World.actors; -1: the applicant (public, anonymous) or the platform. */
  actor: number;
  actor_type: 'user' | 'public' | 'system';
  org_unit_code: string | null;
  opinion: string | null;
  details: Record<string, unknown>;
  at: string;
}

interface PauseRow {
  case_id: string;
  seq: number;
  kind: PauseKind;
  reason: string;
  started_on: IsoDate;
  ended_on: IsoDate | null;
  working_days: number | null;
}

interface RatingRow {
  case_id: string;
  score: number;
  channel: 'window' | 'online';
  comment: string | null;
  rated_at: string;
  follow_up_due_on: IsoDate | null;
  follow_up_answer: string | null;
  answered_at: string | null;
  answered_by: string | null;
}

interface Batch {
  cases: CaseRow[];
  steps: StepRow[];
  pauses: PauseRow[];
  ratings: RatingRow[];
}

/** One event of a case's history, before it is cut at today. */
interface Event {
  day: IsoDate;
  /** Minutes after midnight, China time. */
  minute: number;
  apply: (c: CaseRow, at: string) => void;
  step: Omit<StepRow, 'case_id' | 'seq' | 'at' | 'from_status' | 'to_status'> & { to?: CaseStatus };
  /** A transition bumps the case's version; a rating and its answer do not. */
  transition: boolean;
  pause?: { open?: Omit<PauseRow, 'case_id' | 'seq'>; close?: { endedOn: IsoDate; workingDays: number } };
  rating?: RatingRow;
  answer?: { text: string; by: string };
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀兰',
  '霞',
  '平',
  '刚',
  '桂英',
  '晓东',
  '雨桐',
  '子涵',
  '浩然',
  '欣怡',
];
const FIRMS = ['汇通', '星河', '东岳', '青禾', '瑞丰', '景明', '远航', '同创', '嘉禾', '博雅', '恒信', '和顺'];
const FIRM_KINDS = [
  '科技有限公司',
  '商贸有限公司',
  '餐饮管理有限公司',
  '建筑工程有限公司',
  '物业服务有限公司',
  '文化传媒有限公司',
];
const DISTRICT_DIVISION = '110101';
const REJECT_REASONS = ['申请材料不齐全，申请人不愿补正', '不属于本事项受理范围', '申请人不符合申请条件'];
const REFUSE_REASONS = ['经审查不符合法定条件，不予许可', '现场核查与申请材料不一致'];
const SUPPLEMENT_REASONS = ['缺少身份证明复印件', '申请表填写不完整，请补充签字', '请补充提交相关证明材料'];
const SPECIAL_KINDS: readonly PauseKind[] = ['hearing', 'inspection', 'expert_review'];
const WITHDRAW_REASONS = ['申请人主动撤回', '情况有变，暂不办理'];
const GOOD_COMMENTS = ['办事效率高', '窗口服务热情', '一次办好，很方便', null, null, null, null];
const POOR_COMMENTS = ['等候时间较长', '材料要求解释不清', '跑了两趟才办完'];
const FOLLOW_UP_ANSWERS = ['已回访申请人，说明办理要求并致歉', '已整改：优化窗口排队和材料告知'];
const DELIVERY_METHODS = ['collected', 'mail', 'electronic'] as const;

class CasePlanner {
  readonly #world: World;
  readonly #options: GenerateOptions;
  readonly #today: IsoDate;
  readonly #rng: () => number;

  constructor(world: World, options: GenerateOptions, today: IsoDate, rng: () => number) {
    this.#world = world;
    this.#options = options;
    this.#today = today;
    this.#rng = rng;
  }

  batch(size: number): Batch {
    const batch: Batch = { cases: [], steps: [], pauses: [], ratings: [] };
    for (let i = 0; i < size; i++) this.#plan(batch);
    return batch;
  }

  #plan(batch: Batch): void {
    const world = this.#world;
    const r = this.#rng;
    const item = world.items[pick(world.itemWeights, r())]!;
    const windowCentres = item.channels.anyCentre ? world.centres : item.channels.centreCodes;
    const online = item.channels.online && (windowCentres.length === 0 || r() < 0.3);
    const centre = online ? null : windowCentre(windowCentres, r);
    const days = online ? world.onlineDays : world.windowDays;
    const submittedOn = days.days[pick(days.weights, r())]!;
    this.#materialise(batch, item, centre, submittedOn, this.#history(item, centre, submittedOn));
  }

  /** The whole history of one case as events, some of which may fall on or after today. */
  #history(item: ItemVersion, centre: string | null, submittedOn: IsoDate): Event[] {
    const r = this.#rng;
    const calendar = this.#options.calendar;
    const windowUnit = centre ?? item.departmentCode;
    const clerk = this.#actorIn(this.#world.clerks.get(centre ?? this.#world.centres[0]!));
    const handler = this.#actorIn(this.#world.handlers.get(item.departmentCode));
    const approver = this.#actorIn(this.#world.handlers.get(item.departmentCode));
    const events: Event[] = [];
    const submitMinute = centre ? 510 + Math.floor(r() * 480) : 420 + Math.floor(r() * 960);
    events.push({
      day: submittedOn,
      minute: submitMinute,
      apply: () => {},
      step: {
        action: 'submit',
        stage: null,
        actor: centre ? clerk : -1,
        actor_type: centre ? 'user' : 'public',
        org_unit_code: centre,
        opinion: null,
        details: { itemCode: item.code, channel: centre ? 'window' : 'online' },
        to: 'submitted',
      },
      transition: false,
    });
    // 受理: at the window at once; online within two working days, by a district centre's clerk.
    const acceptOn = centre ? submittedOn : this.#after(submittedOn, r() < 0.3 ? 1 : 2);
    const acceptMinute = centre ? submitMinute + 5 + Math.floor(r() * 25) : 540 + Math.floor(r() * 420);
    const fate = r();
    if (fate < (centre ? 0.02 : 0.04)) {
      events.push({
        day: acceptOn,
        minute: acceptMinute,
        apply: (c, at) => {
          c.status = 'rejected';
          c.closed_at = at;
        },
        step: {
          action: 'reject',
          stage: null,
          actor: clerk,
          actor_type: 'user',
          org_unit_code: windowUnit,
          opinion: choose(REJECT_REASONS, r),
          details: {},
          to: 'rejected',
        },
        transition: true,
      });
      return events;
    }
    if (!centre && fate < 0.055) {
      events.push(withdrawal(acceptOn, acceptMinute, windowUnit, null, r));
      return events;
    }
    // Past the calendar's last year the lifecycle counts Monday–Friday and marks the deadlines provisional.
    let deadlines = deadlinesOf(
      calendar,
      {
        acceptedOn: acceptOn,
        promisedLimitDays: item.promisedLimitDays,
        statutoryLimitDays: item.statutoryLimitDays,
        pausedDays: 0,
      },
      this.#options.warnDays,
    );
    const atAcceptance = deadlines;
    events.push({
      day: acceptOn,
      minute: acceptMinute,
      apply: (c, at) => {
        c.status = 'accepted';
        c.stage = 0;
        c.routed = true;
        c.accepted_at = at;
        c.accepted_on = acceptOn;
        c.due_on = atAcceptance.dueOn;
        c.statutory_due_on = atAcceptance.statutoryDueOn;
        c.warn_on = atAcceptance.warnOn;
        c.deadline_provisional = atAcceptance.provisional;
      },
      step: {
        action: 'accept',
        stage: null,
        actor: clerk,
        actor_type: 'user',
        org_unit_code: windowUnit,
        opinion: null,
        details: { dueOn: atAcceptance.dueOn, stages: 2 },
        to: 'accepted',
      },
      transition: true,
    });

    // The working days it takes: most within the promised limit, some late; 即办件 the same day.
    const promised = item.promisedLimitDays;
    const late = r() < 0.07;
    let used =
      promised === 0
        ? late
          ? 1 + Math.floor(r() * 2)
          : 0
        : late
          ? promised + 1 + Math.floor(r() * 8)
          : Math.max(1, Math.round(promised * (0.25 + 0.75 * r())));
    // A pause (补正 or a special procedure) moves every deadline on by the working days it lasts.
    let pausedDays = 0;
    const pauseDraw = r();
    const pauseKind: PauseKind | null =
      used >= 2 && pauseDraw < 0.08 ? 'supplement' : used >= 2 && pauseDraw < 0.1 ? choose(SPECIAL_KINDS, r) : null;
    let pauseStart = '';
    let pauseEnd = '';
    if (pauseKind) {
      const startAfter = 1 + Math.floor(r() * Math.max(1, Math.floor(used / 2)));
      const length = pauseKind === 'supplement' ? 2 + Math.floor(r() * 9) : 5 + Math.floor(r() * 16);
      pauseStart = this.#after(acceptOn, startAfter);
      pauseEnd = this.#after(pauseStart, length);
      const resumed = deadlinesOf(
        calendar,
        {
          acceptedOn: acceptOn,
          promisedLimitDays: item.promisedLimitDays,
          statutoryLimitDays: item.statutoryLimitDays,
          pausedDays: length,
        },
        this.#options.warnDays,
      );
      const action = pauseKind === 'supplement' ? 'supplement' : 'special';
      const reason = pauseKind === 'supplement' ? choose(SUPPLEMENT_REASONS, r) : '依法启动特别程序';
      events.push({
        day: pauseStart,
        minute: 600 + Math.floor(r() * 300),
        apply: (c) => {
          c.status = action;
          c.paused_since = pauseStart;
        },
        step: {
          action,
          stage: 0,
          actor: handler,
          actor_type: 'user',
          org_unit_code: item.departmentCode,
          opinion: reason,
          details: pauseKind === 'supplement' ? { materialIndexes: [0] } : { kind: pauseKind },
          to: action,
        },
        transition: true,
        pause: { open: { kind: pauseKind, reason, started_on: pauseStart, ended_on: null, working_days: null } },
      });
      events.push({
        day: pauseEnd,
        minute: 600 + Math.floor(r() * 300),
        apply: (c) => {
          c.status = 'accepted';
          c.paused_since = null;
          c.paused_days = length;
          c.due_on = resumed.dueOn;
          c.statutory_due_on = resumed.statutoryDueOn;
          c.warn_on = resumed.warnOn;
          c.deadline_provisional = c.deadline_provisional || resumed.provisional;
        },
        step: {
          action: pauseKind === 'supplement' ? 'supplement_complete' : 'special_end',
          stage: 0,
          actor: handler,
          actor_type: 'user',
          org_unit_code: item.departmentCode,
          opinion: pauseKind === 'supplement' ? null : '特别程序结束',
          details: { pausedWorkingDays: length, dueOn: resumed.dueOn },
          to: 'accepted',
        },
        transition: true,
        pause: { close: { endedOn: pauseEnd, workingDays: length } },
      });
      pausedDays = length;
      deadlines = resumed;
    }
    const completeOn = this.#after(acceptOn, used + pausedDays);
    // A few withdraw before the decision.
    if (r() < 0.015) {
      const span = workingDaysBetween(calendar, acceptOn, completeOn).days;
      const withdrawOn = this.#after(acceptOn, Math.floor(r() * Math.max(1, span)));
      if (!pauseKind || withdrawOn < pauseStart) {
        events.push(withdrawal(withdrawOn, 600 + Math.floor(r() * 400), windowUnit, clerk, r));
        return events;
      }
    }
    const total = used + pausedDays;
    let advanceOn = this.#after(acceptOn, Math.floor(total / 2));
    // Nobody moves a paused case on: its review ends after the pause.
    if (pauseKind && advanceOn >= pauseStart && advanceOn <= pauseEnd) advanceOn = pauseEnd;
    // The decision on the day of 办结 or the working day before: some cases are decided and not yet completed.
    const decideOn = total >= 2 && r() < 0.5 ? this.#after(acceptOn, total - 1) : completeOn;
    const decideMinute = 570 + Math.floor(r() * 360);
    events.push({
      day: advanceOn,
      minute: 560 + Math.floor(r() * 400),
      apply: (c) => {
        c.stage = 1;
      },
      step: {
        action: 'advance',
        stage: 0,
        actor: handler,
        actor_type: 'user',
        org_unit_code: item.departmentCode,
        opinion: '材料齐全，符合条件',
        details: { toStage: 1 },
        to: 'accepted',
      },
      transition: true,
    });
    const decision = r() < 0.04 ? 'refused' : 'granted';
    events.push({
      day: decideOn,
      minute: decideMinute,
      apply: (c, at) => {
        c.status = 'decided';
        c.decision = decision;
        c.decided_at = at;
      },
      step: {
        action: 'decide',
        stage: 1,
        actor: approver,
        actor_type: 'user',
        org_unit_code: item.departmentCode,
        opinion: decision === 'granted' ? '同意' : choose(REFUSE_REASONS, r),
        details: { decision },
        to: 'decided',
      },
      transition: true,
    });
    used = workingDaysBetween(calendar, acceptOn, completeOn).days - pausedDays;
    const onTime = completeOn <= deadlines.dueOn;
    const resultNumber =
      decision === 'granted'
        ? `${item.departmentCode}-${completeOn.replaceAll('-', '')}-${String(Math.floor(r() * 1e6)).padStart(6, '0')}`
        : null;
    events.push({
      day: completeOn,
      minute: decideMinute + 20 + Math.floor(r() * 60),
      apply: (c, at) => {
        c.status = 'completed';
        c.completed_at = at;
        c.working_days_used = used;
        c.on_time = onTime;
        c.result_number = resultNumber;
      },
      step: {
        action: 'complete',
        stage: 1,
        actor: handler,
        actor_type: 'user',
        org_unit_code: item.departmentCode,
        opinion: null,
        details: { workingDaysUsed: used, onTime, decision },
        to: 'completed',
      },
      transition: true,
    });
    let lastOn = completeOn;
    let lastMinute = decideMinute + 90;
    if (r() < 0.9) {
      const deliverOn = this.#after(completeOn, Math.floor(r() * 4));
      const method = centre ? choose(DELIVERY_METHODS, r) : choose(['mail', 'electronic'] as const, r);
      lastOn = deliverOn;
      lastMinute = deliverOn === completeOn ? Math.min(1_050, lastMinute + 30) : 540 + Math.floor(r() * 480);
      events.push({
        day: deliverOn,
        minute: lastMinute,
        apply: (c, at) => {
          c.status = 'delivered';
          c.closed_at = at;
        },
        step: {
          action: 'deliver',
          stage: 1,
          actor: clerk,
          actor_type: 'user',
          org_unit_code: windowUnit,
          opinion: null,
          details: { method },
          to: 'delivered',
        },
        transition: true,
      });
    }
    // 好差评: about 40 % of completed cases, at the window (recorded by a clerk) or online (anonymous, by tracking).
    if (lastOn < this.#today && r() < 0.4) {
      const score = ratingScore(r());
      const byWindow = centre !== null && r() < 0.65;
      const ratedOn = byWindow ? lastOn : addDays(lastOn, Math.floor(r() * 3));
      const ratedMinute = byWindow
        ? Math.min(1_070, lastMinute + 5)
        : Math.min(1_430, lastMinute + 60 + Math.floor(r() * 300));
      const poor = score <= 2;
      const followUpDueOn = poor ? this.#after(ratedOn, this.#options.followUpDays) : null;
      const comment = poor ? choose(POOR_COMMENTS, r) : choose(GOOD_COMMENTS, r);
      events.push({
        day: ratedOn,
        minute: ratedMinute,
        apply: () => {},
        step: {
          action: 'rate',
          stage: null,
          actor: byWindow ? clerk : -1,
          actor_type: byWindow ? 'user' : 'public',
          org_unit_code: byWindow ? centre : null,
          opinion: null,
          details: { score, channel: byWindow ? 'window' : 'online', followUpDueOn },
        },
        transition: false,
        rating: {
          case_id: '',
          score,
          channel: byWindow ? 'window' : 'online',
          comment,
          rated_at: '',
          follow_up_due_on: followUpDueOn,
          follow_up_answer: null,
          answered_at: null,
          answered_by: null,
        },
      });
      if (poor && followUpDueOn && handler >= 0 && r() < 0.92) {
        const answerOn = this.#after(ratedOn, 1 + Math.floor(r() * (this.#options.followUpDays + 2)));
        const text = choose(FOLLOW_UP_ANSWERS, r);
        events.push({
          day: answerOn,
          minute: 600 + Math.floor(r() * 360),
          apply: () => {},
          step: {
            action: 'rating_answered',
            stage: null,
            actor: handler,
            actor_type: 'user',
            org_unit_code: item.departmentCode,
            opinion: text,
            details: { score, dueOn: followUpDueOn, overdue: answerOn > followUpDueOn },
          },
          transition: false,
          answer: { text, by: this.#world.actors[handler]!.id },
        });
      }
    }
    return events.sort(byDay);
  }

  /** `days` working days after `day`, Monday–Friday past the calendar's last year as the lifecycle counts. */
  #after(day: IsoDate, days: number): IsoDate {
    return addWorkingDays(this.#options.calendar, day, days).day;
  }

  /** The case as of today: the events before today applied to a new row; steps, pauses and rating written. */
  #materialise(batch: Batch, item: ItemVersion, centre: string | null, submittedOn: IsoDate, events: Event[]): void {
    const r = this.#rng;
    const id = uuidOf(r);
    const applicant = this.#applicant(item);
    const prefix = centre ?? ONLINE_PREFIX;
    const key = `${prefix}|${submittedOn}`;
    const sequence = (this.#world.sequences.get(key) ?? 0) + 1;
    this.#world.sequences.set(key, sequence);
    const submittedAt = instantOf(submittedOn, events[0]!.minute);
    const c: CaseRow = {
      id,
      number: `${prefix}-${submittedOn.replaceAll('-', '')}-${String(sequence).padStart(6, '0')}`,
      item_code: item.code,
      item_version: item.version,
      item_name_zh: item.nameZh,
      item_type: item.type,
      department_code: item.departmentCode,
      centre_code: centre,
      channel: centre ? 'window' : 'online',
      applicant_kind: applicant.kind,
      applicant_name: applicant.name,
      applicant_id: applicant.idNumber,
      id_tail: applicant.idNumber.slice(-6),
      applicant_mobile: applicant.mobile,
      form: applicant.form,
      status: 'submitted',
      stage: 0,
      routed: false,
      decision: null,
      submitted_at: submittedAt,
      accepted_at: null,
      decided_at: null,
      completed_at: null,
      closed_at: null,
      promised_limit_days: item.promisedLimitDays,
      statutory_limit_days: item.statutoryLimitDays,
      accepted_on: null,
      due_on: null,
      statutory_due_on: null,
      warn_on: null,
      deadline_provisional: false,
      paused_days: 0,
      paused_since: null,
      working_days_used: null,
      on_time: null,
      result_number: null,
      version: 1,
      updated_at: submittedAt,
    };
    let seq = 0;
    let pauseSeq = 0;
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const event of events) {
      if (event.day >= this.#today) break;
      // Same-day events keep their order: each at least a second after the one before.
      const ms = Math.max(Date.parse(instantOf(event.day, event.minute)), lastMs + 1_000);
      lastMs = ms;
      const at = new Date(ms).toISOString();
      const from = c.status;
      event.apply(c, at);
      if (event.transition) {
        c.version += 1;
        c.updated_at = at;
      }
      seq += 1;
      batch.steps.push({
        ...event.step,
        case_id: id,
        seq,
        at,
        from_status: event.step.action === 'submit' ? null : from,
        to_status: event.step.to ?? c.status,
      });
      if (event.pause?.open) batch.pauses.push({ ...event.pause.open, case_id: id, seq: ++pauseSeq });
      if (event.pause?.close) {
        const open = batch.pauses[batch.pauses.length - 1]!;
        open.ended_on = event.pause.close.endedOn;
        open.working_days = event.pause.close.workingDays;
      }
      if (event.rating) batch.ratings.push({ ...event.rating, case_id: id, rated_at: at });
      if (event.answer) {
        const rating = batch.ratings[batch.ratings.length - 1]!;
        rating.follow_up_answer = event.answer.text;
        rating.answered_at = at;
        rating.answered_by = event.answer.by;
      }
    }
    batch.cases.push(c);
  }

  #actorIn(actors: Actor[] | undefined): number {
    if (!actors || actors.length === 0) return -1;
    return this.#world.actorIndex.get(actors[Math.floor(this.#rng() * actors.length)]!)!;
  }

  /** A fictional applicant fit for the item's form: a citizen, or an enterprise when the form asks for one. */
  #applicant(item: ItemVersion): {
    kind: 'citizen' | 'enterprise';
    name: string;
    idNumber: string;
    mobile: string;
    form: Record<string, unknown>;
  } {
    const r = this.#rng;
    const personName = choose(SURNAMES, r) + choose(GIVEN, r);
    const birth = addDays('1945-01-01', Math.floor(r() * 22_000));
    const first17 = `${DISTRICT_DIVISION}${birth.replaceAll('-', '')}${String(Math.floor(r() * 1000)).padStart(3, '0')}`;
    const residentId = first17 + residentIdCheckCharacter(first17);
    const mobile = `1${choose(['3', '5', '7', '8', '9'], r)}${String(Math.floor(r() * 1e9)).padStart(9, '0')}`;
    const enterprise = JSON.stringify(item.form).includes('"creditCode"');
    if (!enterprise) {
      return {
        kind: 'citizen',
        name: personName,
        idNumber: residentId,
        mobile,
        form: fillForm(item.form, { name: personName, idNumber: residentId, phone: mobile }, r),
      };
    }
    const organisation = `${String(Math.floor(r() * 1e8)).padStart(8, '0')}`;
    const organisationCode = organisation + organisationCodeCheckCharacter(organisation);
    const first = `91${DISTRICT_DIVISION}${organisationCode}`;
    const creditCode = first + creditCodeCheckCharacter(first);
    const firmName = `汇通区${choose(FIRMS, r)}${choose(FIRM_KINDS, r)}`;
    return {
      kind: 'enterprise',
      name: firmName,
      idNumber: creditCode,
      mobile,
      form: fillForm(
        item.form,
        {
          organisationName: firmName,
          creditCode,
          contactName: personName,
          legalRepresentative: personName,
          name: personName,
          idNumber: residentId,
          phone: mobile,
        },
        r,
      ),
    };
  }
}

/** Stable: events of one day keep the order they were told in. */
const byDay = (a: Event, b: Event) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0);

function withdrawal(day: IsoDate, minute: number, windowUnit: string, clerk: number | null, r: () => number): Event {
  return {
    day,
    minute,
    apply: (c, at) => {
      if (c.paused_since) c.paused_since = null;
      c.status = 'withdrawn';
      c.closed_at = at;
    },
    step: {
      action: 'withdraw',
      stage: null,
      actor: clerk ?? -1,
      actor_type: clerk === null || clerk < 0 ? 'public' : 'user',
      org_unit_code: windowUnit,
      opinion: choose(WITHDRAW_REASONS, r),
      details: {},
      to: 'withdrawn',
    },
    transition: true,
  };
}

/** The district centre C00 takes about a third of the window cases of items any centre handles. */
function windowCentre(centres: readonly string[], r: () => number): string {
  if (centres.length === 1) return centres[0]!;
  if (centres[0] === 'C00' && r() < 0.3) return 'C00';
  return centres[Math.floor(r() * centres.length)]!;
}

/** 非常满意 most of the time; a few poor ones. */
function ratingScore(u: number): number {
  if (u < 0.7) return 5;
  if (u < 0.88) return 4;
  if (u < 0.95) return 3;
  if (u < 0.98) return 2;
  return 1;
}

/**
 * Form data for an item's form (a JSON Schema): every required field, from the applicant where the
 * field names them, else a plausible value of its type.
 */
export function fillForm(
  schema: Record<string, unknown>,
  known: Record<string, string>,
  r: () => number,
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = (schema.required ?? []) as string[];
  const data: Record<string, unknown> = {};
  for (const name of required) {
    const field = properties[name];
    if (!field) continue;
    const value = fieldValue(name, field, known, r);
    if (value !== undefined) data[name] = value;
  }
  return data;
}

function fieldValue(
  name: string,
  field: Record<string, unknown>,
  known: Record<string, string>,
  r: () => number,
): unknown {
  if (Array.isArray(field.enum)) return field.enum[Math.floor(r() * field.enum.length)];
  switch (field.type) {
    case 'object':
      return fillForm(field, known, r);
    case 'integer':
    case 'number': {
      const minimum = typeof field.minimum === 'number' ? field.minimum : 1;
      const maximum = typeof field.maximum === 'number' ? field.maximum : minimum + 9;
      return minimum + Math.floor(r() * (Math.min(maximum, minimum + 9) - minimum + 1));
    }
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'string': {
      if (known[name] !== undefined) return known[name];
      if (field.format === 'date') return addDays('2024-01-01', Math.floor(r() * 700));
      if (field.format === 'email') return `applicant${Math.floor(r() * 1e6)}@example.cn`;
      const text = /name/i.test(name)
        ? (known.name ?? '申请人')
        : /phone|mobile|tel/i.test(name)
          ? (known.phone ?? '13900000000')
          : '见申请材料';
      return typeof field.maxLength === 'number' ? text.slice(0, field.maxLength) : text;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

async function writeBatch(database: Database, batch: Batch, world: World, runStarted: Date): Promise<void> {
  const created = runStarted.toISOString();
  const cases = JSON.stringify(batch.cases.map((c) => ({ ...c, created_at: created })));
  const steps = JSON.stringify(batch.steps);
  const actors = JSON.stringify(world.actors.map((actor) => [actor.id, actor.name, actor.post]));
  await database.transaction(async (tx) => {
    await sql`with route as (select key as department_code, value as stages from jsonb_each(${JSON.stringify(world.routes)}::jsonb))
      insert into cases."case" (id, number, item_code, item_version, item_name_zh, item_type, department_code,
        centre_code, channel, applicant_kind, applicant_name, applicant_id, id_tail, applicant_mobile, form, status,
        stage, stages, decision, submitted_at, accepted_at, decided_at, completed_at, closed_at, promised_limit_days,
        statutory_limit_days, accepted_on, due_on, statutory_due_on, warn_on, deadline_provisional, paused_days, paused_since,
        working_days_used, on_time, result_number, version, created_at, updated_at)
      select r.id, r.number, r.item_code, r.item_version, r.item_name_zh, r.item_type, r.department_code,
             r.centre_code, r.channel, r.applicant_kind, r.applicant_name, r.applicant_id, r.id_tail,
             r.applicant_mobile, r.form, r.status, r.stage,
             case when r.routed then route.stages else '[]'::jsonb end,
             r.decision, r.submitted_at, r.accepted_at, r.decided_at, r.completed_at, r.closed_at,
             r.promised_limit_days, r.statutory_limit_days, r.accepted_on, r.due_on, r.statutory_due_on, r.warn_on, r.deadline_provisional,
             r.paused_days, r.paused_since, r.working_days_used, r.on_time, r.result_number, r.version, r.created_at,
             r.updated_at
        from json_to_recordset(${cases}::json) as r(id uuid, number text, item_code text, item_version integer,
             item_name_zh text, item_type text, department_code text, centre_code text, channel text,
             applicant_kind text, applicant_name text, applicant_id text, id_tail text, applicant_mobile text,
             form jsonb, status text, stage integer, routed boolean, decision text, submitted_at timestamptz,
             accepted_at timestamptz, decided_at timestamptz, completed_at timestamptz, closed_at timestamptz,
             promised_limit_days integer, statutory_limit_days integer, accepted_on date, due_on date,
             statutory_due_on date, warn_on date, deadline_provisional boolean, paused_days integer, paused_since date, working_days_used integer,
             on_time boolean, result_number text, version integer, created_at timestamptz, updated_at timestamptz)
        left join route on route.department_code = r.department_code`.execute(tx);
    await sql`with actor as (select ordinality - 1 as index, value from jsonb_array_elements(${actors}::jsonb) with ordinality)
      insert into cases.step (case_id, seq, action, from_status, to_status, stage, actor_type, actor_id,
        actor_name, actor_post, org_unit_code, opinion, details, at)
      select r.case_id, r.seq, r.action, r.from_status, r.to_status, r.stage, r.actor_type,
             case when r.actor >= 0 then a.value ->> 0 when r.actor_type = 'public' then 'anonymous' else ${SYSTEM_ACTOR.id} end,
             a.value ->> 1, a.value ->> 2, r.org_unit_code, r.opinion, r.details, r.at
        from json_to_recordset(${steps}::json) as r(case_id uuid, seq integer, action text, from_status text,
             to_status text, stage integer, actor integer, actor_type text, org_unit_code text, opinion text,
             details jsonb, at timestamptz)
        left join actor as a on a.index = r.actor`.execute(tx);
    if (batch.pauses.length > 0) {
      await sql`insert into cases.pause (case_id, seq, kind, reason, started_on, ended_on, working_days)
        select r.case_id, r.seq, r.kind, r.reason, r.started_on, r.ended_on, r.working_days
          from json_to_recordset(${JSON.stringify(batch.pauses)}::json) as r(case_id uuid, seq integer, kind text,
               reason text, started_on date, ended_on date, working_days integer)`.execute(tx);
    }
    if (batch.ratings.length > 0) {
      await sql`insert into cases.rating (case_id, score, channel, comment, rated_at, follow_up_due_on,
          follow_up_answer, answered_at, answered_by)
        select r.case_id, r.score, r.channel, r.comment, r.rated_at, r.follow_up_due_on, r.follow_up_answer,
               r.answered_at, r.answered_by
          from json_to_recordset(${JSON.stringify(batch.ratings)}::json) as r(case_id uuid, score integer,
               channel text, comment text, rated_at timestamptz, follow_up_due_on date, follow_up_answer text,
               answered_at timestamptz, answered_by text)`.execute(tx);
    }
  });
}

/** The civil date in China of a timestamptz column, whatever the session's time zone. */
const chinaDay = (column: string) => sql.raw(`((${column} at time zone 'UTC') + interval '8 hours')::date`);

/**
 * What follows from the rows this run wrote, month of submission by month: the daily tally (added to
 * what is there, as addToTally does), the deadline alerts, and the number sequences.
 */
async function deriveFromCases(
  database: Database,
  world: World,
  runStarted: Date,
  today: IsoDate,
  range: Range,
  onProgress: GenerateOptions['onProgress'],
): Promise<{ alerts: number; tallyRows: number }> {
  const months: Array<[IsoDate, IsoDate]> = [];
  for (let month = `${range.from.slice(0, 7)}-01`; month <= range.to; month = addMonths(month, 1)) {
    months.push([month, addMonths(month, 1)]);
  }
  const acknowledgers = JSON.stringify(
    Object.fromEntries(
      [...world.handlers].filter(([, people]) => people.length > 0).map(([unit, people]) => [unit, people[0]!.id]),
    ),
  );
  let alerts = 0;
  let tallyRows = 0;
  for (const [index, [from, to]] of months.entries()) {
    // Submission instants of the month (China time) as UTC bounds, so the submitted_at index serves.
    const lower = instantOf(from, 0);
    const upper = instantOf(to, 0);
    await database.transaction(async (tx) => {
      const mine = sql`c.created_at = ${runStarted} and c.submitted_at >= ${lower}::timestamptz and c.submitted_at < ${upper}::timestamptz`;
      const tallied =
        await sql`insert into cases.daily_tally as t (day, centre_code, department_code, item_code, submitted,
          accepted, rejected, completed, completed_on_time, working_days_sum, granted, refused, withdrawn, ratings,
          rating_sum, poor_ratings)
        select e.day, e.centre_code, e.department_code, e.item_code, sum(e.submitted), sum(e.accepted), sum(e.rejected),
               sum(e.completed), sum(e.on_time), sum(e.working_days), sum(e.granted), sum(e.refused), sum(e.withdrawn),
               sum(e.ratings), sum(e.rating_sum), sum(e.poor)
          from cases."case" as c
          left join cases.rating as g on g.case_id = c.id
          cross join lateral (values
            (${chinaDay('c.submitted_at')}, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            (${chinaDay('c.accepted_at')}, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            (case when c.status = 'rejected' then ${chinaDay('c.closed_at')} end, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            (case when c.status = 'withdrawn' then ${chinaDay('c.closed_at')} end, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0),
            (${chinaDay('c.completed_at')}, 0, 0, 0, 1, case when c.on_time then 1 else 0 end,
             coalesce(c.working_days_used, 0), case when c.decision = 'granted' then 1 else 0 end,
             case when c.decision = 'refused' then 1 else 0 end, 0, 0, 0, 0),
            (${chinaDay('g.rated_at')}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, coalesce(g.score, 0),
             case when g.score <= 2 then 1 else 0 end)
          ) as v(day, submitted, accepted, rejected, completed, on_time, working_days, granted, refused, withdrawn,
                 ratings, rating_sum, poor)
          cross join lateral (select v.day, coalesce(c.centre_code, '') as centre_code, c.department_code, c.item_code,
                 v.submitted, v.accepted, v.rejected, v.completed, v.on_time, v.working_days, v.granted, v.refused,
                 v.withdrawn, v.ratings, v.rating_sum, v.poor) as e
         where ${mine} and v.day is not null
         group by 1, 2, 3, 4
        on conflict (day, centre_code, department_code, item_code) do update set
          submitted = t.submitted + excluded.submitted, accepted = t.accepted + excluded.accepted,
          rejected = t.rejected + excluded.rejected, completed = t.completed + excluded.completed,
          completed_on_time = t.completed_on_time + excluded.completed_on_time,
          working_days_sum = t.working_days_sum + excluded.working_days_sum, granted = t.granted + excluded.granted,
          refused = t.refused + excluded.refused, withdrawn = t.withdrawn + excluded.withdrawn,
          ratings = t.ratings + excluded.ratings, rating_sum = t.rating_sum + excluded.rating_sum,
          poor_ratings = t.poor_ratings + excluded.poor_ratings`.execute(tx);
      tallyRows += Number(tallied.numAffectedRows ?? 0);
      // Alerts as the daily sweep raised them: yellow on the first day a running case was at or past its
      // warning day, red on the day after its due day; acknowledged by its department within a day,
      // except in the last few days.
      const raised =
        await sql`with ack as (select key as department_code, value #>> '{}' as person_id from jsonb_each(${acknowledgers}::jsonb))
        insert into cases.alert (case_id, level, department_code, centre_code, raised_on, raised_at,
          acknowledged_at, acknowledged_by)
        select c.id, l.level, c.department_code, c.centre_code, l.raised_on,
               (l.raised_on::timestamp + interval '1 hour' - interval '8 hours') at time zone 'UTC',
               case when l.raised_on < ${today}::date - 3 and ack.person_id is not null
                    then (l.raised_on::timestamp + interval '1 day 2 hours') at time zone 'UTC' end,
               case when l.raised_on < ${today}::date - 3 then ack.person_id end
          from cases."case" as c
          left join ack on ack.department_code = c.department_code
          cross join lateral (select coalesce(${chinaDay('c.completed_at')}, ${chinaDay('c.closed_at')}, ${today}::date) as last_on) as e
          cross join lateral (values
            ('yellow', greatest(c.warn_on, c.accepted_on), c.warn_on <= e.last_on),
            ('red', c.due_on + 1, c.due_on < e.last_on)
          ) as l(level, raised_on, raised)
         where ${mine} and c.accepted_on is not null and l.raised
           and (c.closed_at is not null or c.completed_at is not null or c.status in ('accepted', 'decided'))
        on conflict (case_id, level) do nothing`.execute(tx);
      alerts += Number(raised.numAffectedRows ?? 0);
    });
    onProgress?.({ phase: 'tallies', done: index + 1, total: months.length + 1 });
  }
  await sql`insert into cases.number_sequence as s (prefix, day, last)
    select split_part(number, '-', 1), to_date(split_part(number, '-', 2), 'YYYYMMDD'), max(split_part(number, '-', 3)::integer)
      from cases."case" where created_at = ${runStarted}
     group by 1, 2
    on conflict (prefix, day) do update set last = greatest(s.last, excluded.last)`.execute(database.kysely);
  onProgress?.({ phase: 'tallies', done: months.length + 1, total: months.length + 1 });
  return { alerts, tallyRows };
}

// ---------------------------------------------------------------------------------------------
// Small pieces: a seeded PRNG, weighted draws, days and instants

/** sfc32 seeded through splitmix32: fast, 32-bit, the same numbers on every platform for a seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4_294_967_296;
  };
}

function cumulative(weights: Float64Array): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i]!;
    sums[i] = total;
  }
  return sums;
}

/** The index a uniform draw `u` falls on in cumulative weights (binary search). */
function pick(sums: Float64Array, u: number): number {
  const target = u * sums[sums.length - 1]!;
  let low = 0;
  let high = sums.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sums[middle]! <= target) low = middle + 1;
    else high = middle;
  }
  return low;
}

function choose<T>(values: readonly T[], r: () => number): T {
  return values[Math.floor(r() * values.length)]!;
}

function shuffle(values: number[], r: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}

/** A version 4 UUID from the PRNG, so a seed gives the same ids. */
function uuidOf(r: () => number): string {
  const hex = Array.from({ length: 4 }, () =>
    Math.floor(r() * 4_294_967_296)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MINUTES = 480;

function addDays(day: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function addMonths(firstOfMonth: IsoDate, months: number): IsoDate {
  const date = new Date(`${firstOfMonth}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10);
}

/** The instant of `minute` minutes after midnight on `day` in China (UTC+8), as ISO 8601. */
function instantOf(day: IsoDate, minute: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + (minute - CHINA_OFFSET_MINUTES) * 60_000).toISOString();
}
