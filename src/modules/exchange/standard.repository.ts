/** SQL for `exchange.standard` and `exchange.standard_version`. No rules here: the service decides. */
import type { Selectable } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type {
  CompatibilityChange,
  Standard,
  StandardVersion,
  StandardVersionSummary,
  VersionStatus,
} from './standard.js';
import type { StandardTable, StandardTables, StandardVersionTable } from './standard.tables.js';

const db = (executor: Executor) => tablesOf<StandardTables>(executor);

export async function selectStandard(executor: Executor, code: string, lock = false): Promise<Standard | undefined> {
  let query = db(executor).selectFrom('exchange.standard').selectAll().where('code', '=', code);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && standardOf(row);
}

export async function selectStandards(
  executor: Executor,
  filter: { classification?: string | undefined; ownerOrgUnitCode?: string | undefined },
): Promise<Standard[]> {
  let query = db(executor).selectFrom('exchange.standard').selectAll();
  if (filter.classification) query = query.where('classification', '=', filter.classification as never);
  if (filter.ownerOrgUnitCode) query = query.where('owner_org_unit_code', '=', filter.ownerOrgUnitCode);
  return (await query.orderBy('code').execute()).map(standardOf);
}

export async function insertStandard(
  executor: Executor,
  standard: Omit<Standard, 'createdAt' | 'updatedAt'>,
): Promise<void> {
  await db(executor)
    .insertInto('exchange.standard')
    .values({
      code: standard.code,
      name_zh: standard.nameZh,
      name_en: standard.nameEn,
      description: standard.description,
      owner_org_unit_code: standard.ownerOrgUnitCode,
      classification: standard.classification,
    })
    .execute();
}

export async function selectVersionSummaries(
  executor: Executor,
  codes: readonly string[],
): Promise<Map<string, StandardVersionSummary[]>> {
  const result = new Map<string, StandardVersionSummary[]>(codes.map((code) => [code, []]));
  if (codes.length === 0) return result;
  const rows = await db(executor)
    .selectFrom('exchange.standard_version')
    .select(['standard_code', 'version', 'status', 'published_at', 'deprecated_at', 'breaking'])
    .where('standard_code', 'in', codes)
    .orderBy('standard_code')
    .orderBy('version')
    .execute();
  for (const row of rows) {
    result.get(row.standard_code)?.push({
      version: row.version,
      status: row.status,
      publishedAt: row.published_at,
      deprecatedAt: row.deprecated_at,
      breaking: row.breaking,
    });
  }
  return result;
}

export async function selectVersion(
  executor: Executor,
  code: string,
  version: number,
  lock = false,
): Promise<StandardVersion | undefined> {
  let query = db(executor)
    .selectFrom('exchange.standard_version')
    .selectAll()
    .where('standard_code', '=', code)
    .where('version', '=', version);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && versionOf(row);
}

/** The newest version of a standard, whatever its status. */
export async function selectLatestVersion(executor: Executor, code: string): Promise<StandardVersion | undefined> {
  const row = await db(executor)
    .selectFrom('exchange.standard_version')
    .selectAll()
    .where('standard_code', '=', code)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && versionOf(row);
}

/** The newest published (or deprecated: still the contract its consumers hold) version before `before`. */
export async function selectPreviousPublished(
  executor: Executor,
  code: string,
  before: number,
): Promise<StandardVersion | undefined> {
  const row = await db(executor)
    .selectFrom('exchange.standard_version')
    .selectAll()
    .where('standard_code', '=', code)
    .where('version', '<', before)
    .where('status', 'in', ['published', 'deprecated'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && versionOf(row);
}

/** A published or deprecated version with its standard, for the in-process caches. */
export async function selectReleasedVersion(
  executor: Executor,
  code: string,
  version: number,
): Promise<{ standard: Standard; schema: Record<string, unknown> } | undefined> {
  const row = await db(executor)
    .selectFrom('exchange.standard_version as v')
    .innerJoin('exchange.standard as s', 's.code', 'v.standard_code')
    .selectAll('s')
    .select('v.schema')
    .where('v.standard_code', '=', code)
    .where('v.version', '=', version)
    .where('v.status', 'in', ['published', 'deprecated'])
    .executeTakeFirst();
  if (!row) return undefined;
  const { schema, ...standard } = row;
  return { standard: standardOf(standard), schema };
}

export async function insertVersion(
  executor: Executor,
  row: { standardCode: string; version: number; schema: Record<string, unknown>; changeNote: string | null },
): Promise<void> {
  await db(executor)
    .insertInto('exchange.standard_version')
    .values({
      standard_code: row.standardCode,
      version: row.version,
      status: 'draft',
      schema: JSON.stringify(row.schema),
      change_note: row.changeNote,
    })
    .execute();
}

export async function updateDraft(
  executor: Executor,
  code: string,
  version: number,
  fields: { schema: Record<string, unknown>; changeNote: string | null },
): Promise<void> {
  await db(executor)
    .updateTable('exchange.standard_version')
    .set({ schema: JSON.stringify(fields.schema), change_note: fields.changeNote, updated_at: new Date() })
    .where('standard_code', '=', code)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .execute();
}

export async function markPublished(
  executor: Executor,
  code: string,
  version: number,
  report: { changes: CompatibilityChange[]; breaking: boolean },
): Promise<void> {
  const now = new Date();
  await db(executor)
    .updateTable('exchange.standard_version')
    .set({
      status: 'published',
      published_at: now,
      compatibility: JSON.stringify(report.changes),
      breaking: report.breaking,
      updated_at: now,
    })
    .where('standard_code', '=', code)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .execute();
}

export async function markDeprecated(executor: Executor, code: string, version: number): Promise<void> {
  const now = new Date();
  await db(executor)
    .updateTable('exchange.standard_version')
    .set({ status: 'deprecated' as VersionStatus, deprecated_at: now, updated_at: now })
    .where('standard_code', '=', code)
    .where('version', '=', version)
    .where('status', '=', 'published')
    .execute();
}

function standardOf(row: Selectable<StandardTable>): Standard {
  return {
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    description: row.description,
    ownerOrgUnitCode: row.owner_org_unit_code,
    classification: row.classification,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function versionOf(row: Selectable<StandardVersionTable>): StandardVersion {
  return {
    standardCode: row.standard_code,
    version: row.version,
    status: row.status,
    schema: row.schema,
    changeNote: row.change_note,
    compatibility: row.compatibility,
    breaking: row.breaking,
    publishedAt: row.published_at,
    deprecatedAt: row.deprecated_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
