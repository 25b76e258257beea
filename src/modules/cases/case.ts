/**
 * One-window case handling (办件)'s domain types: a case from application to 送达, its steps, the
 * materials received, the pauses that stop its clock, its deadline light and the applicant's rating.
 * Tables: migrations/0016-cases.sql.
 */
import type { Policy } from '../../platform/authorization.js';
import type { BlobStore } from '../../platform/blobs/blob-store.js';
import type { WorkingDayCalendar } from '../../platform/calendar/working-days.js';

/** Take in applications at a centre: receive, 受理 / 不予受理, record materials, hand over results. */
export const CASES_INTAKE = 'cases.intake';
/** Handle a department's cases: review stages, 补正, special procedures, 办结, answer poor ratings. */
export const CASES_HANDLE = 'cases.handle';
/** Decide a department's cases: 准予 / 不予. */
export const CASES_DECIDE = 'cases.decide';
/** See the lights, alerts and statistics of the cases in scope. */
export const CASES_SUPERVISE = 'cases.supervise';
/** Configure how a service's cases travel (its route of stages). */
export const CASES_ROUTE_MANAGE = 'cases.route.manage';

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
/**
 * submitted (taken in at a window or applied for online, awaiting 受理 or 不予受理)
 * → accepted (travelling through its stages) ⇄ supplement (补正) / special (hearing, inspection, expert
 * review): the clock stops → decided (准予 or 不予) → completed (办结) → delivered (送达 or collected).
 * Or rejected (不予受理, with reason) or withdrawn by the applicant before a decision.
 */
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the deadline clock runs. */
export const CLOCK_RUNNING: readonly CaseStatus[] = ['accepted', 'decided'];
/** Statuses that end a case. */
export const CLOSED: readonly CaseStatus[] = ['delivered', 'rejected', 'withdrawn'];

export type Channel = 'window' | 'online';
export type ApplicantKind = 'citizen' | 'enterprise';
export type Decision = 'granted' | 'refused';
export type PauseKind = 'supplement' | 'hearing' | 'inspection' | 'expert_review';
export const SPECIAL_PROCEDURES: readonly PauseKind[] = ['hearing', 'inspection', 'expert_review'];
export type MaterialForm = 'electronic' | 'original' | 'copy';
/** green: within limit; yellow: within `warnDays` working days of it; red: past it. */
export type Light = 'green' | 'yellow' | 'red';

/** One stage of a service's route. The last one is the decision. */
export interface Stage {
  key: string;
  nameZh: string;
  nameEn: string;
  /** The unit whose people act at this stage (a department code). */
  unitCode: string;
  /** `cases.handle` for a review, `cases.decide` for the decision. */
  permission: typeof CASES_HANDLE | typeof CASES_DECIDE;
}

export interface Applicant {
  kind: ApplicantKind;
  name: string;
  /** 18-character resident identity number (citizen) or unified social credit code (enterprise). */
  idNumber: string;
  mobile: string | null;
}

export interface CaseStep {
  seq: number;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  stage: number | null;
  actor: { type: 'user' | 'public' | 'system'; id: string; name: string | null };
  /** The post the actor acted in: title and unit, e.g. 综合窗口受理员 (C01). */
  actorPost: string | null;
  orgUnitCode: string | null;
  opinion: string | null;
  at: Date;
}

export interface ReceivedMaterial {
  id: string;
  /** Index into the item version's materials; null for an extra document. */
  materialIndex: number | null;
  name: string;
  form: MaterialForm;
  copies: number;
  sha256: string | null;
  filename: string | null;
  mediaType: string | null;
  bytes: number | null;
  receivedAt: Date;
}

/** One line of the checklist: what the item asks for, and what was received against it. */
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
  kind: PauseKind;
  reason: string;
  startedOn: string;
  endedOn: string | null;
  workingDays: number | null;
}

export interface Rating {
  score: number;
  channel: Channel;
  comment: string | null;
  ratedAt: Date;
  followUpDueOn: string | null;
  followUpAnswer: string | null;
  answeredAt: Date | null;
}

export interface Case {
  id: string;
  number: string;
  itemCode: string;
  itemVersion: number;
  itemNameZh: string;
  departmentCode: string;
  centreCode: string | null;
  channel: Channel;
  applicant: Applicant;
  publicAccountId: string | null;
  form: Record<string, unknown>;
  status: CaseStatus;
  stage: number;
  stages: Stage[];
  decision: Decision | null;
  submittedAt: Date;
  acceptedAt: Date | null;
  decidedAt: Date | null;
  completedAt: Date | null;
  closedAt: Date | null;
  promisedLimitDays: number;
  statutoryLimitDays: number;
  acceptedOn: string | null;
  dueOn: string | null;
  statutoryDueOn: string | null;
  warnOn: string | null;
  /**
   * Some day of the deadlines was counted Monday–Friday past the calendar's last year (deadline.ts):
   * recomputed once the calendar has the year.
   */
  deadlineProvisional: boolean;
  pausedDays: number;
  pausedSince: string | null;
  workingDaysUsed: number | null;
  onTime: boolean | null;
  resultNumber: string | null;
  /** Optimistic concurrency: bumped by every change. */
  version: number;
}

/** Who looks at or acts on a case: a member of staff, or the public account that applied. */
export type Viewer = { kind: 'staff'; personId: string } | { kind: 'public'; accountId: string };

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

/** A case as one reader sees it: everything about it, and what this reader may do now. */
export interface CaseDetail extends Case {
  light: Light | null;
  steps: CaseStep[];
  materials: ReceivedMaterial[];
  checklist: ChecklistLine[];
  pauses: Pause[];
  rating: Rating | null;
  allowedActions: CaseAction[];
  /** Whether this reader needs the applicant whole (handles the case, or is the applicant); else masked. */
  applicantWhole: boolean;
}

