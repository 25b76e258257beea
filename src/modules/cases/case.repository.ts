/** SQL for cases, their steps, materials, pauses, ratings and notifications. No rules here: the services decide. */
import { type ExpressionBuilder, type Insertable, sql, type Updateable } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type {
  Case,
  CaseStatus,
  CaseStep,
  Light,
  Notification,
  Pause,
  PauseKind,
  Rating,
  ReceivedMaterial,
  Stage,
} from './case.js';
import type { CasesTables, CaseTable, MaterialTable, StepTable } from './cases.tables.js';

const db = (executor: Executor) => tablesOf<CasesTables>(executor);

/** Civil dates come back as `YYYY-MM-DD` text on both engines (pg would make them local-midnight Dates). */
const day = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

const CASE_COLUMNS = [
  'c.id',
  'c.number',
  'c.item_code',
  'c.item_version',
  'c.item_name_zh',
  'c.item_type',
  'c.department_code',
  'c.centre_code',
  'c.channel',
  'c.applicant_kind',
  'c.applicant_name',
  'c.applicant_id',
  'c.applicant_mobile',
  'c.public_account_id',
  'c.form',
  'c.status',
  'c.stage',
  'c.stages',
  'c.decision',
  'c.submitted_at',
  'c.accepted_at',
  'c.decided_at',
  'c.completed_at',
  'c.closed_at',
  'c.promised_limit_days',
  'c.statutory_limit_days',
  'c.deadline_provisional',
  'c.paused_days',
  'c.working_days_used',
  'c.on_time',
  'c.result_number',
  'c.version',
] as const;

function selectCases(executor: Executor) {
  return db(executor)
    .selectFrom('cases.case as c')
    .select(CASE_COLUMNS)
    .select([
      day('c.accepted_on').as('accepted_on'),
      day('c.due_on').as('due_on'),
      day('c.statutory_due_on').as('statutory_due_on'),
      day('c.warn_on').as('warn_on'),
      day('c.paused_since').as('paused_since'),
    ]);
}

type CaseRow = Awaited<ReturnType<ReturnType<typeof selectCases>['executeTakeFirstOrThrow']>>;

export async function insertCase(executor: Executor, row: Insertable<CaseTable>): Promise<void> {
  await db(executor).insertInto('cases.case').values(row).execute();
}

/** One case; `lock` holds it until the transaction ends, so two transitions of it run one after the other. */
export async function selectCase(executor: Executor, id: string, lock = false): Promise<Case | undefined> {
  let query = selectCases(executor).where('c.id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && caseOf(row);
}

export async function selectCaseByNumber(executor: Executor, number: string): Promise<Case | undefined> {
  const row = await selectCases(executor).where('c.number', '=', number).executeTakeFirst();
  return row && caseOf(row);
}

export type CaseChanges = Omit<Updateable<CaseTable>, 'id' | 'version' | 'updated_at'>;

/** Writes a transition's changes and bumps the version the caller read. */
export async function updateCase(executor: Executor, id: string, changes: CaseChanges, at: Date): Promise<void> {
  await db(executor)
    .updateTable('cases.case')
    .set({ ...changes, updated_at: at })
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Case numbers: the next of a prefix and day, taken under the row lock of its upsert. */
export async function takeSequence(executor: Executor, prefix: string, onDay: string): Promise<number> {
  const row = await db(executor)
    .insertInto('cases.number_sequence')
    .values({ prefix, day: onDay, last: 1 })
    .onConflict((oc) =>
      oc.columns(['prefix', 'day']).doUpdateSet((eb) => ({ last: eb('cases.number_sequence.last', '+', 1) })),
    )
    .returning('last')
    .executeTakeFirstOrThrow();
  return row.last;
}

export interface NewStep {
  caseId: string;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  stage: number | null;
  actorType: StepTable['actor_type'];
  actorId: string;
  actorName: string | null;
  actorPost: string | null;
  orgUnitCode: string | null;
  opinion: string | null;
  details: Record<string, unknown>;
  at: Date;
}

/** Appends a step; the caller holds the case's row lock, so the next seq is its own. */
export async function insertStep(executor: Executor, step: NewStep): Promise<void> {
  await sql`insert into cases.step (case_id, seq, action, from_status, to_status, stage, actor_type, actor_id,
      actor_name, actor_post, org_unit_code, opinion, details, at)
    select ${step.caseId}, coalesce(max(seq), 0) + 1, ${step.action}, ${step.fromStatus}, ${step.toStatus},
           ${step.stage}, ${step.actorType}, ${step.actorId}, ${step.actorName}, ${step.actorPost},
           ${step.orgUnitCode}, ${step.opinion}, ${JSON.stringify(step.details)}::jsonb, ${step.at}
      from cases.step where case_id = ${step.caseId}`.execute(executor);
}

export async function selectSteps(executor: Executor, caseId: string): Promise<CaseStep[]> {
  const rows = await db(executor)
    .selectFrom('cases.step')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    seq: row.seq,
    action: row.action,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    stage: row.stage,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    actorPost: row.actor_post,
    orgUnitCode: row.org_unit_code,
    opinion: row.opinion,
    at: row.at,
  }));
}

