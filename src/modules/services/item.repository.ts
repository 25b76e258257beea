/** SQL for `services.item` and `services.item_version`. No rules here: the service decides. */
import { type Selectable, sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { ItemContent, ItemFilter, ItemSummary, ItemVersion, ItemVersionSummary, VersionStatus } from './item.js';
import type { ItemDetails, ItemVersionTable, ServicesTables } from './item.tables.js';

const db = (executor: Executor) => tablesOf<ServicesTables>(executor);

export interface ItemRow {
  code: string;
  departmentCode: string;
  publishedVersion: number | null;
}

export async function selectItem(executor: Executor, code: string, lock = false): Promise<ItemRow | undefined> {
  let query = db(executor).selectFrom('services.item').selectAll().where('code', '=', code);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && { code: row.code, departmentCode: row.department_code, publishedVersion: row.published_version };
}

/** The codes of every item: what the demo seed leaves alone. */
export async function selectAllCodes(executor: Executor): Promise<Set<string>> {
  const rows = await db(executor).selectFrom('services.item').select('code').execute();
  return new Set(rows.map((row) => row.code));
}

/**
 * Items with their first versions, many at once (the demo seed); published when `publishedAt` is
 * given. The rows travel as one JSON parameter: on PGlite that is several times faster than
 * thousands of bound parameters, and it stays one statement per table whatever the count.
 */
export async function insertItems(
  executor: Executor,
  items: ReadonlyArray<{ code: string; content: ItemContent; publishedAt: Date | null }>,
): Promise<void> {
  if (items.length === 0) return;
  const rows = JSON.stringify(
    items.map(({ code, content, publishedAt }) => {
      const values = versionValues(content);
      return {
        ...values,
        details: JSON.parse(values.details) as unknown,
        item_code: code,
        status: publishedAt ? 'published' : 'draft',
        published_at: publishedAt?.toISOString() ?? null,
      };
    }),
  );
  await sql`insert into services.item (code, department_code, published_version)
    select r.item_code, r.department_code, case when r.status = 'published' then 1 end
      from json_to_recordset(${rows}::json) as r(item_code text, department_code text, status text)`.execute(executor);
  await sql`insert into services.item_version (item_code, version, status, name_zh, name_en, type, department_code,
      online, any_centre, centre_codes, statutory_limit_days, promised_limit_days, details, published_at)
    select r.item_code, 1, r.status, r.name_zh, r.name_en, r.type, r.department_code, r.online, r.any_centre,
           array(select json_array_elements_text(r.centre_codes)), r.statutory_limit_days, r.promised_limit_days,
           r.details, r.published_at
      from json_to_recordset(${rows}::json) as r(item_code text, status text, name_zh text, name_en text, type text,
           department_code text, online boolean, any_centre boolean, centre_codes json, statutory_limit_days integer,
           promised_limit_days integer, details json, published_at timestamptz)`.execute(executor);
}

export async function insertVersion(
  executor: Executor,
  code: string,
  version: number,
  content: ItemContent,
): Promise<void> {
  await db(executor)
    .insertInto('services.item_version')
    .values({ ...versionValues(content), item_code: code, version, status: 'draft' })
    .execute();
}

export async function updateDraft(executor: Executor, code: string, version: number, content: ItemContent) {
  await db(executor)
    .updateTable('services.item_version')
    .set({ ...versionValues(content), updated_at: new Date() })
    .where('item_code', '=', code)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .execute();
}

/** Publishes `version`: the version published before it is superseded, and the item points at it. */
export async function markPublished(executor: Executor, code: string, version: number, departmentCode: string) {
  const now = new Date();
  await db(executor)
    .updateTable('services.item_version')
    .set({ status: 'superseded', updated_at: now })
    .where('item_code', '=', code)
    .where('status', '=', 'published')
    .execute();
  await db(executor)
    .updateTable('services.item_version')
    .set({ status: 'published', published_at: now, updated_at: now })
    .where('item_code', '=', code)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .execute();
  await db(executor)
    .updateTable('services.item')
    .set({ published_version: version, department_code: departmentCode, updated_at: now })
    .where('code', '=', code)
    .execute();
}

export async function markWithdrawn(executor: Executor, code: string, version: number) {
  const now = new Date();
  await db(executor)
    .updateTable('services.item_version')
    .set({ status: 'withdrawn', withdrawn_at: now, updated_at: now })
    .where('item_code', '=', code)
    .where('version', '=', version)
    .where('status', '=', 'published')
    .execute();
  await db(executor)
    .updateTable('services.item')
    .set({ published_version: null, updated_at: now })
    .where('code', '=', code)
    .execute();
}

export async function selectVersion(
  executor: Executor,
  code: string,
  version: number,
  lock = false,
): Promise<ItemVersion | undefined> {
  let query = db(executor)
    .selectFrom('services.item_version')
    .selectAll()
    .where('item_code', '=', code)
    .where('version', '=', version);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && versionOf(row);
}

export async function selectPublishedVersion(executor: Executor, code: string): Promise<ItemVersion | undefined> {
  const row = await db(executor)
    .selectFrom('services.item_version')
    .selectAll()
    .where('item_code', '=', code)
    .where('status', '=', 'published')
    .executeTakeFirst();
  return row && versionOf(row);
}

/** The newest version of an item, whatever its status. */
export async function selectLatestVersion(executor: Executor, code: string): Promise<ItemVersion | undefined> {
  const row = await db(executor)
    .selectFrom('services.item_version')
    .selectAll()
    .where('item_code', '=', code)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && versionOf(row);
}

export async function selectVersionSummaries(executor: Executor, code: string): Promise<ItemVersionSummary[]> {
  const rows = await db(executor)
    .selectFrom('services.item_version')
    .select(['version', 'status', 'published_at', 'withdrawn_at', 'updated_at'])
    .where('item_code', '=', code)
    .orderBy('version')
    .execute();
  return rows.map((row) => ({
    version: row.version,
    status: row.status,
    publishedAt: row.published_at,
    withdrawnAt: row.withdrawn_at,
    updatedAt: row.updated_at,
  }));
}

/** A page of published versions, by department and name, and how many match in all. */
export async function selectPublishedPage(
  executor: Executor,
  filter: ItemFilter,
  page: { limit: number; offset: number },
): Promise<{ items: ItemSummary[]; total: number }> {
  let query = db(executor).selectFrom('services.item_version as v').where('v.status', '=', 'published');
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    query = query.where((eb) => eb.or([eb('v.name_zh', 'ilike', pattern), eb('v.name_en', 'ilike', pattern)]));
  }
  if (filter.department) query = query.where('v.department_code', '=', filter.department);
  if (filter.type) query = query.where('v.type', '=', filter.type);
  if (filter.online !== undefined) query = query.where('v.online', '=', filter.online);
  if (filter.centre) {
    const centre = filter.centre;
    query = query.where((eb) => eb.or([eb('v.any_centre', '=', true), sql<boolean>`${centre} = any(v.centre_codes)`]));
  }
  const [rows, count] = await Promise.all([
    query
      .select([
        'v.item_code',
        'v.version',
        'v.name_zh',
        'v.name_en',
        'v.type',
        'v.department_code',
        'v.online',
        'v.any_centre',
        'v.centre_codes',
        'v.statutory_limit_days',
        'v.promised_limit_days',
        'v.published_at',
      ])
      .orderBy('v.department_code')
      .orderBy('v.name_zh')
      .orderBy('v.item_code')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((row) => ({
      code: row.item_code,
      version: row.version,
      nameZh: row.name_zh,
      nameEn: row.name_en,
      type: row.type,
      departmentCode: row.department_code,
      channels: { online: row.online, anyCentre: row.any_centre, centreCodes: row.centre_codes },
      statutoryLimitDays: row.statutory_limit_days,
      promisedLimitDays: row.promised_limit_days,
      publishedAt: row.published_at ?? new Date(0),
    })),
  };
}

/** The departments that have published items, with how many: the portal's department filter. */
export async function selectPublishedDepartments(
  executor: Executor,
): Promise<Array<{ departmentCode: string; count: number }>> {
  const rows = await db(executor)
    .selectFrom('services.item_version')
    .select(['department_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .groupBy('department_code')
    .orderBy('department_code')
    .execute();
  return rows.map((row) => ({ departmentCode: row.department_code, count: Number(row.n) }));
}

function versionValues(content: ItemContent) {
  const details: ItemDetails = {
    legalBasis: content.legalBasis,
    conditions: content.conditions,
    materials: content.materials,
    fees: content.fees,
    result: content.result,
    form: content.form,
  };
  return {
    name_zh: content.nameZh,
    name_en: content.nameEn,
    type: content.type,
    department_code: content.departmentCode,
    online: content.channels.online,
    any_centre: content.channels.anyCentre,
    centre_codes: content.channels.centreCodes,
    statutory_limit_days: content.statutoryLimitDays,
    promised_limit_days: content.promisedLimitDays,
    details: JSON.stringify(details),
  };
}

function versionOf(row: Selectable<ItemVersionTable>): ItemVersion {
  const details = row.details;
  return {
    code: row.item_code,
    version: row.version,
    status: row.status as VersionStatus,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    type: row.type,
    departmentCode: row.department_code,
    legalBasis: details.legalBasis,
    conditions: details.conditions,
    materials: details.materials,
    statutoryLimitDays: row.statutory_limit_days,
    promisedLimitDays: row.promised_limit_days,
    fees: details.fees,
    channels: { online: row.online, anyCentre: row.any_centre, centreCodes: row.centre_codes },
    result: details.result,
    form: details.form,
    publishedAt: row.published_at,
    withdrawnAt: row.withdrawn_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
