/** The access module's own tables (schema `access`), as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { Duty } from './permission-catalogue.js';

export interface RoleTable {
  code: string;
  application: string | null;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  permissions: string[];
  duty: Duty | null;
  built_in: ColumnType<boolean, boolean | undefined, never>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export type GranteeKind = 'person' | 'post';
export type ActorType = 'user' | 'system' | 'machine';

export interface GrantTable {
  id: Generated<string>;
  role_code: string;
  grantee_kind: GranteeKind;
  person_id: string | null;
  post_org_unit_code: string | null;
  post_title: string | null;
  scope_org_unit_code: string;
  granted_by_type: ActorType;
  granted_by_id: string;
  granted_at: ColumnType<Date, never, never>;
  revoked_at: ColumnType<Date | null, never, Date>;
  revoked_by_type: ColumnType<ActorType | null, never, ActorType>;
  revoked_by_id: ColumnType<string | null, never, string>;
  revoke_reason: ColumnType<string | null, never, string | null>;
}

export interface AccessTables {
  'access.role': RoleTable;
  'access.grant': GrantTable;
}
