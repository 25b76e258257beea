/** The identity module's own tables (schema `identity`), as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';

export interface StaffAccountTable {
  id: Generated<string>;
  person_id: string;
  username: string;
  password_hash: string;
  password_changed_at: Date;
  totp_secret_sealed: string | null;
  totp_enabled_at: Date | null;
  // bigint, read back as a number (steps stay far below 2^53).
  totp_last_step: ColumnType<number | null, number | null, number | null>;
  recovery_code_hashes: ColumnType<string[], string[] | undefined, string[]>;
  failed_count: ColumnType<number, number | undefined, number>;
  last_failed_at: Date | null;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface SessionTable {
  id: Generated<string>;
  token_hash: string;
  subject_kind: 'staff' | 'public';
  subject_id: string;
  created_at: ColumnType<Date, Date, never>;
  last_seen_at: Date;
  idle_expires_at: Date;
  absolute_expires_at: ColumnType<Date, Date, never>;
  revoked_at: Date | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  second_factor: boolean;
}

export interface IdentityTables {
  'identity.staff_account': StaffAccountTable;
  'identity.session': SessionTable;
}