export async function insertMaterial(executor: Executor, row: Insertable<MaterialTable>): Promise<void> {
  await db(executor).insertInto('cases.material').values(row).execute();
}

export async function selectMaterials(executor: Executor, caseId: string): Promise<ReceivedMaterial[]> {
  const rows = await db(executor)
    .selectFrom('cases.material')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  return rows.map(materialOf);
}

export async function selectMaterial(
  executor: Executor,
  caseId: string,
  materialId: string,
): Promise<ReceivedMaterial | undefined> {
  const row = await db(executor)
    .selectFrom('cases.material')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', materialId)
    .executeTakeFirst();
  return row && materialOf(row);
}

export async function insertPause(
  executor: Executor,
  pause: { caseId: string; kind: PauseKind; reason: string; startedOn: string },
): Promise<void> {
  await sql`insert into cases.pause (case_id, seq, kind, reason, started_on)
    select ${pause.caseId}, coalesce(max(seq), 0) + 1, ${pause.kind}, ${pause.reason}, ${pause.startedOn}::date
      from cases.pause where case_id = ${pause.caseId}`.execute(executor);
}

/** Closes the open pause of a case. */
export async function closePause(executor: Executor, caseId: string, endedOn: string, workingDays: number) {
  await db(executor)
    .updateTable('cases.pause')
    .set({ ended_on: endedOn, working_days: workingDays })
    .where('case_id', '=', caseId)
    .where('ended_on', 'is', null)
    .execute();
}

export async function selectPauses(executor: Executor, caseId: string): Promise<Pause[]> {
  const rows = await db(executor)
    .selectFrom('cases.pause')
    .select(['seq', 'kind', 'reason', 'working_days'])
    .select([day('started_on').as('started_on'), day('ended_on').as('ended_on')])
    .where('case_id', '=', caseId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    seq: row.seq,
    kind: row.kind,
    reason: row.reason,
    startedOn: row.started_on!,
    endedOn: row.ended_on,
    workingDays: row.working_days,
  }));
}

export async function selectRating(executor: Executor, caseId: string): Promise<Rating | null> {
  const row = await db(executor)
    .selectFrom('cases.rating')
    .select(['score', 'channel', 'comment', 'rated_at', 'follow_up_answer', 'answered_at'])
    .select(day('follow_up_due_on').as('follow_up_due_on'))
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    score: row.score,
    channel: row.channel,
    comment: row.comment,
    ratedAt: row.rated_at,
    followUpDueOn: row.follow_up_due_on,
    followUpAnswer: row.follow_up_answer,
    answeredAt: row.answered_at,
  };
}

export async function insertNotification(
  executor: Executor,
  notification: { caseId: string; publicAccountId: string | null; kind: string; at: Date },
): Promise<void> {
  await db(executor)
    .insertInto('cases.notification')
    .values({
      case_id: notification.caseId,
      public_account_id: notification.publicAccountId,
      kind: notification.kind,
      created_at: notification.at,
    })
    .execute();
}

export async function selectNotifications(
  executor: Executor,
  accountId: string,
  page: { limit: number; offset: number },
): Promise<{ items: Notification[]; total: number }> {
  const base = db(executor).selectFrom('cases.notification as n').where('n.public_account_id', '=', accountId);
  const [rows, count] = await Promise.all([
    base
      .innerJoin('cases.case as c', 'c.id', 'n.case_id')
      .select(['n.id', 'n.case_id', 'c.number', 'c.item_name_zh', 'n.kind', 'c.status', 'n.created_at', 'n.read_at'])
      .orderBy('n.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((row) => ({
      id: Number(row.id),
      caseId: row.case_id,
      caseNumber: row.number,
      itemNameZh: row.item_name_zh,
      kind: row.kind,
      status: row.status,
      createdAt: row.created_at,
      readAt: row.read_at,
    })),
  };
}

