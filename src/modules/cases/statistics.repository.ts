/**
 * SQL of the statistics: sums of the tallies (never of the cases) over a period, grouped by one key.
 * Whole months are read from the smallest monthly roll-up that still holds the key and the filters
 * (migrations 0017, 0018) and only the days of the months the period cuts at either end from
 * cases.daily_tally, so a year is ~12 rows per unit or item, not ~365 per unit and item.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { type UnitCut, unitCondition } from './supervision-scope.js';

export type StatisticsBy = 'centre' | 'department' | 'item' | 'month' | 'day';

/** The sums of one group, as the tallies name them. */
export interface TallySums {
  key: string;
  submitted: number;
  accepted: number;
  rejected: number;
  completed: number;
  completedOnTime: number;
  workingDaysSum: number;
  granted: number;
  refused: number;
  withdrawn: number;
  ratings: number;
  ratingSum: number;
  poorRatings: number;
}

/** Where to read a period: whole months, and the days before and after them. */
export interface PeriodParts {
  months: { from: string; to: string } | null;
  days: Array<{ from: string; to: string }>;
}

export interface TallyFilter {
  parts: PeriodParts;
  by: StatisticsBy;
  cut: UnitCut;
  centre?: string | undefined;
  department?: string | undefined;
}

const SUMS = sql`sum(submitted) as submitted, sum(accepted) as accepted, sum(rejected) as rejected,
  sum(completed) as completed, sum(completed_on_time) as completed_on_time, sum(working_days_sum) as working_days_sum,
  sum(granted) as granted, sum(refused) as refused, sum(withdrawn) as withdrawn, sum(ratings) as ratings,
  sum(rating_sum) as rating_sum, sum(poor_ratings) as poor_ratings`;

function keyOf(by: StatisticsBy, dateColumn: 'month' | 'day'): RawBuilder<string> {
  switch (by) {
    case 'centre':
      return sql`t.centre_code`;
    case 'department':
      return sql`t.department_code`;
    case 'item':
      return sql`t.item_code`;
    case 'month':
      return sql`to_char(${sql.ref(`t.${dateColumn}`)}, 'YYYY-MM')`;
    case 'day':
      return sql`to_char(t.day, 'YYYY-MM-DD')`;
  }
}

/** The monthly roll-ups, smallest first: each holds daily_tally's counts per calendar month and part of its key. */
export type MonthlyTable = 'cases.monthly_unit_tally' | 'cases.monthly_item_tally' | 'cases.monthly_tally';

/**
 * The smallest roll-up that answers `filter`: per unit (centre, department) unless the key is the item;
 * per department and item when nothing asks for the centre — neither a centre filter nor a cut, which
 * may name centres; else the full one, which a centre filter keeps small.
 * @example monthlyTableFor({ by: 'item', cut: { everywhere: true } }) // 'cases.monthly_item_tally'
 */
export function monthlyTableFor(filter: Pick<TallyFilter, 'by' | 'cut' | 'centre'>): MonthlyTable {
  if (filter.by !== 'item') return 'cases.monthly_unit_tally';
  if (filter.centre === undefined && filter.cut.everywhere) return 'cases.monthly_item_tally';
  return 'cases.monthly_tally';
}

/** The sums per key over the period, by key. */
export async function selectTallySums(executor: Executor, filter: TallyFilter): Promise<TallySums[]> {
  const units = [
    unitCondition(filter.cut, 't'),
    ...(filter.centre !== undefined ? [sql`t.centre_code = ${filter.centre}`] : []),
    ...(filter.department !== undefined ? [sql`t.department_code = ${filter.department}`] : []),
  ];
  const parts: RawBuilder<unknown>[] = [];
  const { months, days } = filter.parts;
  if (months) {
    parts.push(sql`select ${keyOf(filter.by, 'month')} as key, ${SUMS} from ${sql.table(monthlyTableFor(filter))} t
      where t.month between ${months.from}::date and ${months.to}::date and ${sql.join(units, sql` and `)}
      group by 1`);
  }
  if (days.length > 0) {
    const ranges = days.map((range) => sql`t.day between ${range.from}::date and ${range.to}::date`);
    parts.push(sql`select ${keyOf(filter.by, 'day')} as key, ${SUMS} from cases.daily_tally t
      where (${sql.join(ranges, sql` or `)}) and ${sql.join(units, sql` and `)}
      group by 1`);
  }
  if (parts.length === 0) return [];
  const { rows } = await sql<Record<string, string | number>>`select key, ${SUMS}
      from (${sql.join(parts, sql` union all `)}) t
     group by key
     order by key`.execute(executor);
  return rows.map((row) => ({
    key: String(row.key),
    submitted: Number(row.submitted),
    accepted: Number(row.accepted),
    rejected: Number(row.rejected),
    completed: Number(row.completed),
    completedOnTime: Number(row.completed_on_time),
    workingDaysSum: Number(row.working_days_sum),
    granted: Number(row.granted),
    refused: Number(row.refused),
    withdrawn: Number(row.withdrawn),
    ratings: Number(row.ratings),
    ratingSum: Number(row.rating_sum),
    poorRatings: Number(row.poor_ratings),
  }));
}
