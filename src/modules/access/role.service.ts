/**
 * Roles: reading the catalogue, and a registered system's own roles, which a security administrator
 * (holding `access.role.manage` over the whole district) creates, changes and deletes. Platform roles
 * are built in and change only with a release.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import './access.messages.js';
import { decide, deniedError } from './access-policy.js';
import { type AccessRequest, audited } from './access-request.js';
import { countLiveGrantsOfRole, lockGrants } from './grant.repository.js';
import { APP_PERMISSION_PATTERN } from './permission-catalogue.js';
import {
  APPLICATION_PATTERN,
  type ApplicationRoleInput,
  type ApplicationRolePatch,
  PLATFORM_APPLICATION,
  ROLE_NAME_PATTERN,
  type Role,
} from './role.js';
import { deleteRole, insertRole, selectRole, selectRoles, updateRole } from './role.repository.js';

export const ROLE_CHANGED_EVENT = 'access.role.changed';

const MAX_NAME_LENGTH = 100;
const MAX_DESCRIPTION_LENGTH = 1000;
const MAX_PERMISSIONS = 200;

/**
 * The roles, platform roles first; only one system's with `application`, only the platform's with null.
 * Any active staff member may read them: they describe the platform, not people.
 * @throws ForbiddenError `access.denied` (reason `actor_inactive`)
 * @example const roles = await listRoles(db, { actor }, { application: 'oa-leave' });
 */
export async function listRoles(
  executor: Executor,
  request: AccessRequest,
  filter: { application?: string | null | undefined } = {},
): Promise<Role[]> {
  await requireActive(executor, request.actor);
  return selectRoles(executor, filter);
}

/**
 * One role by code.
 * @throws NotFoundError `access.role_not_found`
 * @example const role = await getRole(db, { actor }, 'platform.staff');
 */
export async function getRole(executor: Executor, request: AccessRequest, code: string): Promise<Role> {
  await requireActive(executor, request.actor);
  const role = await selectRole(executor, code);
  if (!role) throw new NotFoundError('access.role_not_found', { roleCode: code });
  return role;
}

/**
 * Creates a registered system's role `<application>.<name>` carrying `app:…` permissions.
 * @throws ForbiddenError `access.denied`; ValidationError `access.role_invalid`; ConflictError `access.role_exists`
 * @example await createApplicationRole(db, { actor }, { application: 'oa-leave', name: 'approver', nameZh: '审批人', nameEn: 'Approver', permissions: ['app:leave.approve'] });
 */
export async function createApplicationRole(
  executor: Executor,
  request: AccessRequest,
  input: ApplicationRoleInput,
): Promise<Role> {
  const attempted = { application: input.application, name: input.name };
  return audited(executor, request, 'access.role.created', attempted, async (tx) => {
    await requireRoleManager(tx, request.actor);
    const errors: FieldError[] = [];
    const application = typeof input.application === 'string' ? input.application : '';
    if (!APPLICATION_PATTERN.test(application) || application === PLATFORM_APPLICATION) {
      errors.push({ pointer: '/application', reason: 'format' });
    }
    if (typeof input.name !== 'string' || !ROLE_NAME_PATTERN.test(input.name)) {
      errors.push({ pointer: '/name', reason: 'format' });
    }
    const fields = checkedRoleFields(input, errors);
    if (errors.length > 0) throw new ValidationError('access.role_invalid', errors, { count: errors.length });
    const code = `${application}.${input.name}`;
    if (await selectRole(tx, code)) throw new ConflictError('access.role_exists', { roleCode: code });
    await insertRole(tx, { code, application, ...fields });
    const role = (await selectRole(tx, code))!;
    await recordRoleChange(tx, request, role, 'created', Object.keys(fields));
    return role;
  });
}

/**
 * Changes a registered system's role; absent fields stay as they are.
 * @throws ForbiddenError `access.denied`; NotFoundError `access.role_not_found`; ConflictError
 * `access.role_built_in`; ValidationError `access.role_invalid`
 * @example await updateApplicationRole(db, { actor }, 'oa-leave.approver', { permissions: ['app:leave.approve', 'app:leave.read'] });
 */
export async function updateApplicationRole(
  executor: Executor,
  request: AccessRequest,
  code: string,
  patch: ApplicationRolePatch,
): Promise<Role> {
  return audited(executor, request, 'access.role.updated', { roleCode: code }, async (tx) => {
    await requireRoleManager(tx, request.actor);
    const current = await applicationRole(tx, code);
    const wanted = {
      nameZh: patch.nameZh ?? current.nameZh,
      nameEn: patch.nameEn ?? current.nameEn,
      descriptionZh: patch.descriptionZh ?? current.descriptionZh,
      descriptionEn: patch.descriptionEn ?? current.descriptionEn,
      permissions: patch.permissions ?? current.permissions,
    };
    const errors: FieldError[] = [];
    const fields = checkedRoleFields(wanted, errors);
    if (errors.length > 0) throw new ValidationError('access.role_invalid', errors, { count: errors.length });
    const changed = (Object.keys(fields) as Array<keyof typeof fields>).filter(
      (key) => JSON.stringify(fields[key]) !== JSON.stringify(current[key]),
    );
    if (changed.length === 0) return current;
    await updateRole(tx, code, fields);
    const role = (await selectRole(tx, code))!;
    await recordRoleChange(tx, request, role, 'updated', changed);
    return role;
  });
}

