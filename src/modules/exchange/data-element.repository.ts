/** SQL for `exchange.data_element`, the data-element dictionary. */
import type { Selectable } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { DataElement } from './standard.js';
import type { DataElementTable, StandardTables } from './standard.tables.js';

const db = (executor: Executor) => tablesOf<StandardTables>(executor);

export async function selectDataElements(executor: Executor, ids?: readonly string[]): Promise<DataElement[]> {
  if (ids && ids.length === 0) return [];
  let query = db(executor).selectFrom('exchange.data_element').selectAll();
  if (ids) query = query.where('id', 'in', ids);
  return (await query.orderBy('id').execute()).map(dataElementOf);
}

export async function insertDataElement(
  executor: Executor,
  element: Omit<DataElement, 'createdAt' | 'updatedAt'>,
): Promise<void> {
  await db(executor)
    .insertInto('exchange.data_element')
    .values({
      id: element.id,
      name_zh: element.nameZh,
      name_en: element.nameEn,
      definition_zh: element.definitionZh,
      definition_en: element.definitionEn,
      data_type: element.dataType,
      format: element.format,
      code_list_id: element.codeListId,
    })
    .execute();
}

function dataElementOf(row: Selectable<DataElementTable>): DataElement {
  return {
    id: row.id,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    definitionZh: row.definition_zh,
    definitionEn: row.definition_en,
    dataType: row.data_type,
    format: row.format,
    codeListId: row.code_list_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
