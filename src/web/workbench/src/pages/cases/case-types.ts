/**
 * The JSON shapes of the cases API (办件) as the workbench reads them, written out from the contract
 * (src/modules/cases/case.ts and the cases schemas): the browser build cannot import server code.
 * Times arrive as ISO strings, days as YYYY-MM-DD.
 */

export const CASES_API = '/api/cases/v1';

export const CASE_STATUSES = [
  'submitted',
  'accepted',
  'supplement',
  'special',
  'decided',
  'completed',
  'delivered',
  'rejected',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const LIGHTS = ['green', 'yellow', 'red'] as const;
export type Light = (typeof LIGHTS)[number];

export const QUEUES = ['intake', 'handling', 'all'] as const;
export type Queue = (typeof QUEUES)[number];

export const APPLICANT_KINDS = ['citizen', 'enterprise'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];

export const SPECIAL_KINDS = ['hearing', 'inspection', 'expert_review'] as const;
export const DELIVERY_METHODS = ['collected', 'mail', 'electronic'] as const;
export const PAPER_FORMS = ['original', 'copy'] as const;

/** What a reader may do to a case now, as the server lists it in `allowedActions`. */
export const CASE_ACTIONS = [
  'accept',
  'reject',
  'advance',
  'decide',
  'supplement',
  'supplement_complete',
  'special',
  'special_end',
  'complete',
  'deliver',
  'withdraw',
  'rate',
  'receive_material',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export interface CaseSummary {
  id: string;
  number: string;
  itemCode: string;
  itemNameZh: string;
  departmentCode: string;
  centreCode: string | null;
  channel: 'window' | 'online';
  applicantName: string;
  status: CaseStatus;
  stage: number;
  stageNameZh: string | null;
  stageNameEn: string | null;
  dueOn: string | null;
  light: Light | null;
  submittedAt: string;
}

export interface Stage {
  key: string;
  nameZh: string;
  nameEn: string;
  unitCode: string;
  permission: 'cases.handle' | 'cases.decide';
}

export interface CaseStep {
  seq: number;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  stage: number | null;
  actor: { type: 'user' | 'public' | 'system'; id: string; name: string | null };
  actorPost: string | null;
  orgUnitCode: string | null;
  opinion: string | null;
  at: string;
}

export interface ReceivedMaterial {
  id: string;
  materialIndex: number | null;
  name: string;
  form: 'electronic' | 'original' | 'copy';
  copies: number;
  sha256: string | null;
  filename: string | null;
  mediaType: string | null;
  bytes: number | null;
  receivedAt: string;
}

export interface ChecklistLine {
  materialIndex: number;
  nameZh: string;
  nameEn: string;
  required: boolean;
  electronicAccepted: boolean;
  received: boolean;
}

export interface Pause {
  seq: number;
  kind: 'supplement' | 'hearing' | 'inspection' | 'expert_review';
  reason: string;
  startedOn: string;
  endedOn: string | null;
  workingDays: number | null;
}

export interface Rating {
  score: number;
  channel: 'window' | 'online';
  comment: string | null;
  ratedAt: string;
  followUpDueOn: string | null;
  followUpAnswer: string | null;
  answeredAt: string | null;
}

export interface CaseView {
  id: string;
  number: string;
  itemCode: string;
  itemVersion: number;
  itemNameZh: string;
  departmentCode: string;
  centreCode: string | null;
  channel: 'window' | 'online';
  applicant: { kind: ApplicantKind; name: string; idNumber: string; mobile: string | null };
  applicantWhole?: boolean;
  form: Record<string, unknown>;
  status: CaseStatus;
  stage: number;
  stages: Stage[];
  decision: 'granted' | 'refused' | null;
  submittedAt: string;
  acceptedAt: string | null;
  decidedAt: string | null;
  completedAt: string | null;
  closedAt: string | null;
  promisedLimitDays: number;
  statutoryLimitDays: number;
  acceptedOn: string | null;
  dueOn: string | null;
  statutoryDueOn: string | null;
  warnOn: string | null;
  /** Some deadline was counted Monday–Friday past the holiday calendar's last year. */
  deadlineProvisional: boolean;
  pausedDays: number;
  pausedSince: string | null;
  workingDaysUsed: number | null;
  onTime: boolean | null;
  resultNumber: string | null;
  version: number;
  light: Light | null;
  steps: CaseStep[];
  materials: ReceivedMaterial[];
  checklist: ChecklistLine[];
  pauses: Pause[];
  rating: Rating | null;
  allowedActions: string[];
}

/* The service catalogue (src/modules/services/item.schema.ts). */

export interface ItemSummary {
  code: string;
  version: number;
  nameZh: string;
  nameEn: string;
  type: string;
  departmentCode: string;
  promisedLimitDays: number;
}

export interface ItemMaterial {
  nameZh: string;
  nameEn: string;
  form: string;
  copies: number;
  electronicAccepted: boolean;
  required: boolean;
}

export interface ItemDetail extends ItemSummary {
  materials: ItemMaterial[];
  form: unknown;
}

/* Supervision, alerts, follow-ups and statistics (the supervision routes). */

export interface LightCounts {
  unitCode: string;
  green: number;
  yellow: number;
  red: number;
  paused: number;
  total: number;
}

export interface AlertView {
  id: number | string;
  caseId: string;
  number?: string;
  level: 'yellow' | 'red';
  departmentCode: string;
  centreCode: string | null;
  raisedOn: string;
  acknowledgedAt: string | null;
}

export interface FollowUpView {
  caseId: string;
  number: string;
  itemCode: string;
  itemNameZh: string;
  departmentCode: string;
  centreCode: string | null;
  score: number;
  channel: 'window' | 'online';
  comment: string | null;
  ratedAt: string;
  dueOn: string;
  answer: string | null;
  answeredAt: string | null;
  overdue: boolean;
}

export const STATISTICS_GROUPINGS = ['centre', 'department', 'item', 'month', 'day'] as const;
export type StatisticsGrouping = (typeof STATISTICS_GROUPINGS)[number];

export interface StatisticsCounts {
  submitted: number;
  accepted: number;
  rejected: number;
  completed: number;
  onTime: number;
  onTimeRate: number | null;
  avgWorkingDays: number | null;
  granted: number;
  refused: number;
  withdrawn: number;
  ratings: number;
  avgRating: number | null;
  poorRatings: number;
}

export interface StatisticsRow extends StatisticsCounts {
  /** Centre code ('' for online), department code, item code, YYYY-MM or YYYY-MM-DD. */
  key: string;
  labelZh?: string;
  labelEn?: string;
}

export interface Statistics {
  rows: StatisticsRow[];
  totals: StatisticsCounts;
}

export interface Paged<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * The API address of one case, or of something under it.
 * @example casePath('0b5e…', 'accept') // '/api/cases/v1/cases/0b5e…/accept'
 */
export function caseApiPath(id: string, ...rest: string[]): string {
  return [`${CASES_API}/cases/${encodeURIComponent(id)}`, ...rest].join('/');
}
