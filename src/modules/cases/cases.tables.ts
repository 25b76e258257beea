/** The cases module's tables (schema `cases`, migration 0016), as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { ApplicantKind, CaseStatus, Channel, Decision, MaterialForm, PauseKind, Stage } from './case.js';

type Created = ColumnType<Date, Date | undefined, never>;
type Updated = ColumnType<Date, Date | undefined, Date>;
/** A civil date: read back as `YYYY-MM-DD` text (see the casts in case.repository.ts), written as text. */
type CivilDate = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

export interface RouteTable {
  item_code: string;
  stages: Json<Stage[]>;
  updated_by: string;
  updated_at: Updated;
}

export interface NumberSequenceTable {
  prefix: string;
  day: CivilDate;
  last: number;
}

export interface CaseTable {
  id: string;
  number: string;
  item_code: string;
  item_version: number;
  item_name_zh: string;
  item_type: string;
  department_code: string;
  centre_code: string | null;
  channel: Channel;
  applicant_kind: ApplicantKind;
  applicant_name: string;
  applicant_id: string;
  id_tail: string;
  applicant_mobile: string | null;
  public_account_id: string | null;
  form: Json<Record<string, unknown>>;
  status: CaseStatus;
  stage: Generated<number>;
  stages: Json<Stage[]>;
  decision: Decision | null;
  submitted_at: Date;
  accepted_at: Date | null;
  decided_at: Date | null;
  completed_at: Date | null;
  closed_at: Date | null;
  promised_limit_days: number;
  statutory_limit_days: number;
  accepted_on: CivilDate | null;
  due_on: CivilDate | null;
  statutory_due_on: CivilDate | null;
  warn_on: CivilDate | null;
  deadline_provisional: Generated<boolean>;
  paused_days: Generated<number>;
  paused_since: CivilDate | null;
  working_days_used: number | null;
  on_time: boolean | null;
  result_number: string | null;
  version: Generated<number>;
  created_at: Created;
  updated_at: Updated;
}

export interface StepTable {
  case_id: string;
  seq: number;
  action: string;
  from_status: CaseStatus | null;
  to_status: CaseStatus;
  stage: number | null;
  actor_type: 'user' | 'public' | 'system';
  actor_id: string;
  actor_name: string | null;
  actor_post: string | null;
  org_unit_code: string | null;
  opinion: string | null;
  details: Json<Record<string, unknown>>;
  at: Date;
}

export interface MaterialTable {
  id: string;
  case_id: string;
  material_index: number | null;
  name: string;
  form: MaterialForm;
  copies: number;
  sha256: string | null;
  filename: string | null;
  media_type: string | null;
  bytes: number | null;
  received_at: Date;
  received_by: string;
}

export interface PauseTable {
  case_id: string;
  seq: number;
  kind: PauseKind;
  reason: string;
  started_on: CivilDate;
  ended_on: CivilDate | null;
  working_days: number | null;
}

export interface RatingTable {
  case_id: string;
  score: number;
  channel: Channel;
  comment: string | null;
  rated_at: Created;
  follow_up_due_on: CivilDate | null;
  follow_up_answer: string | null;
  answered_at: Date | null;
  answered_by: string | null;
}

export interface NotificationTable {
  id: Generated<number>;
  case_id: string;
  public_account_id: string | null;
  kind: string;
  created_at: Date;
  read_at: Date | null;
}

export interface DailyTallyTable {
  day: CivilDate;
  centre_code: string;
  department_code: string;
  item_code: string;
  submitted: Generated<number>;
  accepted: Generated<number>;
  rejected: Generated<number>;
  completed: Generated<number>;
  completed_on_time: Generated<number>;
  working_days_sum: Generated<number>;
  granted: Generated<number>;
  refused: Generated<number>;
  withdrawn: Generated<number>;
  ratings: Generated<number>;
  rating_sum: Generated<number>;
  poor_ratings: Generated<number>;
}

export interface CasesTables {
  'cases.route': RouteTable;
  'cases.number_sequence': NumberSequenceTable;
  'cases.case': CaseTable;
  'cases.step': StepTable;
  'cases.material': MaterialTable;
  'cases.pause': PauseTable;
  'cases.rating': RatingTable;
  'cases.notification': NotificationTable;
  'cases.daily_tally': DailyTallyTable;
}
