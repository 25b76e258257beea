/**
 * Granting and revoking roles by the rules of 分级管理 (tiered administration) and 三员分立
 * (separation of duties), listing grants within what the reader may see, and the roles a person holds
 * for a system's tokens. Each change leaves an audit entry and an `access.grant.changed` event in its
 * transaction; a refused attempt leaves an audit entry with outcome `denied` in a transaction of its own.
 */

import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Decision } from '../../platform/authorization.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { listPeople, ORG_UNIT_CODE_PATTERN, orgSubtree } from '../directory/index.js';
import './access.messages.js';
import { inTransaction } from '../../platform/db/database.js';
import { decide, deniedError, recordDenial, scopeOfPermission } from './access-policy.js';
import { type AccessRequest, audited } from './access-request.js';
import { coveringScopes, dutiesOf, findPerson, permissionsAt, rootUnitCode, standingOf } from './actor-standing.js';
import {
  GRANT_CHANGED_EVENT,
  type Grant,
  type GrantChangedEvent,
  type Grantee,
  type GrantInput,
  type GrantList,
  type GrantQuery,
  UUID_PATTERN,
} from './grant.js';
import {
  countGrants,
  type GrantFilter,
  type Holder,
  insertGrant,
  lockGrants,
  markGrantRevoked,
  selectGrant,
  selectGrants,
  selectHeldGrants,
  selectLiveGrant,
} from './grant.repository.js';
import { SECURITY_ADMIN_ROLE } from './permission-catalogue.js';
import { ROLE_CODE_PATTERN, type Role } from './role.js';
import { selectRole } from './role.repository.js';

const MAX_PAGE = 500;
const MAX_REASON_LENGTH = 500;
const MAX_TITLE_LENGTH = 50;

/**
 * Grants a role to a person or a post over the subtree under `scopeOrgUnitCode`. The granter needs
 * `access.grant` there, may not grant to itself or to a post it holds, and may grant only roles whose
 * platform permissions it holds there (a security administrator: any platform role; anyone with
 * `access.grant`: application roles). Duty roles go only over the root, only from a security
 * administrator, and never to someone who holds another duty.
 * @throws ValidationError `access.grant_invalid`; ForbiddenError `access.denied`, `access.self_grant`,
 * `access.role_not_grantable`, `access.duty_granter`; ConflictError `access.separation_of_duties`, `access.grant_exists`
 * @example
 * const grant = await grantRole(db, { actor: { type: 'user', id: adminId } }, {
 *   roleCode: 'platform.department_admin', grantee: { kind: 'person', personId }, scopeOrgUnitCode: 'D03',
 * });
 */
export async function grantRole(executor: Executor, request: AccessRequest, input: GrantInput): Promise<Grant> {
  const { actor, requestId } = request;
  const attempted = { roleCode: input.roleCode, scopeOrgUnitCode: input.scopeOrgUnitCode, ...granteeDetails(input) };
  return audited(executor, request, 'access.grant.created', attempted, async (tx) => {
    const { grantee, scopeOrgUnitCode, roleCode } = checkGrantShape(input);
    await lockGrants(tx);
    const role = await checkGrantTargets(tx, roleCode, grantee, scopeOrgUnitCode);
    await checkGrantRights(tx, actor, role, grantee, scopeOrgUnitCode);
    if (role.duty) await checkSeparationOfDuties(tx, role, grantee);
    const existing = await selectLiveGrant(tx, role.code, grantee, scopeOrgUnitCode);
    if (existing) throw new ConflictError('access.grant_exists', { grantId: existing.id });
    const grantId = await insertGrant(tx, { roleCode: role.code, grantee, scopeOrgUnitCode, grantedBy: actor });
    const grant = (await selectGrant(tx, grantId))!;
    await recordGrantChange(tx, { actor, requestId, grant, role, change: 'created' });
    return grant;
  });
}

/**
 * Revokes a live grant; the same rights are needed as for granting it.
 * @throws NotFoundError `access.grant_not_found`; ConflictError `access.grant_revoked`; ValidationError
 * `access.grant_invalid` (`/reason`); ForbiddenError as for `grantRole`
 * @example await revokeGrant(db, { actor }, grant.id, { reason: '调岗' });
 */
