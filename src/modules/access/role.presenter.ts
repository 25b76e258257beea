/** Stored roles → the API's shape. */
import type { Role } from './role.js';
import type { RoleView } from './role.schema.js';

export function presentRole(role: Role): RoleView {
  return {
    code: role.code,
    application: role.application,
    nameZh: role.nameZh,
    nameEn: role.nameEn,
    descriptionZh: role.descriptionZh,
    descriptionEn: role.descriptionEn,
    permissions: role.permissions,
    duty: role.duty,
    builtIn: role.builtIn,
    updatedAt: role.updatedAt.toISOString(),
  };
}
