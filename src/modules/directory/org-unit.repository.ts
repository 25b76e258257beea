/**
 * SQL for `directory.org_unit`: reads that return whole units (with their parent's code), the
 * recursive walks up and down the tree, and plain writes. No rules here: the service decides.
 */
import { type Kysely, sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { DirectoryTables } from './directory.tables.js';
import type { OrgUnit, OrgUnitFields, OrgUnitKind, OrgUnitStatus } from './org-unit.js';

export interface OrgUnitFilter {
  kinds?: readonly OrgUnitKind[] | undefined;
  /** Only the direct children of this unit. */
  parentCode?: string | undefined;
  status?: OrgUnitStatus | undefined;
}

export interface OrgUnitPage {
  /** At most this many; all when absent. */
  limit?: number | undefined;
  offset?: number | undefined;
}

/**
 * The units that match, ordered as siblings are shown: by sort order, then code. Codes compare
 * byte-wise (collation "C") so the order is the same whatever the database's locale.
 */
export async function selectOrgUnits(
  executor: Executor,
  filter: OrgUnitFilter,
  page: OrgUnitPage = {},
): Promise<OrgUnit[]> {
  let query = filtered(tablesOf<DirectoryTables>(executor), filter)
    .select(UNIT_COLUMNS)
    .orderBy('u.sort_order')
    .orderBy(sql`u.code collate "C"`);
  if (page.limit !== undefined) query = query.limit(page.limit);
  if (page.offset) query = query.offset(page.offset);
  return query.execute();
}

export async function countOrgUnits(executor: Executor, filter: OrgUnitFilter): Promise<number> {
  const row = await filtered(tablesOf<DirectoryTables>(executor), filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function selectOrgUnit(executor: Executor, code: string): Promise<OrgUnit | undefined> {
  return filtered(tablesOf<DirectoryTables>(executor), {})
    .select(UNIT_COLUMNS)
    .where('u.code', '=', code)
    .executeTakeFirst();
}

/**
 * The unit and everything below it, in pre-order (each unit before its children, siblings by sort
 * order and code); empty when the code is unknown.
 */
export async function selectSubtree(executor: Executor, code: string): Promise<OrgUnit[]> {
  const db = tablesOf<DirectoryTables>(executor);
  return db
    .withRecursive('subtree(id, ids, sort_path)', (qc) =>
      qc
        .selectFrom('directory.org_unit')
        .where('code', '=', code)
        .select([
          'id',
          sql<string[]>`array[id]`.as('ids'),
          sql<string[]>`array[${siblingKey(sql.ref('code'), sql.ref('sort_order'))}]`.as('sort_path'),
        ])
        .unionAll((qc) =>
          qc
            .selectFrom('directory.org_unit as c')
            .innerJoin('subtree as s', 's.id', 'c.parent_id')
            // Stops a loop that rows written around the service could make; the service never makes one.
            .where(sql<boolean>`not c.id = any(s.ids)`)
            .select([
              'c.id',
              sql<string[]>`s.ids || c.id`.as('ids'),
              sql<string[]>`s.sort_path || ${siblingKey(sql.ref('c.code'), sql.ref('c.sort_order'))}`.as('sort_path'),
            ]),
        ),
    )
    .selectFrom('subtree')
    .innerJoin('directory.org_unit as u', 'u.id', 'subtree.id')
    .leftJoin('directory.org_unit as p', 'p.id', 'u.parent_id')
    .select(UNIT_COLUMNS)
    .orderBy(sql`subtree.sort_path collate "C"`)
    .execute();
}

/** The unit and its ancestors, the unit first and the root last; empty when the code is unknown. */
export async function selectLineage(executor: Executor, code: string): Promise<OrgUnit[]> {
  const db = tablesOf<DirectoryTables>(executor);
  return db
    .withRecursive('lineage(id, parent_id, ids)', (qc) =>
      qc
        .selectFrom('directory.org_unit')
        .where('code', '=', code)
        .select(['id', 'parent_id', sql<string[]>`array[id]`.as('ids')])
        .unionAll((qc) =>
          qc
            .selectFrom('directory.org_unit as a')
            .innerJoin('lineage as l', 'l.parent_id', 'a.id')
            .where(sql<boolean>`not a.id = any(l.ids)`)
            .select(['a.id', 'a.parent_id', sql<string[]>`l.ids || a.id`.as('ids')]),
        ),
    )
    .selectFrom('lineage')
    .innerJoin('directory.org_unit as u', 'u.id', 'lineage.id')
    .leftJoin('directory.org_unit as p', 'p.id', 'u.parent_id')
    .select(UNIT_COLUMNS)
    .orderBy(sql`cardinality(lineage.ids)`)
    .execute();
}

/**
 * Serialises writers of the tree until the transaction ends, so two concurrent moves cannot make a
 * cycle that each alone would not. Call inside a transaction.
 */
export async function lockOrgTree(executor: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('directory.org_unit'))`.execute(executor);
}

/** A unit's columns, with its parent's id resolved by the caller. */
export type OrgUnitRow = Omit<OrgUnitFields, 'parentCode'> & { parentId: string | null };

/** Inserts units in one statement and returns their new ids by code. */
export async function insertOrgUnits(executor: Executor, rows: readonly OrgUnitRow[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const inserted = await tablesOf<DirectoryTables>(executor)
    .insertInto('directory.org_unit')
    .values(rows.map(toColumns))
    .returning(['id', 'code'])
    .execute();
  return new Map(inserted.map((row) => [row.code, row.id]));
}

export async function updateOrgUnit(executor: Executor, id: string, row: OrgUnitRow): Promise<void> {
  await tablesOf<DirectoryTables>(executor)
    .updateTable('directory.org_unit')
    .set({ ...toColumns(row), updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

function filtered(db: Kysely<DirectoryTables>, filter: OrgUnitFilter) {
  let query = db.selectFrom('directory.org_unit as u').leftJoin('directory.org_unit as p', 'p.id', 'u.parent_id');
  if (filter.kinds?.length) query = query.where('u.kind', 'in', filter.kinds);
  if (filter.parentCode !== undefined) query = query.where('p.code', '=', filter.parentCode);
  if (filter.status) query = query.where('u.status', '=', filter.status);
  return query;
}

const UNIT_COLUMNS = [
  'u.id',
  'u.code',
  'p.code as parentCode',
  'u.kind',
  'u.name_zh as nameZh',
  'u.name_en as nameEn',
  'u.short_name_zh as shortNameZh',
  'u.sort_order as sortOrder',
  'u.status',
  sql<string>`to_char(u.valid_from, 'YYYY-MM-DD')`.as('validFrom'),
  'u.created_at as createdAt',
  'u.updated_at as updatedAt',
] as const;

/** Orders siblings in a text path: zero-padded sort order, then code (sort_order is never negative). */
function siblingKey(code: ReturnType<typeof sql.ref>, sortOrder: ReturnType<typeof sql.ref>) {
  return sql<string>`(lpad(${sortOrder}::text, 10, '0') || ':' || ${code})`;
}

function toColumns(row: OrgUnitRow) {
  return {
    code: row.code,
    parent_id: row.parentId,
    kind: row.kind,
    name_zh: row.nameZh,
    name_en: row.nameEn,
    short_name_zh: row.shortNameZh,
    sort_order: row.sortOrder,
    status: row.status,
    valid_from: row.validFrom,
  };
}