export async function revokeGrant(
  executor: Executor,
  request: AccessRequest,
  grantId: string,
  input: { reason?: string | null | undefined } = {},
): Promise<Grant> {
  const { actor, requestId } = request;
  return audited(executor, request, 'access.grant.revoked', { grantId }, async (tx) => {
    const reason = input.reason?.trim() || null;
    if (reason && reason.length > MAX_REASON_LENGTH) {
      throw new ValidationError('access.grant_invalid', [{ pointer: '/reason', reason: 'too_long' }], { count: 1 });
    }
    if (!UUID_PATTERN.test(grantId)) throw new NotFoundError('access.grant_not_found', { grantId });
    await lockGrants(tx);
    const grant = await selectGrant(tx, grantId);
    if (!grant) throw new NotFoundError('access.grant_not_found', { grantId });
    if (grant.revokedAt) throw new ConflictError('access.grant_revoked', { grantId });
    const role = (await selectRole(tx, grant.roleCode))!;
    await checkGrantRights(tx, actor, role, grant.grantee, grant.scopeOrgUnitCode);
    await markGrantRevoked(tx, grantId, actor, reason);
    const revoked = (await selectGrant(tx, grantId))!;
    await recordGrantChange(tx, { actor, requestId, grant: revoked, role, change: 'revoked' });
    return revoked;
  });
}

/**
 * A page of grants, newest first, limited to those whose scope lies where the reader holds
 * `directory.read` or `access.grant`. Asking for a scope outside that is refused.
 * @throws ValidationError `access.grants_query_invalid`; ForbiddenError `access.denied`
 * @example const { items, total } = await listGrants(db, { actor }, { scopeOrgUnitCode: 'D03', limit: 50, offset: 0 });
 */
export async function listGrants(executor: Executor, request: AccessRequest, query: GrantQuery): Promise<GrantList> {
  const { actor } = request;
  const errors: FieldError[] = [];
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    errors.push({ pointer: '/limit', reason: 'range' });
  }
  if (!Number.isInteger(query.offset) || query.offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (query.personId !== undefined && !UUID_PATTERN.test(query.personId)) {
    errors.push({ pointer: '/personId', reason: 'format' });
  }
  if (query.roleCode !== undefined && !ROLE_CODE_PATTERN.test(query.roleCode)) {
    errors.push({ pointer: '/roleCode', reason: 'format' });
  }
  const scope = query.scopeOrgUnitCode;
  const scopeLineage = scope === undefined ? undefined : await coveringScopes(executor, scope);
  if (scope !== undefined && !scopeLineage) errors.push({ pointer: '/scopeOrgUnitCode', reason: 'not_found' });
  if (errors.length > 0) throw new ValidationError('access.grants_query_invalid', errors, { count: errors.length });

  const visible = await visibleScopeRoots(executor, actor);
  let scopeCodes: string[] | undefined;
  if (scope !== undefined) {
    if (visible !== 'everywhere' && !scopeLineage!.some((code) => visible.includes(code))) {
      await refuse(executor, actor, {
        allowed: false,
        permission: 'directory.read',
        orgUnitCode: scope,
        reason: 'out_of_scope',
        grants: [],
      });
    }
    scopeCodes = (await orgSubtree(executor, scope)).map((unit) => unit.code);
  } else if (visible !== 'everywhere') {
    const subtrees = await Promise.all(visible.map((root) => orgSubtree(executor, root)));
    scopeCodes = [...new Set(subtrees.flat().map((unit) => unit.code))];
  }
  const filter: GrantFilter = { roleCode: query.roleCode, scopeCodes, includeRevoked: query.includeRevoked };
  if (query.personId !== undefined) {
    const person = await findPerson(executor, query.personId);
    const posts = (person?.posts ?? []).map((post) => ({ orgUnitCode: post.orgUnitCode, title: post.title }));
    filter.holder = { personId: query.personId, posts };
  }
  const page = { limit: query.limit, offset: query.offset };
  const [items, total] = await Promise.all([selectGrants(executor, filter, page), countGrants(executor, filter)]);
  return { items, total };
}

/**
 * The codes of the roles a person holds now, directly or through its posts, for a token: platform roles
 * when `application` is null, else that system's roles. None for a person who is not active.
 * @example const roles = await rolesOf(db, personId, { application: 'oa-leave' }); // ['oa-leave.approver']
 */
export async function rolesOf(
  executor: Executor,
  personId: string,
  options: { application: string | null },
): Promise<string[]> {
  const { grants } = await standingOf(executor, personId, { application: options.application });
  return [...new Set(grants.map((grant) => grant.roleCode))].sort();
}

/**
 * Makes a person the security administrator over the whole district, as the platform (SYSTEM): the
 * first step on a new installation, before anyone can grant anything. Idempotent.
 * @throws ConflictError `access.no_root_unit`, `access.separation_of_duties`; ValidationError `access.grant_invalid`
 * @example const { grant, created } = await bootstrapSecurityAdmin(db, person.id);
 */