/**
 * Deletes a registered system's role that is no longer granted (its revoked grants go with it; the
 * audit log keeps their history).
 * @throws ForbiddenError `access.denied`; NotFoundError `access.role_not_found`; ConflictError
 * `access.role_built_in`, `access.role_in_use`
 * @example await deleteApplicationRole(db, { actor }, 'oa-leave.approver');
 */
export async function deleteApplicationRole(executor: Executor, request: AccessRequest, code: string): Promise<void> {
  await audited(executor, request, 'access.role.deleted', { roleCode: code }, async (tx) => {
    await requireRoleManager(tx, request.actor);
    await lockGrants(tx);
    const role = await applicationRole(tx, code);
    const grants = await countLiveGrantsOfRole(tx, code);
    if (grants > 0) throw new ConflictError('access.role_in_use', { roleCode: code, grants });
    await deleteRole(tx, code);
    await recordRoleChange(tx, request, role, 'deleted', []);
  });
}

async function requireActive(executor: Executor, actor: Actor): Promise<void> {
  // Reading the catalogue needs only an active actor: `directory.read` is what every staff role carries,
  // but a person without any grant may still need to know what to ask for.
  if (actor.type !== 'user') return;
  const decision = await decide(executor, actor, 'directory.read', null);
  if (decision.reason === 'actor_inactive') throw deniedError(decision);
}

async function requireRoleManager(executor: Executor, actor: Actor): Promise<void> {
  const decision = await decide(executor, actor, 'access.role.manage', null);
  if (!decision.allowed) throw deniedError(decision);
}

async function applicationRole(executor: Executor, code: string): Promise<Role> {
  const role = await selectRole(executor, code);
  if (!role) throw new NotFoundError('access.role_not_found', { roleCode: code });
  if (role.application === null) throw new ConflictError('access.role_built_in', { roleCode: code });
  return role;
}

function checkedRoleFields(
  input: Pick<ApplicationRoleInput, 'nameZh' | 'nameEn' | 'descriptionZh' | 'descriptionEn' | 'permissions'>,
  errors: FieldError[],
): Pick<Role, 'nameZh' | 'nameEn' | 'descriptionZh' | 'descriptionEn' | 'permissions'> {
  const text = (pointer: string, value: unknown, min: number, max: number) => {
    const trimmed = typeof value === 'string' ? value.trim() : '';
    if (trimmed.length < min || trimmed.length > max) errors.push({ pointer, reason: 'length' });
    return trimmed;
  };
  const permissions = Array.isArray(input.permissions) ? input.permissions : [];
  if (!Array.isArray(input.permissions) || permissions.length > MAX_PERMISSIONS) {
    errors.push({ pointer: '/permissions', reason: 'length' });
  }
  permissions.forEach((permission, index) => {
    if (typeof permission !== 'string' || !APP_PERMISSION_PATTERN.test(permission)) {
      errors.push({ pointer: `/permissions/${index}`, reason: 'format' });
    }
  });
  return {
    nameZh: text('/nameZh', input.nameZh, 1, MAX_NAME_LENGTH),
    nameEn: text('/nameEn', input.nameEn, 1, MAX_NAME_LENGTH),
    descriptionZh: text('/descriptionZh', input.descriptionZh ?? '', 0, MAX_DESCRIPTION_LENGTH),
    descriptionEn: text('/descriptionEn', input.descriptionEn ?? '', 0, MAX_DESCRIPTION_LENGTH),
    permissions: [...new Set(permissions)],
  };
}

async function recordRoleChange(
  executor: Executor,
  request: AccessRequest,
  role: Role,
  change: 'created' | 'updated' | 'deleted',
  fields: string[],
): Promise<void> {
  const { actor, requestId } = request;
  await recordEvent(executor, {
    aggregateType: 'access.role',
    aggregateId: role.code,
    type: ROLE_CHANGED_EVENT,
    payload: { roleCode: role.code, application: role.application, change, fields },
    requestId,
  });
  await recordAudit(executor, {
    actor,
    action: `access.role.${change}`,
    target: { type: 'role', id: role.code },
    outcome: 'success',
    requestId,
    details: { roleCode: role.code, application: role.application, fields },
  });
}
