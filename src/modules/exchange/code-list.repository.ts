/** SQL for `exchange.code_list` and its entries. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { CodeList, CodeListEntry } from './standard.js';
import type { StandardTables } from './standard.tables.js';

const db = (executor: Executor) => tablesOf<StandardTables>(executor);
/** Rows per insert: far below PostgreSQL's 65,535 bind parameters at 6 columns a row. */
const INSERT_CHUNK = 1000;

export async function selectCodeLists(executor: Executor, ids?: readonly string[]): Promise<CodeList[]> {
  if (ids && ids.length === 0) return [];
  let query = db(executor)
    .selectFrom('exchange.code_list as l')
    .selectAll('l')
    .select((eb) =>
      eb
        .selectFrom('exchange.code_list_entry as e')
        .whereRef('e.code_list_id', '=', 'l.id')
        .select(eb.fn.countAll<string>().as('n'))
        .as('entry_count'),
    );
  if (ids) query = query.where('l.id', 'in', ids);
  const rows = await query.orderBy('l.id').execute();
  return rows.map((row) => ({
    id: row.id,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    source: row.source,
    description: row.description,
    entryCount: Number(row.entry_count ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export async function selectCodeListForUpdate(executor: Executor, id: string): Promise<boolean> {
  const row = await db(executor)
    .selectFrom('exchange.code_list')
    .select('id')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export async function selectEntries(executor: Executor, id: string): Promise<CodeListEntry[]> {
  const rows = await db(executor)
    .selectFrom('exchange.code_list_entry')
    .select(['value', 'label_zh', 'label_en', 'parent_value'])
    .where('code_list_id', '=', id)
    .orderBy('position')
    .orderBy('value')
    .execute();
  return rows.map((row) => ({
    value: row.value,
    labelZh: row.label_zh,
    labelEn: row.label_en,
    parentValue: row.parent_value,
  }));
}

/** The values of each list, for the `x-code-list` keyword. */
export async function selectValues(executor: Executor, ids: readonly string[]): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  if (ids.length === 0) return result;
  const rows = await db(executor)
    .selectFrom('exchange.code_list_entry')
    .select(['code_list_id', 'value'])
    .where('code_list_id', 'in', ids)
    .execute();
  for (const row of rows) result.get(row.code_list_id)?.add(row.value);
  return result;
}

/** When any of the lists last changed: a cheap staleness check for compiled validators. */
export async function selectListsChangedAt(executor: Executor, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await sql<{ at: Date | null }>`
    select max(updated_at) as at from exchange.code_list where id in (${sql.join(ids)})`.execute(executor);
  return rows[0]?.at ? new Date(rows[0].at).getTime() : 0;
}

export async function insertCodeList(
  executor: Executor,
  list: Pick<CodeList, 'id' | 'nameZh' | 'nameEn' | 'source' | 'description'>,
): Promise<void> {
  await db(executor)
    .insertInto('exchange.code_list')
    .values({
      id: list.id,
      name_zh: list.nameZh,
      name_en: list.nameEn,
      source: list.source,
      description: list.description,
    })
    .execute();
}

export async function replaceEntries(executor: Executor, id: string, entries: readonly CodeListEntry[]): Promise<void> {
  await db(executor).deleteFrom('exchange.code_list_entry').where('code_list_id', '=', id).execute();
  for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
    const chunk = entries.slice(start, start + INSERT_CHUNK);
    await db(executor)
      .insertInto('exchange.code_list_entry')
      .values(
        chunk.map((entry, index) => ({
          code_list_id: id,
          value: entry.value,
          label_zh: entry.labelZh,
          label_en: entry.labelEn,
          parent_value: entry.parentValue,
          position: start + index,
        })),
      )
      .execute();
  }
  // Deferred parent references are checked here, not at commit, so a bad parent is an error of this call.
  await sql`set constraints exchange.code_list_entry_parent immediate`.execute(executor);
  await db(executor).updateTable('exchange.code_list').set({ updated_at: new Date() }).where('id', '=', id).execute();
}
