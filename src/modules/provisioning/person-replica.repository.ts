/**
 * SQL for `provisioning.person_replica`, the directory's people as SCIM shows them, joined with
 * their mailbox. Filters arrive compiled (scim-filter.ts) as parameterised SQL; sorting picks from a
 * fixed list of columns.
 */
import { type RawBuilder, sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { MailboxStatus, PersonReplicaTable, ProvisioningTables } from './provisioning.tables.js';

export interface ReplicaRow {
  personId: string;
  staffNo: string;
  userName: string;
  externalId: string | null;
  name: string;
  familyName: string;
  givenName: string;
  mobile: string | null;
  status: PersonReplicaTable['status'];
  primaryOrgUnitCode: string | null;
  primaryOrgUnitName: string | null;
  title: string | null;
  organization: string | null;
  createdAt: Date;
  lastModified: Date;
  mailAddress: string | null;
  mailStatus: MailboxStatus | null;
}

export type ReplicaColumns = Omit<PersonReplicaTable, 'updated_at' | 'external_id'>;

/** Expressions of the joined row (`r` the replica, `m` the mailbox), for filters and sorting. */
export const REPLICA_SQL = {
  personId: sql`r.person_id::text`,
  userName: sql`r.user_name`,
  externalId: sql`r.external_id`,
  name: sql`r.name`,
  familyName: sql`r.family_name`,
  givenName: sql`r.given_name`,
  mobile: sql`r.mobile`,
  active: sql`(r.status = 'active')`,
  staffNo: sql`r.staff_no`,
  orgUnitCode: sql`r.primary_org_unit_code`,
  department: sql`r.primary_org_unit_name`,
  organization: sql`r.organization`,
  title: sql`r.title`,
  created: sql`r.person_created_at`,
  lastModified: sql`greatest(r.person_updated_at, r.updated_at, m.updated_at)`,
  mailAddress: sql`m.address`,
  // The one e-mail and the one phone number have fixed types, present when the value is.
  mailType: sql`case when m.address is null then null else 'work' end`,
  mailPrimary: sql`(m.address is not null)`,
  mobileType: sql`case when r.mobile is null then null else 'mobile' end`,
} as const;

export interface ReplicaQuery {
  /** Only people whose primary post is in one of these units. */
  orgUnitCodes: readonly string[];
  where?: RawBuilder<boolean> | undefined;
  /** One of REPLICA_SQL's expressions; the person id breaks ties so pages never overlap. */
  sortBy?: RawBuilder<unknown> | undefined;
  descending?: boolean;
  offset: number;
  limit: number;
}

export async function selectReplicas(
  executor: Executor,
  query: ReplicaQuery,
): Promise<{ rows: ReplicaRow[]; total: number }> {
  if (query.orgUnitCodes.length === 0) return { rows: [], total: 0 };
  const base = scoped(executor, query);
  const { count } = await base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (query.limit === 0) return { rows: [], total: Number(count) };
  const direction = sql.raw(query.descending ? 'desc' : 'asc');
  const rows = await base
    .select(ROW_COLUMNS)
    .$if(query.sortBy !== undefined, (q) => q.orderBy(sql`${query.sortBy} ${direction} nulls last`))
    .orderBy('r.person_id')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
  return { rows, total: Number(count) };
}

/** One person as SCIM shows them, if they are in one of these units (any unit when codes is undefined). */
export async function selectReplica(
  executor: Executor,
  personId: string,
  orgUnitCodes?: readonly string[],
  options: { lock?: boolean } = {},
): Promise<ReplicaRow | undefined> {
  if (orgUnitCodes?.length === 0) return undefined;
  return joined(executor)
    .select(ROW_COLUMNS)
    .where('r.person_id', '=', personId)
    .$if(orgUnitCodes !== undefined, (q) => q.where('r.primary_org_unit_code', 'in', orgUnitCodes!))
    .$if(options.lock === true, (q) => q.forUpdate(['r']))
    .executeTakeFirst();
}

export async function selectReplicaByUserName(executor: Executor, userName: string): Promise<string | undefined> {
  const row = await tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.person_replica')
    .select('person_id')
    .where('user_name', '=', userName.toLowerCase())
    .executeTakeFirst();
  return row?.person_id;
}

/** Which of these people are in one of these units. */
export async function selectPeopleInUnits(
  executor: Executor,
  personIds: readonly string[],
  orgUnitCodes: readonly string[],
): Promise<string[]> {
  if (personIds.length === 0 || orgUnitCodes.length === 0) return [];
  const rows = await tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.person_replica')
    .select('person_id')
    .where('person_id', 'in', personIds)
    .where('primary_org_unit_code', 'in', orgUnitCodes)
    .execute();
  return rows.map((row) => row.person_id);
}

export async function upsertReplica(executor: Executor, columns: ReplicaColumns): Promise<void> {
  await tablesOf<ProvisioningTables>(executor)
    .insertInto('provisioning.person_replica')
    .values({ ...columns, external_id: null })
    .onConflict((oc) => oc.column('person_id').doUpdateSet({ ...columns }))
    .execute();
}

export async function updateExternalId(executor: Executor, personId: string, externalId: string | null): Promise<void> {
  await tablesOf<ProvisioningTables>(executor)
    .updateTable('provisioning.person_replica')
    .set({ external_id: externalId, updated_at: sql<Date>`now()` })
    .where('person_id', '=', personId)
    .execute();
}

function joined(executor: Executor) {
  return tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.person_replica as r')
    .leftJoin('provisioning.mailbox as m', 'm.person_id', 'r.person_id');
}

function scoped(executor: Executor, query: ReplicaQuery) {
  return joined(executor)
    .where('r.primary_org_unit_code', 'in', query.orgUnitCodes)
    .$if(query.where !== undefined, (q) => q.where(query.where!));
}

const ROW_COLUMNS = [
  'r.person_id as personId',
  'r.staff_no as staffNo',
  'r.user_name as userName',
  'r.external_id as externalId',
  'r.name',
  'r.family_name as familyName',
  'r.given_name as givenName',
  'r.mobile',
  'r.status',
  'r.primary_org_unit_code as primaryOrgUnitCode',
  'r.primary_org_unit_name as primaryOrgUnitName',
  'r.title',
  'r.organization',
  'r.person_created_at as createdAt',
  sql<Date>`greatest(r.person_updated_at, r.updated_at, m.updated_at)`.as('lastModified'),
  'm.address as mailAddress',
  'm.status as mailStatus',
] as const;
