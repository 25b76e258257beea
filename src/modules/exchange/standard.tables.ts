/** The data standards' tables (schema `exchange`, migration 0011), as Kysely sees them. */
import type { ColumnType } from 'kysely';
import type { Classification, CompatibilityChange, DataType, VersionStatus } from './standard.js';

type Created = ColumnType<Date, Date | undefined, never>;
type Updated = ColumnType<Date, Date | undefined, Date>;
/** jsonb: written as JSON text, read back as a value. */
type Json<T> = ColumnType<T, string, string>;

export interface StandardTable {
  code: string;
  name_zh: string;
  name_en: string;
  description: string | null;
  owner_org_unit_code: string;
  classification: Classification;
  created_at: Created;
  updated_at: Updated;
}

export interface StandardVersionTable {
  standard_code: string;
  version: number;
  status: VersionStatus;
  schema: Json<Record<string, unknown>>;
  change_note: string | null;
  compatibility: ColumnType<CompatibilityChange[] | null, string | null, string | null>;
  breaking: boolean | null;
  published_at: Date | null;
  deprecated_at: Date | null;
  created_at: Created;
  updated_at: Updated;
}

export interface CodeListTable {
  id: string;
  name_zh: string;
  name_en: string;
  source: string | null;
  description: string | null;
  created_at: Created;
  updated_at: Updated;
}

export interface CodeListEntryTable {
  code_list_id: string;
  value: string;
  label_zh: string;
  label_en: string | null;
  parent_value: string | null;
  position: number;
}

export interface DataElementTable {
  id: string;
  name_zh: string;
  name_en: string;
  definition_zh: string | null;
  definition_en: string | null;
  data_type: DataType;
  format: string | null;
  code_list_id: string | null;
  created_at: Created;
  updated_at: Updated;
}

export interface StandardTables {
  'exchange.standard': StandardTable;
  'exchange.standard_version': StandardVersionTable;
  'exchange.code_list': CodeListTable;
  'exchange.code_list_entry': CodeListEntryTable;
  'exchange.data_element': DataElementTable;
}