/** Marks an account's notifications up to `upTo` (an id) read; returns how many were unread. */
export async function markRead(executor: Executor, accountId: string, upTo: number, at: Date): Promise<number> {
  const result = await db(executor)
    .updateTable('cases.notification')
    .set({ read_at: at })
    .where('public_account_id', '=', accountId)
    .where('id', '<=', upTo)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Which cases a list may show: each set null means "no limit"; an empty set means "none". */
export interface CaseScope {
  /** Centre codes; `online` adds the online applications (no centre). */
  centres: { codes: string[]; online: boolean } | null;
  /** Department codes (the case's department, or the unit of its current stage). */
  units: string[] | null;
}

export interface CaseListFilter {
  /** Any of these scopes (a union); an empty list shows nothing. */
  scopes: CaseScope[];
  centre?: string | undefined;
  department?: string | undefined;
  status?: CaseStatus | undefined;
  light?: Light | undefined;
  number?: string | undefined;
  publicAccountId?: string | undefined;
  today: string;
}

/** A page of cases, newest first, and how many match in all. */
export async function selectCasePage(
  executor: Executor,
  filter: CaseListFilter,
  page: { limit: number; offset: number },
): Promise<{ items: Case[]; total: number }> {
  let query = selectCases(executor);
  let count = db(executor).selectFrom('cases.case as c');
  const where = (eb: ExpressionBuilder<{ c: CaseTable }, 'c'>) => {
    const conditions = [eb.or(filter.scopes.map((scope) => scopeCondition(eb, scope)))];
    if (filter.centre) conditions.push(eb('c.centre_code', '=', filter.centre));
    if (filter.department) conditions.push(eb('c.department_code', '=', filter.department));
    if (filter.status) conditions.push(eb('c.status', '=', filter.status));
    if (filter.number) {
      conditions.push(eb('c.number', 'like', `${filter.number.replace(/[\\%_]/g, (character) => `\\${character}`)}%`));
    }
    if (filter.publicAccountId) conditions.push(eb('c.public_account_id', '=', filter.publicAccountId));
    if (filter.light) conditions.push(lightCondition(eb, filter.light, filter.today));
    return eb.and(conditions);
  };
  query = query.where(where);
  count = count.where(where);
  const [rows, total] = await Promise.all([
    query.orderBy('c.submitted_at', 'desc').orderBy('c.id').limit(page.limit).offset(page.offset).execute(),
    count.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(caseOf), total: Number(total.n) };
}

function scopeCondition(eb: ExpressionBuilder<{ c: CaseTable }, 'c'>, scope: CaseScope) {
  const parts = [];
  if (scope.centres) {
    const centre = [];
    if (scope.centres.codes.length > 0) centre.push(eb('c.centre_code', 'in', scope.centres.codes));
    if (scope.centres.online) centre.push(eb('c.centre_code', 'is', null));
    parts.push(centre.length > 0 ? eb.or(centre) : eb.val(false));
  }
  if (scope.units) {
    parts.push(
      scope.units.length > 0
        ? eb.or([
            eb('c.department_code', 'in', scope.units),
            eb(sql<string>`c.stages -> c.stage ->> 'unitCode'`, 'in', scope.units),
          ])
        : eb.val(false),
    );
  }
  return parts.length > 0 ? eb.and(parts) : eb.val(true);
}

/** The light of lightOf (case.ts), as SQL. */
function lightCondition(eb: ExpressionBuilder<{ c: CaseTable }, 'c'>, light: Light, today: string) {
  const running = eb('c.status', 'in', ['accepted', 'decided']);
  const on = sql<string>`${today}::date`;
  switch (light) {
    case 'red':
      return eb.and([running, eb('c.due_on', '<', on)]);
    case 'yellow':
      return eb.and([running, eb('c.due_on', '>=', on), eb('c.warn_on', '<=', on)]);
    case 'green':
      return eb.and([
        running,
        eb('c.due_on', '>=', on),
        eb.or([eb('c.warn_on', 'is', null), eb('c.warn_on', '>', on)]),
      ]);
  }
}

function materialOf(row: {
  id: string;
  material_index: number | null;
  name: string;
  form: ReceivedMaterial['form'];
  copies: number;
  sha256: string | null;
  filename: string | null;
  media_type: string | null;
  bytes: number | null;
  received_at: Date;
}): ReceivedMaterial {
  return {
    id: row.id,
    materialIndex: row.material_index,
    name: row.name,
    form: row.form,
    copies: row.copies,
    sha256: row.sha256,
    filename: row.filename,
    mediaType: row.media_type,
    bytes: row.bytes === null ? null : Number(row.bytes),
    receivedAt: row.received_at,
  };
}

function caseOf(row: CaseRow): Case {
  return {
    id: row.id,
    number: row.number,
    itemCode: row.item_code,
    itemVersion: row.item_version,
    itemNameZh: row.item_name_zh,
    departmentCode: row.department_code,
    centreCode: row.centre_code,
    channel: row.channel,
    applicant: {
      kind: row.applicant_kind,
      name: row.applicant_name,
      idNumber: row.applicant_id,
      mobile: row.applicant_mobile,
    },
    publicAccountId: row.public_account_id,
    form: row.form,
    status: row.status,
    stage: row.stage,
    stages: row.stages as Stage[],
    decision: row.decision,
    submittedAt: row.submitted_at,
    acceptedAt: row.accepted_at,
    decidedAt: row.decided_at,
    completedAt: row.completed_at,
    closedAt: row.closed_at,
    promisedLimitDays: row.promised_limit_days,
    statutoryLimitDays: row.statutory_limit_days,
    acceptedOn: row.accepted_on,
    dueOn: row.due_on,
    statutoryDueOn: row.statutory_due_on,
    warnOn: row.warn_on,
    deadlineProvisional: row.deadline_provisional,
    pausedDays: row.paused_days,
    pausedSince: row.paused_since,
    workingDaysUsed: row.working_days_used,
    onTime: row.on_time,
    resultNumber: row.result_number,
    version: row.version,
  };
}