export async function bootstrapSecurityAdmin(
  executor: Executor,
  personId: string,
): Promise<{ grant: Grant; created: boolean }> {
  const root = await rootUnitCode(executor);
  if (root === undefined) throw new ConflictError('access.no_root_unit');
  const grantee: Grantee = { kind: 'person', personId };
  const existing = UUID_PATTERN.test(personId)
    ? await selectLiveGrant(executor, SECURITY_ADMIN_ROLE, grantee, root)
    : undefined;
  if (existing) return { grant: existing, created: false };
  const grant = await grantRole(
    executor,
    { actor: SYSTEM_ACTOR },
    { roleCode: SECURITY_ADMIN_ROLE, grantee, scopeOrgUnitCode: root },
  );
  return { grant, created: true };
}

/** Shape checks that need no database; every bad field at once. */
function checkGrantShape(input: GrantInput): { roleCode: string; grantee: Grantee; scopeOrgUnitCode: string } {
  const errors: FieldError[] = [];
  const roleCode = typeof input.roleCode === 'string' ? input.roleCode : '';
  if (!ROLE_CODE_PATTERN.test(roleCode)) errors.push({ pointer: '/roleCode', reason: 'format' });
  const scopeOrgUnitCode = typeof input.scopeOrgUnitCode === 'string' ? input.scopeOrgUnitCode : '';
  if (!ORG_UNIT_CODE_PATTERN.test(scopeOrgUnitCode)) errors.push({ pointer: '/scopeOrgUnitCode', reason: 'format' });
  const given = input.grantee ?? { kind: undefined };
  let grantee: Grantee | undefined;
  if (given.kind === 'person') {
    const personId = given.personId ?? '';
    if (!UUID_PATTERN.test(personId)) errors.push({ pointer: '/grantee/personId', reason: 'format' });
    grantee = { kind: 'person', personId: personId.toLowerCase() };
  } else if (given.kind === 'post') {
    const orgUnitCode = given.orgUnitCode ?? '';
    const title = given.title?.trim() ?? '';
    if (!ORG_UNIT_CODE_PATTERN.test(orgUnitCode)) errors.push({ pointer: '/grantee/orgUnitCode', reason: 'format' });
    if (title.length < 1 || title.length > MAX_TITLE_LENGTH) {
      errors.push({ pointer: '/grantee/title', reason: 'length' });
    }
    grantee = { kind: 'post', orgUnitCode, title };
  } else {
    errors.push({ pointer: '/grantee/kind', reason: 'one_of' });
  }
  if (errors.length > 0 || !grantee)
    throw new ValidationError('access.grant_invalid', errors, { count: errors.length });
  return { roleCode, grantee, scopeOrgUnitCode };
}

/** The role, the scope and the grantee exist (and the grantee is active); duties go over the root only. */
async function checkGrantTargets(
  executor: Executor,
  roleCode: string,
  grantee: Grantee,
  scopeOrgUnitCode: string,
): Promise<Role> {
  const errors: FieldError[] = [];
  const [role, scopes, granteeUnit, person] = await Promise.all([
    selectRole(executor, roleCode),
    coveringScopes(executor, scopeOrgUnitCode),
    grantee.kind === 'post' ? coveringScopes(executor, grantee.orgUnitCode) : undefined,
    grantee.kind === 'person' ? findPerson(executor, grantee.personId) : undefined,
  ]);
  if (!role) errors.push({ pointer: '/roleCode', reason: 'not_found' });
  if (!scopes) errors.push({ pointer: '/scopeOrgUnitCode', reason: 'not_found' });
  if (grantee.kind === 'post' && !granteeUnit) errors.push({ pointer: '/grantee/orgUnitCode', reason: 'not_found' });
  if (grantee.kind === 'person' && !person) errors.push({ pointer: '/grantee/personId', reason: 'not_found' });
  if (person && person.status !== 'active') errors.push({ pointer: '/grantee/personId', reason: 'inactive' });
  // 三员 are district-wide offices: a duty over part of the tree would leave the rest without one.
  if (role?.duty && scopes && scopes.length !== 1) errors.push({ pointer: '/scopeOrgUnitCode', reason: 'root_only' });
  if (errors.length > 0 || !role) throw new ValidationError('access.grant_invalid', errors, { count: errors.length });
  return role;
}

/** Whether `actor` may grant (or revoke) `role` to `grantee` over `scopeOrgUnitCode`. */
async function checkGrantRights(
  executor: Executor,
  actor: Actor,
  role: Role,
  grantee: Grantee,
  scopeOrgUnitCode: string,
): Promise<void> {
  if (actor.type === 'system') return;
  const decision = await decide(executor, actor, 'access.grant', scopeOrgUnitCode);
  if (!decision.allowed) throw deniedError(decision);
  // Allowed means the actor is an active person: its standing, with every grant this time.
  const [granter, scopes] = await Promise.all([
    standingOf(executor, actor.id),
    coveringScopes(executor, scopeOrgUnitCode),
  ]);
  const ownPost =
    grantee.kind === 'post' &&
    granter.posts.some((post) => post.orgUnitCode === grantee.orgUnitCode && post.title === grantee.title);
  if ((grantee.kind === 'person' && grantee.personId === actor.id) || ownPost) {
    throw new ForbiddenError('access.self_grant', { roleCode: role.code });
  }
  const securityAdmin = dutiesOf(granter.grants).has('security_admin');
  if (role.duty) {
    if (!securityAdmin) throw new ForbiddenError('access.duty_granter', { roleCode: role.code });
    return;
  }
  // Application roles carry only app:… permissions, which grant nothing on the platform itself.
  if (role.application !== null || securityAdmin) return;
  const held = permissionsAt(granter.grants, scopes ?? []);
  const missing = role.permissions.filter((permission) => !held.has(permission));
  if (missing.length > 0) {
    throw new ForbiddenError('access.role_not_grantable', { roleCode: role.code, missing: missing.join(', ') });
  }
}

