/** SQL for `cases.route`: the stages a service's cases travel through. */
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { Stage } from './case.js';
import type { CasesTables } from './cases.tables.js';

const db = (executor: Executor) => tablesOf<CasesTables>(executor);

export async function selectRoute(executor: Executor, itemCode: string): Promise<Stage[] | undefined> {
  const row = await db(executor)
    .selectFrom('cases.route')
    .select('stages')
    .where('item_code', '=', itemCode)
    .executeTakeFirst();
  return row?.stages;
}

export async function upsertRoute(executor: Executor, itemCode: string, stages: Stage[], updatedBy: string, at: Date) {
  const values = { item_code: itemCode, stages: JSON.stringify(stages), updated_by: updatedBy, updated_at: at };
  await db(executor)
    .insertInto('cases.route')
    .values(values)
    .onConflict((oc) =>
      oc.column('item_code').doUpdateSet({ stages: values.stages, updated_by: updatedBy, updated_at: at }),
    )
    .execute();
}
