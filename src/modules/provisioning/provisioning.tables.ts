/** The provisioning module's own tables (schema `provisioning`), as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';

export const MAILBOX_STATUSES = ['pending', 'active', 'suspended', 'removed'] as const;
export type MailboxStatus = (typeof MAILBOX_STATUSES)[number];

export const SCIM_TOKEN_SCOPES = ['read', 'write'] as const;
export type ScimTokenScope = (typeof SCIM_TOKEN_SCOPES)[number];

export interface MailboxTable {
  person_id: string;
  address: string;
  status: MailboxStatus;
  activated_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PersonReplicaTable {
  person_id: string;
  staff_no: string;
  user_name: string;
  external_id: string | null;
  name: string;
  family_name: string;
  given_name: string;
  mobile: string | null;
  status: 'active' | 'suspended' | 'left';
  primary_org_unit_code: string | null;
  primary_org_unit_name: string | null;
  title: string | null;
  organization: string | null;
  person_created_at: Date;
  person_updated_at: Date;
  updated_at: ColumnType<Date, never, Date>;
}

export interface GroupTable {
  id: Generated<string>;
  display_name: string;
  external_id: string | null;
  owner_org_unit_code: string;
  version: ColumnType<number, never, number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface GroupMemberTable {
  group_id: string;
  person_id: string;
}

export interface ScimTokenTable {
  id: Generated<string>;
  name: string;
  owner_org_unit_code: string;
  token_hash: string;
  scopes: ScimTokenScope[];
  created_by: string;
  created_at: ColumnType<Date, never, never>;
  last_used_at: ColumnType<Date | null, never, Date>;
  revoked_at: ColumnType<Date | null, never, Date>;
}

export interface ProvisioningTables {
  'provisioning.mailbox': MailboxTable;
  'provisioning.person_replica': PersonReplicaTable;
  'provisioning.group': GroupTable;
  'provisioning.group_member': GroupMemberTable;
  'provisioning.scim_token': ScimTokenTable;
}
