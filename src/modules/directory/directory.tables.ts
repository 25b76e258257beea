/** The directory's own tables (schema `directory`), as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { OrgUnitKind, OrgUnitStatus } from './org-unit.js';

export interface OrgUnitTable {
  id: Generated<string>;
  code: string;
  parent_id: string | null;
  kind: OrgUnitKind;
  name_zh: string;
  name_en: string;
  short_name_zh: string | null;
  sort_order: number;
  status: OrgUnitStatus;
  // Read back as text (`to_char`), never as a JS Date, whose time zone would shift the day.
  valid_from: ColumnType<string, string, string>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface DirectoryTables {
  'directory.org_unit': OrgUnitTable;
}
