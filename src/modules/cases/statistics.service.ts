/**
 * 统计分析: volumes, on-time rate, average working days and ratings per centre, department, item,
 * month or day over a period, from the tallies the lifecycle keeps in each change's transaction —
 * never by counting cases. Supervisors (cases.supervise) see the district at the root, else the
 * departments and centres under their grants.
 */
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, ValidationError } from '../../platform/errors.js';
import { translate } from '../../platform/i18n/messages.js';
import { listOrgUnits } from '../directory/index.js';
import { listPublishedItems } from '../services/index.js';
import { CASES_SUPERVISE } from './case.js';
import { chinaDateOf } from './deadline.js';
import { type PeriodParts, type StatisticsBy, selectTallySums, type TallySums } from './statistics.repository.js';
import { unitCutOf } from './supervision-scope.js';
import './cases.messages.js';
import './supervision.messages.js';

export type { StatisticsBy } from './statistics.repository.js';

export const STATISTICS_BY: readonly StatisticsBy[] = ['centre', 'department', 'item', 'month', 'day'];
/** The longest period asked at once. */
export const MAX_PERIOD_YEARS = 5;
/** A chart by day over more than a year is unreadable, and would sum every daily row of it. */
export const MAX_DAYS_BY_DAY = 366;

export interface StatisticsQuery {
  from?: string | undefined;
  to?: string | undefined;
  by?: string | undefined;
  centre?: string | undefined;
  department?: string | undefined;
}

export interface StatisticsFigures {
  submitted: number;
  accepted: number;
  rejected: number;
  completed: number;
  onTime: number;
  /** Completed on time ÷ completed, 0..1; null when none completed. */
  onTimeRate: number | null;
  /** Working days used per completed case (pauses excluded); null when none completed. */
  avgWorkingDays: number | null;
  granted: number;
  refused: number;
  withdrawn: number;
  ratings: number;
  /** 1..5; null when none rated. */
  avgRating: number | null;
  poorRatings: number;
}

export interface StatisticsRow extends StatisticsFigures {
  /** Centre code ('' for online), department code, item code, `YYYY-MM` or `YYYY-MM-DD`. */
  key: string;
  labelZh?: string;
  labelEn?: string;
}

