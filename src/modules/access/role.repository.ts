/** SQL for `access.role`. No rules here: the services decide. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { AccessTables } from './access.tables.js';
import type { Role } from './role.js';

const ROLE_COLUMNS = [
  'code',
  'application',
  'name_zh as nameZh',
  'name_en as nameEn',
  'description_zh as descriptionZh',
  'description_en as descriptionEn',
  'permissions',
  'duty',
  'built_in as builtIn',
  'created_at as createdAt',
  'updated_at as updatedAt',
] as const;

/** Platform roles first, then by code (byte-wise, the same on every locale). */
export async function selectRoles(
  executor: Executor,
  filter: { application?: string | null | undefined },
): Promise<Role[]> {
  return tablesOf<AccessTables>(executor)
    .selectFrom('access.role')
    .select(ROLE_COLUMNS)
    .$if(filter.application === null, (q) => q.where('application', 'is', null))
    .$if(typeof filter.application === 'string', (q) => q.where('application', '=', filter.application!))
    .orderBy(sql`application is not null`)
    .orderBy(sql`code collate "C"`)
    .execute();
}

export async function selectRole(executor: Executor, code: string): Promise<Role | undefined> {
  return tablesOf<AccessTables>(executor)
    .selectFrom('access.role')
    .select(ROLE_COLUMNS)
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function insertRole(
  executor: Executor,
  role: Omit<Role, 'builtIn' | 'createdAt' | 'updatedAt' | 'duty'>,
): Promise<void> {
  await tablesOf<AccessTables>(executor)
    .insertInto('access.role')
    .values({
      code: role.code,
      application: role.application,
      name_zh: role.nameZh,
      name_en: role.nameEn,
      description_zh: role.descriptionZh,
      description_en: role.descriptionEn,
      permissions: role.permissions,
      duty: null,
    })
    .execute();
}

export async function updateRole(
  executor: Executor,
  code: string,
  fields: Pick<Role, 'nameZh' | 'nameEn' | 'descriptionZh' | 'descriptionEn' | 'permissions'>,
): Promise<void> {
  await tablesOf<AccessTables>(executor)
    .updateTable('access.role')
    .set({
      name_zh: fields.nameZh,
      name_en: fields.nameEn,
      description_zh: fields.descriptionZh,
      description_en: fields.descriptionEn,
      permissions: fields.permissions,
      updated_at: sql<Date>`now()`,
    })
    .where('code', '=', code)
    .execute();
}

/** Removes a role with its revoked grants (their history stays in the audit log). */
export async function deleteRole(executor: Executor, code: string): Promise<void> {
  const db = tablesOf<AccessTables>(executor);
  await db.deleteFrom('access.grant').where('role_code', '=', code).where('revoked_at', 'is not', null).execute();
  await db.deleteFrom('access.role').where('code', '=', code).execute();
}
