/**
 * SQL for `access.grant`: the live grants a person holds (directly and through posts) with their
 * roles, filtered lists, and plain writes. No rules here: the services decide.
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Actor } from '../../platform/authorization.js';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { AccessTables, ActorType, GranteeKind } from './access.tables.js';
import type { Grant, Grantee } from './grant.js';
import type { Duty } from './permission-catalogue.js';

/** A post as the grants see it: a title in a unit. */
export interface PostKey {
  orgUnitCode: string;
  title: string;
}

/** Whoever a grant can reach: a person (null for a post alone) and posts. */
export interface Holder {
  personId: string | null;
  posts: readonly PostKey[];
}

/** A live grant someone holds, with what its role carries. */
export interface HeldGrantRow {
  grantId: string;
  roleCode: string;
  application: string | null;
  permissions: string[];
  duty: Duty | null;
  scopeOrgUnitCode: string;
  via: GranteeKind;
}

export interface GrantFilter {
  /** Grants to this person, or to one of these posts. */
  holder?: Holder | undefined;
  roleCode?: string | undefined;
  /** Only grants whose scope is one of these units; absent means anywhere. */
  scopeCodes?: readonly string[] | undefined;
  includeRevoked?: boolean | undefined;
}

/**
 * The live grants of a person and of the posts it holds, with their roles: one query, whatever the
 * number of posts. `permission` keeps only roles carrying it; `application` (null: platform roles) only
 * that system's roles.
 */
export async function selectHeldGrants(
  executor: Executor,
  holder: Holder,
  filter: { permission?: string | undefined; application?: string | null | undefined } = {},
): Promise<HeldGrantRow[]> {
  return tablesOf<AccessTables>(executor)
    .selectFrom('access.grant as g')
    .innerJoin('access.role as r', 'r.code', 'g.role_code')
    .select([
      'g.id as grantId',
      'g.role_code as roleCode',
      'r.application',
      'r.permissions',
      'r.duty',
      'g.scope_org_unit_code as scopeOrgUnitCode',
      'g.grantee_kind as via',
    ])
    .where('g.revoked_at', 'is', null)
    .where((eb) => heldBy(eb, holder))
    .$if(filter.permission !== undefined, (q) => q.where(sql<boolean>`${filter.permission} = any(r.permissions)`))
    .$if(filter.application === null, (q) => q.where('r.application', 'is', null))
    .$if(typeof filter.application === 'string', (q) => q.where('r.application', '=', filter.application!))
    .orderBy('g.granted_at')
    .orderBy('g.id')
    .execute();
}