export interface Statistics {
  from: string;
  to: string;
  by: StatisticsBy;
  rows: StatisticsRow[];
  totals: StatisticsFigures;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The figures per key over [from, to] (both included; default: this month to today), and their totals.
 * @throws ValidationError `cases.query_invalid` naming `/from`, `/to`, `/by`; ForbiddenError `access.denied`
 * @example const { rows, totals } = await caseStatistics(db, actor, { from: '2024-01-01', to: '2024-12-31', by: 'month' }, deps);
 */
export async function caseStatistics(
  executor: Executor,
  actor: Actor,
  query: StatisticsQuery,
  deps: { policy: Policy; clock: () => Date },
): Promise<Statistics> {
  const today = chinaDateOf(deps.clock());
  const errors: FieldError[] = [];
  const by = (query.by ?? 'department') as StatisticsBy;
  if (!STATISTICS_BY.includes(by)) errors.push({ pointer: '/by', reason: 'one_of' });
  const from = query.from ?? `${today.slice(0, 8)}01`;
  const to = query.to ?? today;
  const fromValid = isDate(from);
  const toValid = isDate(to);
  if (!fromValid) errors.push({ pointer: '/from', reason: 'date' });
  if (!toValid) errors.push({ pointer: '/to', reason: 'date' });
  if (fromValid && toValid) {
    if (to < from) errors.push({ pointer: '/to', reason: 'before_from' });
    else if (to >= addYears(from, MAX_PERIOD_YEARS)) errors.push({ pointer: '/to', reason: 'period_too_long' });
    else if (by === 'day' && daysBetween(from, to) >= MAX_DAYS_BY_DAY) {
      errors.push({ pointer: '/to', reason: 'period_too_long' });
    }
  }
  if (errors.length > 0) throw new ValidationError('cases.query_invalid', errors, { count: errors.length });
  const cut = await unitCutOf(executor, actor, [CASES_SUPERVISE], deps.policy);
  const sums = await selectTallySums(executor, {
    parts: by === 'day' ? { months: null, days: [{ from, to }] } : periodParts(from, to),
    by,
    cut,
    centre: query.centre || undefined,
    department: query.department || undefined,
  });
  const labels = await labelsOf(executor, by, sums, query.department || undefined);
  return {
    from,
    to,
    by,
    rows: sums.map((sum) => ({ key: sum.key, ...labels.get(sum.key), ...figuresOf(sum) })),
    totals: figuresOf(totalOf(sums)),
  };
}

/**
 * Splits [from, to] into the whole calendar months inside it and the days outside them.
 * @example periodParts('2024-01-15', '2024-04-10')
 * // { months: { from: '2024-02-01', to: '2024-03-01' }, days: [{ from: '2024-01-15', to: '2024-01-31' }, { from: '2024-04-01', to: '2024-04-10' }] }
 */
export function periodParts(from: string, to: string): PeriodParts {
  const firstWhole = from.endsWith('-01') ? from : nextMonthStart(from);
  const afterLastWhole = nextDay(to).endsWith('-01') ? nextDay(to) : monthStart(to);
  if (firstWhole >= afterLastWhole) return { months: null, days: [{ from, to }] };
  const days = [];
  if (from < firstWhole) days.push({ from, to: previousDay(firstWhole) });
  if (afterLastWhole <= to) days.push({ from: afterLastWhole, to });
  return { months: { from: firstWhole, to: previousMonthStart(afterLastWhole) }, days };
}

function figuresOf(sum: Omit<TallySums, 'key'>): StatisticsFigures {
  const ratio = (part: number, whole: number, digits: number) =>
    whole === 0 ? null : Math.round((part / whole) * 10 ** digits) / 10 ** digits;
  return {
    submitted: sum.submitted,
    accepted: sum.accepted,
    rejected: sum.rejected,
    completed: sum.completed,
    onTime: sum.completedOnTime,
    onTimeRate: ratio(sum.completedOnTime, sum.completed, 4),
    avgWorkingDays: ratio(sum.workingDaysSum, sum.completed, 2),
    granted: sum.granted,
    refused: sum.refused,
    withdrawn: sum.withdrawn,
    ratings: sum.ratings,
    avgRating: ratio(sum.ratingSum, sum.ratings, 2),
    poorRatings: sum.poorRatings,
  };
}

function totalOf(sums: readonly TallySums[]): Omit<TallySums, 'key'> {
  const total: Omit<TallySums, 'key'> = {
    submitted: 0,
    accepted: 0,
    rejected: 0,
    completed: 0,
    completedOnTime: 0,
    workingDaysSum: 0,
    granted: 0,
    refused: 0,
    withdrawn: 0,
    ratings: 0,
    ratingSum: 0,
    poorRatings: 0,
  };
  for (const sum of sums) {
    for (const name of Object.keys(total) as Array<keyof typeof total>) total[name] += sum[name];
  }
  return total;
}

/** Names of the keys that have them: units from the directory, items from the published catalogue. */
async function labelsOf(
  executor: Executor,
  by: StatisticsBy,
  sums: readonly TallySums[],
  department: string | undefined,
): Promise<Map<string, { labelZh: string; labelEn?: string }>> {
  const labels = new Map<string, { labelZh: string; labelEn?: string }>();
  if (sums.length === 0) return labels;
  if (by === 'centre' || by === 'department') {
    const { items } = await listOrgUnits(executor);
    for (const unit of items) labels.set(unit.code, { labelZh: unit.nameZh, labelEn: unit.nameEn });
    labels.set('', {
      labelZh: translate('cases.statistics.online', 'zh-CN'),
      labelEn: translate('cases.statistics.online', 'en'),
    });
  } else if (by === 'item') {
    const wanted = new Set(sums.map((sum) => sum.key));
    for (let offset = 0; ; offset += 100) {
      const page = await listPublishedItems(executor, { department }, { limit: 100, offset });
      for (const item of page.items) {
        if (wanted.has(item.code)) labels.set(item.code, { labelZh: item.nameZh, labelEn: item.nameEn });
      }
      if (offset + 100 >= page.total || labels.size === wanted.size) break;
    }
  }
  return labels;
}

function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text;
}

const MS_PER_DAY = 86_400_000;
const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
const nextDay = (day: string) => shift(day, 1);
const previousDay = (day: string) => shift(day, -1);
const monthStart = (day: string) => `${day.slice(0, 8)}01`;
const nextMonthStart = (day: string) => monthStart(shift(monthStart(day), 32));
const previousMonthStart = (day: string) => monthStart(previousDay(monthStart(day)));
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / MS_PER_DAY;
function addYears(day: string, years: number): string {
  return `${String(Number(day.slice(0, 4)) + years).padStart(4, '0')}${day.slice(4)}`;
}
