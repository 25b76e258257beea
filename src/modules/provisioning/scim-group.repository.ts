/** SQL for `provisioning.group` and `provisioning.group_member`. */
import { type RawBuilder, sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { ProvisioningTables } from './provisioning.tables.js';

export interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  ownerOrgUnitCode: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupMember {
  personId: string;
  name: string;
}

/** Expressions over `g` (the group), for filters and sorting. */
export const GROUP_SQL = {
  id: sql`g.id::text`,
  displayName: sql`g.display_name`,
  externalId: sql`g.external_id`,
  created: sql`g.created_at`,
  lastModified: sql`g.updated_at`,
} as const;

const COLUMNS = [
  'g.id',
  'g.display_name as displayName',
  'g.external_id as externalId',
  'g.owner_org_unit_code as ownerOrgUnitCode',
  'g.version',
  'g.created_at as createdAt',
  'g.updated_at as updatedAt',
] as const;

export async function selectGroups(
  executor: Executor,
  query: {
    ownerOrgUnitCodes: readonly string[];
    where?: RawBuilder<boolean> | undefined;
    sortBy?: RawBuilder<unknown> | undefined;
    descending?: boolean;
    offset: number;
    limit: number;
  },
): Promise<{ rows: GroupRow[]; total: number }> {
  if (query.ownerOrgUnitCodes.length === 0) return { rows: [], total: 0 };
  const base = tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.group as g')
    .where('g.owner_org_unit_code', 'in', query.ownerOrgUnitCodes)
    .$if(query.where !== undefined, (q) => q.where(query.where!));
  const { count } = await base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (query.limit === 0) return { rows: [], total: Number(count) };
  const direction = sql.raw(query.descending ? 'desc' : 'asc');
  const rows = await base
    .select(COLUMNS)
    .$if(query.sortBy !== undefined, (q) => q.orderBy(sql`${query.sortBy} ${direction} nulls last`))
    .orderBy('g.id')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
  return { rows, total: Number(count) };
}

export async function selectGroup(
  executor: Executor,
  id: string,
  ownerOrgUnitCodes: readonly string[],
  options: { lock?: boolean } = {},
): Promise<GroupRow | undefined> {
  if (ownerOrgUnitCodes.length === 0) return undefined;
  return tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.group as g')
    .select(COLUMNS)
    .where('g.id', '=', id)
    .where('g.owner_org_unit_code', 'in', ownerOrgUnitCodes)
    .$if(options.lock === true, (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function groupNameTaken(executor: Executor, displayName: string, exceptId?: string): Promise<boolean> {
  const row = await tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.group')
    .select('id')
    .where('display_name', '=', displayName)
    .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId!))
    .executeTakeFirst();
  return row !== undefined;
}

/** Members of these groups whose replica lies in these units, by group, ordered by staff number. */
export async function selectMembers(
  executor: Executor,
  groupIds: readonly string[],
  orgUnitCodes: readonly string[],
): Promise<Map<string, GroupMember[]>> {
  const byGroup = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0 || orgUnitCodes.length === 0) return byGroup;
  const rows = await tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.group_member as gm')
    .innerJoin('provisioning.person_replica as r', 'r.person_id', 'gm.person_id')
    .select(['gm.group_id as groupId', 'gm.person_id as personId', 'r.name'])
    .where('gm.group_id', 'in', groupIds)
    .where('r.primary_org_unit_code', 'in', orgUnitCodes)
    .orderBy(sql`r.staff_no collate "C"`)
    .execute();
  for (const row of rows) byGroup.get(row.groupId)?.push({ personId: row.personId, name: row.name });
  return byGroup;
}

export async function insertGroup(
  executor: Executor,
  group: { displayName: string; externalId: string | null; ownerOrgUnitCode: string },
): Promise<string> {
  const row = await tablesOf<ProvisioningTables>(executor)
    .insertInto('provisioning.group')
    .values({
      display_name: group.displayName,
      external_id: group.externalId,
      owner_org_unit_code: group.ownerOrgUnitCode,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateGroup(
  executor: Executor,
  id: string,
  group: { displayName: string; externalId: string | null },
): Promise<void> {
  await tablesOf<ProvisioningTables>(executor)
    .updateTable('provisioning.group')
    .set({
      display_name: group.displayName,
      external_id: group.externalId,
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** Sets the members the token can see to exactly `personIds`; members outside its view stay. */
export async function replaceMembers(
  executor: Executor,
  groupId: string,
  personIds: readonly string[],
  visibleIds: readonly string[],
): Promise<void> {
  const db = tablesOf<ProvisioningTables>(executor);
  if (visibleIds.length > 0) {
    await db
      .deleteFrom('provisioning.group_member')
      .where('group_id', '=', groupId)
      .where('person_id', 'in', visibleIds)
      .execute();
  }
  if (personIds.length > 0) {
    await db
      .insertInto('provisioning.group_member')
      .values(personIds.map((personId) => ({ group_id: groupId, person_id: personId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function deleteGroup(executor: Executor, id: string): Promise<void> {
  await tablesOf<ProvisioningTables>(executor).deleteFrom('provisioning.group').where('id', '=', id).execute();
}