/** Grants matching the filter, newest first. */
export async function selectGrants(
  executor: Executor,
  filter: GrantFilter,
  page: { limit: number; offset: number },
): Promise<Grant[]> {
  const rows = await filtered(tablesOf<AccessTables>(executor), filter)
    .selectAll('g')
    .orderBy('g.granted_at', 'desc')
    .orderBy('g.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toGrant);
}

export async function countGrants(executor: Executor, filter: GrantFilter): Promise<number> {
  const row = await filtered(tablesOf<AccessTables>(executor), filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function selectGrant(executor: Executor, id: string): Promise<Grant | undefined> {
  const row = await tablesOf<AccessTables>(executor)
    .selectFrom('access.grant as g')
    .selectAll('g')
    .where('g.id', '=', id)
    .executeTakeFirst();
  return row && toGrant(row);
}

/** The live grant of this role to this grantee over this scope, if any. */
export async function selectLiveGrant(
  executor: Executor,
  roleCode: string,
  grantee: Grantee,
  scopeOrgUnitCode: string,
): Promise<Grant | undefined> {
  let query = tablesOf<AccessTables>(executor)
    .selectFrom('access.grant as g')
    .selectAll('g')
    .where('g.role_code', '=', roleCode)
    .where('g.scope_org_unit_code', '=', scopeOrgUnitCode)
    .where('g.revoked_at', 'is', null);
  query =
    grantee.kind === 'person'
      ? query.where('g.person_id', '=', grantee.personId)
      : query.where('g.post_org_unit_code', '=', grantee.orgUnitCode).where('g.post_title', '=', grantee.title);
  const row = await query.executeTakeFirst();
  return row && toGrant(row);
}

export async function countLiveGrantsOfRole(executor: Executor, roleCode: string): Promise<number> {
  const row = await tablesOf<AccessTables>(executor)
    .selectFrom('access.grant')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('role_code', '=', roleCode)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertGrant(
  executor: Executor,
  grant: { roleCode: string; grantee: Grantee; scopeOrgUnitCode: string; grantedBy: Actor },
): Promise<string> {
  const { grantee } = grant;
  const row = await tablesOf<AccessTables>(executor)
    .insertInto('access.grant')
    .values({
      role_code: grant.roleCode,
      grantee_kind: grantee.kind,
      person_id: grantee.kind === 'person' ? grantee.personId : null,
      post_org_unit_code: grantee.kind === 'post' ? grantee.orgUnitCode : null,
      post_title: grantee.kind === 'post' ? grantee.title : null,
      scope_org_unit_code: grant.scopeOrgUnitCode,
      granted_by_type: grant.grantedBy.type,
      granted_by_id: grant.grantedBy.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function markGrantRevoked(
  executor: Executor,
  id: string,
  revokedBy: Actor,
  reason: string | null,
): Promise<void> {
  await tablesOf<AccessTables>(executor)
    .updateTable('access.grant')
    .set({
      revoked_at: sql<Date>`greatest(now(), granted_at)`,
      revoked_by_type: revokedBy.type,
      revoked_by_id: revokedBy.id,
      revoke_reason: reason,
    })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Serialises grant writers until the transaction ends: the separation-of-duties check reads a
 * person's duties, and two concurrent duty grants must not both pass it.
 */
export async function lockGrants(executor: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('access.grant'))`.execute(executor);
}

type GrantExpressions = ExpressionBuilder<{ g: AccessTables['access.grant'] }, 'g'>;

function heldBy(eb: GrantExpressions, holder: Holder) {
  return eb.or([
    ...(holder.personId === null ? [] : [eb('g.person_id', '=', holder.personId)]),
    ...holder.posts.map((post) =>
      eb.and([eb('g.post_org_unit_code', '=', post.orgUnitCode), eb('g.post_title', '=', post.title)]),
    ),
  ]);
}

function filtered(db: Kysely<AccessTables>, filter: GrantFilter) {
  let query = db.selectFrom('access.grant as g');
  if (filter.holder) {
    const holder = filter.holder;
    query = query.where((eb) => heldBy(eb, holder));
  }
  if (filter.roleCode !== undefined) query = query.where('g.role_code', '=', filter.roleCode);
  if (filter.scopeCodes !== undefined) {
    const codes = filter.scopeCodes;
    query = codes.length === 0 ? query.where(sql<boolean>`false`) : query.where('g.scope_org_unit_code', 'in', codes);
  }
  if (!filter.includeRevoked) query = query.where('g.revoked_at', 'is', null);
  return query;
}

interface GrantRowShape {
  id: string;
  role_code: string;
  grantee_kind: GranteeKind;
  person_id: string | null;
  post_org_unit_code: string | null;
  post_title: string | null;
  scope_org_unit_code: string;
  granted_by_type: ActorType;
  granted_by_id: string;
  granted_at: Date;
  revoked_at: Date | null;
  revoked_by_type: ActorType | null;
  revoked_by_id: string | null;
  revoke_reason: string | null;
}

function toGrant(row: GrantRowShape): Grant {
  const grantee: Grantee =
    row.grantee_kind === 'person'
      ? { kind: 'person', personId: row.person_id! }
      : { kind: 'post', orgUnitCode: row.post_org_unit_code!, title: row.post_title! };
  return {
    id: row.id,
    roleCode: row.role_code,
    grantee,
    scopeOrgUnitCode: row.scope_org_unit_code,
    grantedBy: { type: row.granted_by_type, id: row.granted_by_id },
    grantedAt: row.granted_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by_type ? { type: row.revoked_by_type, id: row.revoked_by_id! } : null,
    revokeReason: row.revoke_reason,
  };
}