/** One person holds at most one duty, directly or through posts; for a post, each of its holders. */
async function checkSeparationOfDuties(executor: Executor, role: Role, grantee: Grantee): Promise<void> {
  const holders: Holder[] = [];
  if (grantee.kind === 'person') {
    const { posts } = await standingOf(executor, grantee.personId);
    holders.push({ personId: grantee.personId, posts });
  } else {
    holders.push({ personId: null, posts: [grantee] });
    const { items } = await listPeople(executor, { orgUnitCode: grantee.orgUnitCode, limit: 500, offset: 0 });
    for (const person of items) {
      if (!person.posts.some((post) => post.orgUnitCode === grantee.orgUnitCode && post.title === grantee.title)) {
        continue;
      }
      holders.push({
        personId: person.id,
        posts: person.posts.map((post) => ({ orgUnitCode: post.orgUnitCode, title: post.title })),
      });
    }
  }
  for (const holder of holders) {
    const other = [...dutiesOf(await selectHeldGrants(executor, holder))].find((duty) => duty !== role.duty);
    if (other) throw new ConflictError('access.separation_of_duties', { roleCode: role.code, heldDuty: other });
  }
}

/** Visible scope roots for listing grants: where the reader holds `directory.read` or `access.grant`. */
async function visibleScopeRoots(executor: Executor, actor: Actor): Promise<'everywhere' | string[]> {
  const [read, grant] = await Promise.all([
    scopeOfPermission(executor, actor, 'directory.read'),
    scopeOfPermission(executor, actor, 'access.grant'),
  ]);
  if (read.everywhere || grant.everywhere) return 'everywhere';
  return [...new Set([...read.orgUnitCodes, ...grant.orgUnitCodes])];
}

async function refuse(executor: Executor, actor: Actor, decision: Decision): Promise<never> {
  await inTransaction(executor, (tx) => recordDenial(tx, actor, decision));
  throw deniedError(decision);
}

async function recordGrantChange(
  executor: Executor,
  entry: { actor: Actor; requestId: string | undefined; grant: Grant; role: Role; change: 'created' | 'revoked' },
): Promise<void> {
  const { actor, grant, role, change, requestId } = entry;
  const payload: GrantChangedEvent = {
    grantId: grant.id,
    change,
    roleCode: grant.roleCode,
    application: role.application,
    granteeKind: grant.grantee.kind,
    personId: grant.grantee.kind === 'person' ? grant.grantee.personId : null,
    postOrgUnitCode: grant.grantee.kind === 'post' ? grant.grantee.orgUnitCode : null,
    postTitle: grant.grantee.kind === 'post' ? grant.grantee.title : null,
    scopeOrgUnitCode: grant.scopeOrgUnitCode,
  };
  await recordEvent(executor, {
    aggregateType: 'access.grant',
    aggregateId: grant.id,
    type: GRANT_CHANGED_EVENT,
    payload,
    requestId,
  });
  // Last: the audit chain lock is held to commit.
  await recordAudit(executor, {
    actor,
    action: change === 'created' ? 'access.grant.created' : 'access.grant.revoked',
    target: { type: 'grant', id: grant.id },
    outcome: 'success',
    requestId,
    details: {
      roleCode: grant.roleCode,
      granteeKind: payload.granteeKind,
      personId: payload.personId,
      postOrgUnitCode: payload.postOrgUnitCode,
      postTitle: payload.postTitle,
      scopeOrgUnitCode: grant.scopeOrgUnitCode,
      ...(change === 'revoked' ? { reasonGiven: grant.revokeReason !== null } : {}),
    },
  });
}

function granteeDetails(input: GrantInput): Record<string, unknown> {
  const grantee = input.grantee;
  if (grantee?.kind === 'person') return { granteeKind: 'person', personId: grantee.personId ?? null };
  if (grantee?.kind === 'post') {
    return { granteeKind: 'post', postOrgUnitCode: grantee.orgUnitCode ?? null, postTitle: grantee.title ?? null };
  }
  return {};
}
