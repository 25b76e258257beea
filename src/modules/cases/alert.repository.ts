/** SQL for `cases.alert`: raising the deadline alerts of running cases, listing and acknowledging them. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { SupervisionTables } from './supervision.tables.js';
import { type UnitCut, unitCondition } from './supervision-scope.js';

const db = (executor: Executor) => tablesOf<SupervisionTables>(executor);
const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

export type AlertLevel = 'yellow' | 'red';

/** When a running case is due an alert of a level on `today` (as lightOf in case.ts decides its light). */
function dueCondition(level: AlertLevel, today: string) {
  return level === 'red'
    ? sql`c.due_on < ${today}::date`
    : sql`c.warn_on <= ${today}::date and c.due_on >= ${today}::date`;
}

/** Running cases that are due an alert of `level` and have none yet. */
export async function countAlertsDue(executor: Executor, level: AlertLevel, today: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from cases."case" c
     where c.status in ('accepted', 'decided') and ${dueCondition(level, today)}
       and not exists (select 1 from cases.alert a where a.case_id = c.id and a.level = ${level})`.execute(executor);
  return rows[0]!.n;
}

/**
 * Raises alerts of `level` for up to `limit` cases due one, the most urgent first; returns how many
 * were raised. The unique (case, level) makes a second sweeper, or a second run, raise nothing twice.
 */
export async function raiseAlerts(
  executor: Executor,
  level: AlertLevel,
  today: string,
  limit: number,
): Promise<number> {
  const { rows } = await sql<{
    id: number;
  }>`insert into cases.alert (case_id, level, department_code, centre_code, raised_on)
    select c.id, ${level}, c.department_code, c.centre_code, ${today}::date from cases."case" c
     where c.status in ('accepted', 'decided') and ${dueCondition(level, today)}
       and not exists (select 1 from cases.alert a where a.case_id = c.id and a.level = ${level})
     order by c.due_on, c.id
     limit ${limit}
    on conflict (case_id, level) do nothing
    returning id`.execute(executor);
  return rows.length;
}

export interface AlertRow {
  id: number;
  caseId: string;
  number: string;
  itemCode: string;
  itemNameZh: string;
  level: AlertLevel;
  departmentCode: string;
  centreCode: string | null;
  raisedOn: string;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  dueOn: string | null;
}

function selectAlerts(executor: Executor) {
  return db(executor)
    .selectFrom('cases.alert as a')
    .innerJoin('cases.case as c', 'c.id', 'a.case_id')
    .select([
      'a.id',
      'a.case_id',
      'c.number',
      'c.item_code',
      'c.item_name_zh',
      'a.level',
      'a.department_code',
      'a.centre_code',
      'a.raised_at',
      'a.acknowledged_at',
      'a.acknowledged_by',
    ])
    .select([day('a.raised_on').as('raised_on'), day('c.due_on').as('due_on')]);
}

type Selected = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

function alertOf(row: Selected): AlertRow {
  return {
    id: Number(row.id),
    caseId: row.case_id,
    number: row.number,
    itemCode: row.item_code,
    itemNameZh: row.item_name_zh,
    level: row.level,
    departmentCode: row.department_code,
    centreCode: row.centre_code,
    raisedOn: row.raised_on,
    raisedAt: row.raised_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    dueOn: row.due_on,
  };
}

export async function selectAlert(executor: Executor, id: number, lock = false): Promise<AlertRow | undefined> {
  let query = selectAlerts(executor).where('a.id', '=', id);
  if (lock) query = query.forUpdate('a');
  const row = await query.executeTakeFirst();
  return row && alertOf(row);
}

/** Alerts within the cut, red before yellow, oldest first. */
export async function selectAlertPage(
  executor: Executor,
  filter: { level?: AlertLevel | undefined; acknowledged: boolean; cut: UnitCut },
  page: { limit: number; offset: number },
): Promise<{ items: AlertRow[]; total: number }> {
  let base = db(executor)
    .selectFrom('cases.alert as a')
    .innerJoin('cases.case as c', 'c.id', 'a.case_id')
    .where('a.acknowledged_at', filter.acknowledged ? 'is not' : 'is', null)
    .where(unitCondition(filter.cut));
  if (filter.level) base = base.where('a.level', '=', filter.level);
  let query = selectAlerts(executor)
    .where('a.acknowledged_at', filter.acknowledged ? 'is not' : 'is', null)
    .where(unitCondition(filter.cut));
  if (filter.level) query = query.where('a.level', '=', filter.level);
  const [rows, count] = await Promise.all([
    query
      .orderBy('a.level', 'asc')
      .orderBy('a.raised_on')
      .orderBy('a.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(alertOf), total: Number(count.n) };
}

export async function markAcknowledged(executor: Executor, id: number, by: string, at: Date): Promise<void> {
  await db(executor)
    .updateTable('cases.alert')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .execute();
}
