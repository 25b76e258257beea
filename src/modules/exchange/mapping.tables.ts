/**
 * The mappings table (migrations/0013) and the columns of the members' and standards' tables (0012,
 * 0011) that mappings read, as Kysely sees them.
 */
import type { ColumnType } from 'kysely';
import type { MappingDirection, MappingOptions } from './mapping.js';
import type { NativeFormat } from './native-format.js';

export interface MappingTable {
  member_id: string;
  standard_code: string;
  standard_version: number;
  direction: MappingDirection;
  format: NativeFormat;
  expression: string;
  options: ColumnType<MappingOptions, string, string>;
  revision: ColumnType<number, never, number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
  updated_by: string;
}

/** Read only here: the members part owns it. */
export interface MappingMemberRefTable {
  id: string;
  owner_org_unit_code: string;
}

/** Read only here: the standards part owns it. */
export interface MappingStandardVersionRefTable {
  standard_code: string;
  version: number;
}

export interface MappingTables {
  'exchange.mapping': MappingTable;
  'exchange.member': MappingMemberRefTable;
  'exchange.standard_version': MappingStandardVersionRefTable;
}
