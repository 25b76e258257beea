/** The directory's own tables (schema `directory`), as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { OrgUnitKind, OrgUnitStatus } from './org-unit.js';
import type { Actor, PersonChange, PersonStatus } from './person.js';

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

export interface PersonTable {
  id: Generated<string>;
  staff_no: string;
  name: string;
  mobile: string | null;
  email: string | null;
  status: PersonStatus;
  status_from: ColumnType<string, string, string>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PostTable {
  id: Generated<string>;
  person_id: string;
  org_unit_id: string;
  title: string;
  is_primary: boolean;
  valid_from: ColumnType<string, string, string>;
  valid_to: ColumnType<string | null, string | null, string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PersonHistoryTable {
  id: Generated<number>;
  person_id: string;
  at: ColumnType<Date, never, never>;
  change: PersonChange;
  // Written as JSON text (a jsonb array), read back as a value.
  changes: ColumnType<FieldChange[], string, never>;
  // 'machine' is allowed by the provisioning migration (0008), which widens the check.
  actor_type: Actor['type'];
  actor_id: string;
}

/** One field of a history row: its name and its masked values before and after. */
export interface FieldChange {
  field: string;
  from: string | boolean | null;
  to: string | boolean | null;
}

export interface DirectoryTables {
  'directory.org_unit': OrgUnitTable;
  'directory.person': PersonTable;
  'directory.post': PostTable;
  'directory.person_history': PersonHistoryTable;
}
