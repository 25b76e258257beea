/**
 * The access module's public face: the platform's Policy (who may do what, where, and why), the
 * permission catalogue and roles, granting and revoking by the rules of 分级管理 and 三员分立, the
 * roles a person holds for tokens, the HTTP routes and the bootstrap command. Other code imports
 * the access module from here only.
 */
export { accessBootstrapCommand, type BootstrapReport } from './access.command.js';
export { accessRoutes } from './access.routes.js';
export { type AccessPolicy, createAccessPolicy, type DenialLogger } from './access-policy.js';
export type { AccessRequest } from './access-request.js';
export { type DecisionQuery, explainDecision } from './decision.service.js';
export {
  GRANT_CHANGED_EVENT,
  type Grant,
  type GrantChangedEvent,
  type Grantee,
  type GrantInput,
  type GrantList,
  type GrantQuery,
} from './grant.js';
export { bootstrapSecurityAdmin, grantRole, listGrants, revokeGrant, rolesOf } from './grant.service.js';
export {
  BUILT_IN_ROLES,
  DUTIES,
  type Duty,
  isPlatformPermission,
  PERMISSION_NAMES,
  PERMISSIONS,
  type Permission,
} from './permission-catalogue.js';
export type { ApplicationRoleInput, ApplicationRolePatch, Role } from './role.js';
export {
  createApplicationRole,
  deleteApplicationRole,
  getRole,
  listRoles,
  ROLE_CHANGED_EVENT,
  updateApplicationRole,
} from './role.service.js';
