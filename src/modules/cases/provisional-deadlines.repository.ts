/** SQL for recounting provisional deadlines: the running cases that have them, and their closed pauses. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { CaseStatus } from './case.js';
import type { CasesTables } from './cases.tables.js';

const db = (executor: Executor) => tablesOf<CasesTables>(executor);
const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

/** What a recount reads of a case. */
export interface ProvisionalCaseRow {
  id: string;
  status: CaseStatus;
  stage: number;
  promisedLimitDays: number;
  statutoryLimitDays: number;
  acceptedOn: string;
  dueOn: string;
  statutoryDueOn: string;
  warnOn: string;
  pausedDays: number;
}

export interface ClosedPauseRow {
  caseId: string;
  seq: number;
  startedOn: string;
  endedOn: string;
  workingDays: number;
}

/** Running cases (of `statuses`) whose deadlines are provisional. */
export async function countProvisionalCases(executor: Executor, statuses: readonly CaseStatus[]): Promise<number> {
  const row = await db(executor)
    .selectFrom('cases.case')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deadline_provisional', '=', true)
    .where('status', 'in', statuses)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The next `limit` of them after id `after`, locked until the transaction ends. A case a transition
 * holds is skipped, not waited for: that transition counts its deadlines itself, and the next run
 * sees the case again if it is still provisional.
 */
export async function selectProvisionalCases(
  executor: Executor,
  statuses: readonly CaseStatus[],
  after: string | null,
  limit: number,
): Promise<ProvisionalCaseRow[]> {
  let query = db(executor)
    .selectFrom('cases.case')
    .select(['id', 'status', 'stage', 'paused_days as pausedDays'])
    .select(['promised_limit_days as promisedLimitDays', 'statutory_limit_days as statutoryLimitDays'])
    .select([
      day('accepted_on').as('acceptedOn'),
      day('due_on').as('dueOn'),
      day('statutory_due_on').as('statutoryDueOn'),
      day('warn_on').as('warnOn'),
    ])
    .where('deadline_provisional', '=', true)
    .where('status', 'in', statuses)
    .where('accepted_on', 'is not', null);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).forUpdate().skipLocked().execute();
}

/** The ended pauses of the cases, with the working days counted for them. */
export async function selectClosedPauses(executor: Executor, caseIds: readonly string[]): Promise<ClosedPauseRow[]> {
  if (caseIds.length === 0) return [];
  const rows = await db(executor)
    .selectFrom('cases.pause')
    .select(['case_id as caseId', 'seq', 'working_days as workingDays'])
    .select([day('started_on').as('startedOn'), day('ended_on').as('endedOn')])
    .where('case_id', 'in', caseIds)
    .where('ended_on', 'is not', null)
    .orderBy('case_id')
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ ...row, workingDays: row.workingDays ?? 0 }));
}

export async function updatePauseWorkingDays(
  executor: Executor,
  caseId: string,
  seq: number,
  workingDays: number,
): Promise<void> {
  await db(executor)
    .updateTable('cases.pause')
    .set({ working_days: workingDays })
    .where('case_id', '=', caseId)
    .where('seq', '=', seq)
    .execute();
}
