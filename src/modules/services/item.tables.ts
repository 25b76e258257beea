/** The service catalogue's tables (schema `services`, migration 0015), as Kysely sees them. */
import type { ColumnType } from 'kysely';
import type { ItemType, VersionStatus } from './item.js';

type Created = ColumnType<Date, Date | undefined, never>;
type Updated = ColumnType<Date, Date | undefined, Date>;

/** The content that lives in `details` (json, so key order is kept): everything the list does not filter on. */
export interface ItemDetails {
  legalBasis: string[];
  conditions: string;
  materials: Array<{
    nameZh: string;
    nameEn: string;
    form: 'original' | 'copy';
    copies: number;
    electronicAccepted: boolean;
    required: boolean;
    sampleSha256: string | null;
    note: string | null;
  }>;
  fees: Array<{ nameZh: string; nameEn: string; amountFen: number; basis: string }>;
  result: { kind: 'certificate' | 'decision'; nameZh: string; nameEn: string };
  form: Record<string, unknown>;
}

export interface ItemTable {
  code: string;
  department_code: string;
  published_version: number | null;
  created_at: Created;
  updated_at: Updated;
}

export interface ItemVersionTable {
  item_code: string;
  version: number;
  status: VersionStatus;
  name_zh: string;
  name_en: string;
  type: ItemType;
  department_code: string;
  online: boolean;
  any_centre: boolean;
  centre_codes: string[];
  statutory_limit_days: number;
  promised_limit_days: number;
  details: ColumnType<ItemDetails, string, string>;
  published_at: Date | null;
  withdrawn_at: Date | null;
  created_at: Created;
  updated_at: Updated;
}

export interface ServicesTables {
  'services.item': ItemTable;
  'services.item_version': ItemVersionTable;
}
