/**
 * The exchange tables of members, publication rights and subscriptions (migrations/0012), and the
 * columns of the standards part's tables (0011) that this part reads, as Kysely sees them.
 */
import type { ColumnType, Generated } from 'kysely';
import type { MemberStatus, Zone } from './member.js';
import type { SubscriptionMode, SubscriptionStatus } from './subscription.js';

export interface MemberTable {
  id: string;
  name_zh: string;
  name_en: string;
  owner_org_unit_code: string;
  zone: Zone;
  status: MemberStatus;
  contacts: ColumnType<unknown, string, string>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PublisherTable {
  standard_code: string;
  member_id: string;
  granted_by: string | null;
  granted_at: ColumnType<Date, never, never>;
}

export interface SubscriptionTable {
  id: Generated<string>;
  member_id: string;
  standard_code: string;
  filter: string | null;
  mode: SubscriptionMode;
  endpoint: string | null;
  push_batch_size: ColumnType<number, number | undefined, number>;
  status: SubscriptionStatus;
  reason: string | null;
  requested_by: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

/** Read only here: the standards part owns it. */
export interface StandardRefTable {
  code: string;
  name_zh: string;
  name_en: string;
  owner_org_unit_code: string;
  classification: string;
}

/** Read only here: the standards part owns it. */
export interface StandardVersionRefTable {
  standard_code: string;
  version: number;
  status: string;
  published_at: Date | null;
}

export interface MemberTables {
  'exchange.member': MemberTable;
  'exchange.publisher': PublisherTable;
  'exchange.subscription': SubscriptionTable;
  'exchange.standard': StandardRefTable;
  'exchange.standard_version': StandardVersionRefTable;
}
