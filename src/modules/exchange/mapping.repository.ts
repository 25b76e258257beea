/** SQL for `exchange.mapping`, and the two facts mappings need from the members and standards tables. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { Mapping, MappingInput, MappingKey } from './mapping.js';
import type { MappingTables } from './mapping.tables.js';

const db = (executor: Executor) => tablesOf<MappingTables>(executor);

const COLUMNS = [
  'member_id as memberId',
  'standard_code as standardCode',
  'standard_version as standardVersion',
  'direction',
  'format',
  'expression',
  'options',
  'revision',
  'created_at as createdAt',
  'updated_at as updatedAt',
  'updated_by as updatedBy',
] as const;

/** The owner unit of a member, or undefined when there is no such member. */
export async function selectMemberOwner(
  executor: Executor,
  memberId: string,
): Promise<{ id: string; ownerOrgUnitCode: string } | undefined> {
  return db(executor)
    .selectFrom('exchange.member')
    .select(['id', 'owner_org_unit_code as ownerOrgUnitCode'])
    .where('id', '=', memberId)
    .executeTakeFirst();
}

/** Whether the standard has this version (in any status). */
export async function standardVersionExists(executor: Executor, code: string, version: number): Promise<boolean> {
  const row = await db(executor)
    .selectFrom('exchange.standard_version')
    .select('version')
    .where('standard_code', '=', code)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined;
}

export async function selectMapping(executor: Executor, key: MappingKey): Promise<Mapping | undefined> {
  const row = await db(executor)
    .selectFrom('exchange.mapping')
    .select(COLUMNS)
    .where('member_id', '=', key.memberId)
    .where('standard_code', '=', key.standardCode)
    .where('standard_version', '=', key.standardVersion)
    .where('direction', '=', key.direction)
    .executeTakeFirst();
  return row && { ...row, options: row.options ?? {} };
}

/** A member's mappings, by standard, version (newest first) and direction. */
export async function selectMappingsOfMember(executor: Executor, memberId: string): Promise<Mapping[]> {
  const rows = await db(executor)
    .selectFrom('exchange.mapping')
    .select(COLUMNS)
    .where('member_id', '=', memberId)
    .orderBy('standard_code')
    .orderBy('standard_version', 'desc')
    .orderBy('direction')
    .execute();
  return rows.map((row) => ({ ...row, options: row.options ?? {} }));
}

/** Inserts or replaces a mapping; a replacement gets the next revision. `created` tells which. */
export async function upsertMapping(
  executor: Executor,
  key: MappingKey,
  input: Required<MappingInput>,
  updatedBy: string,
): Promise<{ mapping: Mapping; created: boolean }> {
  const row = await db(executor)
    .insertInto('exchange.mapping')
    .values({
      member_id: key.memberId,
      standard_code: key.standardCode,
      standard_version: key.standardVersion,
      direction: key.direction,
      format: input.format,
      expression: input.expression,
      options: JSON.stringify(input.options),
      updated_by: updatedBy,
    })
    .onConflict((conflict) =>
      conflict.columns(['member_id', 'standard_code', 'standard_version', 'direction']).doUpdateSet({
        format: (eb) => eb.ref('excluded.format'),
        expression: (eb) => eb.ref('excluded.expression'),
        options: (eb) => eb.ref('excluded.options'),
        updated_by: (eb) => eb.ref('excluded.updated_by'),
        revision: sql<number>`exchange.mapping.revision + 1`,
        updated_at: sql<Date>`now()`,
      }),
    )
    // xmax is 0 on a freshly inserted row version and the locker's id on one an upsert updated.
    .returning([...COLUMNS, sql<boolean>`xmax = 0`.as('created')])
    .executeTakeFirstOrThrow();
  const { created, ...mapping } = row;
  return { mapping: { ...mapping, options: mapping.options ?? {} }, created };
}

/** Deletes a mapping; false when there was none. */
export async function deleteMapping(executor: Executor, key: MappingKey): Promise<boolean> {
  const result = await db(executor)
    .deleteFrom('exchange.mapping')
    .where('member_id', '=', key.memberId)
    .where('standard_code', '=', key.standardCode)
    .where('standard_version', '=', key.standardVersion)
    .where('direction', '=', key.direction)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