/** One line of a queue or a supervisor's list. */
export interface CaseSummary {
  id: string;
  number: string;
  itemCode: string;
  itemNameZh: string;
  departmentCode: string;
  centreCode: string | null;
  channel: Channel;
  /** Masked (张*三): lists never need the whole name. */
  applicantName: string;
  status: CaseStatus;
  stage: number;
  stageNameZh: string | null;
  stageNameEn: string | null;
  dueOn: string | null;
  /** Some deadline was counted Monday–Friday past the calendar's last year (Case.deadlineProvisional). */
  deadlineProvisional: boolean;
  light: Light | null;
  submittedAt: Date;
}

export interface CasePage {
  items: CaseSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** What anyone with the number and the last six characters of the applicant's id number may see. */
export interface TrackView {
  number: string;
  itemNameZh: string;
  /** The item version's English name. */
  itemNameEn: string | null;
  status: CaseStatus;
  decision: Decision | null;
  submittedAt: Date;
  acceptedAt: Date | null;
  completedAt: Date | null;
  dueOn: string | null;
  /** `dueOn` itself lies past the calendar's last year and was counted Monday–Friday. */
  deadlineProvisional: boolean;
  light: Light | null;
  /** No staff names and no opinions, but the reason of a 不予受理 or a 不予 decision. */
  steps: Array<{
    action: string;
    toStatus: CaseStatus;
    at: Date;
    stageNameZh: string | null;
    stageNameEn: string | null;
    reason: string | null;
  }>;
  canRate: boolean;
}

/**
 * The light of a case on `today`: red past its due day, yellow from its warning day, else green; null
 * when its clock is not running (not yet accepted, paused, completed or closed).
 * @example lightOf({ status: 'accepted', dueOn: '2024-02-19', warnOn: '2024-02-09' }, '2024-02-18') // 'yellow'
 */
export function lightOf(c: Pick<Case, 'status' | 'dueOn' | 'warnOn'>, today: string): Light | null {
  if (!CLOCK_RUNNING.includes(c.status) || c.dueOn === null) return null;
  if (today > c.dueOn) return 'red';
  if (c.warnOn !== null && today >= c.warnOn) return 'yellow';
  return 'green';
}

/** What the lifecycle functions are handed: the policy, the calendar, the blob store and a clock. */
export interface CaseDeps {
  policy: Policy;
  calendar: WorkingDayCalendar;
  blobs: BlobStore;
  /** Now; "today" is its civil date in China. Injected so tests can run cases across holidays. */
  clock: () => Date;
  /** The light turns yellow this many working days before the due day (HUITONG_CASES_WARN_DAYS). */
  warnDays: number;
}

export const CASE_QUEUES = ['intake', 'handling', 'all'] as const;
/**
 * intake: the centres where the actor has `cases.intake` (and online cases for the district centre's
 * clerks); handling: the departments where the actor has `cases.handle` or `cases.decide`, or whose
 * current stage is at such a unit; all: those and the cases in the actor's `cases.supervise` scope.
 */
export type CaseQueue = (typeof CASE_QUEUES)[number];

export interface CaseQuery {
  queue?: CaseQueue | undefined;
  centre?: string | undefined;
  department?: string | undefined;
  status?: CaseStatus | undefined;
  light?: Light | undefined;
  /** The whole case number, or its beginning. */
  number?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export const DEFAULT_CASE_PAGE_LIMIT = 20;
export const MAX_CASE_PAGE_LIMIT = 100;

/** One notice to an applicant of a change of their case. */
export interface Notification {
  id: number;
  caseId: string;
  caseNumber: string;
  itemNameZh: string;
  /** The action that changed the case (`accept`, `supplement`, `complete` …). */
  kind: string;
  /** The status the case reached. */
  status: CaseStatus;
  createdAt: Date;
  readAt: Date | null;
}

export const TALLY_COUNTS = [
  'submitted',
  'accepted',
  'rejected',
  'completed',
  'completed_on_time',
  'working_days_sum',
  'granted',
  'refused',
  'withdrawn',
  'ratings',
  'rating_sum',
  'poor_ratings',
] as const;
/** The counters of `cases.daily_tally`. */
export type TallyCount = (typeof TALLY_COUNTS)[number];

export interface TallyKey {
  /** The day of the event, `YYYY-MM-DD`. */
  day: string;
  /** '' for online applications. */
  centreCode: string;
  departmentCode: string;
  itemCode: string;
}

/** A case as the 办件信息 standard (`case-record`, src/modules/exchange/demo-standards.ts) carries it. */
export interface CaseRecord {
  caseNumber: string;
  serviceItemCode: string;
  serviceItemName: string;
  applicant: { kind: ApplicantKind; name: string; identifier: string; mobile?: string };
  /** ISO 8601: when it was accepted (受理), or received when it never was. */
  acceptedAt: string;
  completedAt?: string;
  status: 'accepted' | 'in_progress' | 'completed' | 'rejected' | 'withdrawn';
  /** The centre that took it in, or the handling department for an online application. */
  acceptingUnit: string;
}

/** The domain event a completed case (办结) raises, in the transaction that completes it. */
export const CASE_COMPLETED_EVENT = 'cases.case.completed';
/** Its payload: no personal data (subscribers read the case record when they need it). */
export interface CaseCompletedEvent {
  caseId: string;
  number: string;
  itemCode: string;
  departmentCode: string;
  centreCode: string | null;
}
