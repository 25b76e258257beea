/** The public accounts' tables in schema `identity` (migration 0009), as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { AgentRole, PublicAccountKind, PublicAccountStatus } from './public-account.js';

export interface PublicAccountTable {
  id: Generated<string>;
  kind: PublicAccountKind;
  person_name: string;
  resident_id: string;
  credit_code: string | null;
  enterprise_name: string | null;
  agent_role: AgentRole | null;
  mobile: string;
  email: string | null;
  password_hash: string;
  password_changed_at: ColumnType<Date, Date | undefined, Date>;
  failed_count: ColumnType<number, number | undefined, number>;
  last_failed_at: Date | null;
  locked_until: Date | null;
  status: ColumnType<PublicAccountStatus, PublicAccountStatus | undefined, PublicAccountStatus>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PublicRegistrationAttemptTable {
  id: Generated<number>;
  ip: string;
  at: ColumnType<Date, Date, never>;
}

export interface PublicAccountTables {
  'identity.public_account': PublicAccountTable;
  'identity.public_registration_attempt': PublicRegistrationAttemptTable;
}
