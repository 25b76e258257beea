/**
 * `cases.daily_tally`: counts per day, centre, department and item, added to in the transaction of
 * each change, so statistics read a few thousand rows instead of scanning millions of cases.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { TALLY_COUNTS, type TallyCount, type TallyKey } from './case.js';

/**
 * Adds `counts` to the tally row of `key`, creating it at zero first. Counters not named stay as they are.
 * @example await addToTally(tx, { day: '2024-02-19', centreCode: 'C01', departmentCode: 'D07', itemCode }, { accepted: 1 });
 */
export async function addToTally(
  executor: Executor,
  key: TallyKey,
  counts: Partial<Record<TallyCount, number>>,
): Promise<void> {
  // Only the fixed counter names reach the SQL text; the amounts are parameters.
  const names = TALLY_COUNTS.filter((name) => counts[name] !== undefined && counts[name] !== 0);
  if (names.length === 0) return;
  const columns = sql.join(names.map((name) => sql.ref(name)));
  const values = sql.join(names.map((name) => sql`${Math.trunc(counts[name]!)}`));
  const updates = sql.join(
    names.map((name) => sql`${sql.ref(name)} = daily_tally.${sql.ref(name)} + excluded.${sql.ref(name)}`),
  );
  await sql`insert into cases.daily_tally as daily_tally (day, centre_code, department_code, item_code, ${columns})
    values (${key.day}::date, ${key.centreCode}, ${key.departmentCode}, ${key.itemCode}, ${values})
    on conflict (day, centre_code, department_code, item_code) do update set ${updates}`.execute(executor);
}
