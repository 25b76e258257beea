/**
 * The cases module's public face: one-window case handling (办件) from application to 送达 — window
 * intake and online application, 受理 and the stages after it, 补正 and special procedures that stop
 * the clock, the decision, 办结 and delivery, materials, tracking, notifications, routes of stages,
 * the daily tally and the case record the exchange publishes. Other code imports the module from here only.
 */

// supervision, ratings, statistics (supervision helper)
export {
  ALERT_LEVELS,
  type AlertLevel,
  type AlertPage,
  type AlertRow,
  acknowledgeAlert,
  listAlerts,
  type SweepReport,
  sweepDeadlines,
} from './alert.service.js';
export { type DeadlineSweeperOptions, startDeadlineSweeper } from './alert-sweeper.js';
export {
  type Applicant,
  type ApplicantKind,
  CASE_ACTIONS,
  CASE_COMPLETED_EVENT,
  CASE_QUEUES,
  CASE_STATUSES,
  CASES_DECIDE,
  CASES_HANDLE,
  CASES_INTAKE,
  CASES_ROUTE_MANAGE,
  CASES_SUPERVISE,
  type Case,
  type CaseAction,
  type CaseCompletedEvent,
  type CaseDeps,
  type CaseDetail,
  type CasePage,
  type CaseQuery,
  type CaseQueue,
  type CaseRecord,
  type CaseStatus,
  type CaseStep,
  type CaseSummary,
  type Channel,
  type ChecklistLine,
  CLOCK_RUNNING,
  CLOSED,
  DEFAULT_CASE_PAGE_LIMIT,
  type Decision,
  type Light,
  lightOf,
  MAX_CASE_PAGE_LIMIT,
  type MaterialForm,
  type Notification,
  type Pause,
  type PauseKind,
  type Rating,
  type ReceivedMaterial,
  SPECIAL_PROCEDURES,
  type Stage,
  TALLY_COUNTS,
  type TallyCount,
  type TallyKey,
  type TrackView,
  type Viewer,
} from './case.js';
export {
  applyOnline,
  caseRecordOf,
  getCase,
  listCases,
  listOwnCases,
  takeIn,
  trackCase,
} from './case.service.js';
// HTTP routes and integration (API helper)
export { type CaseRoutesDeps, caseRoutes } from './case-api.routes.js';
export {
  CASE_RECORD_STANDARD,
  CASE_RECORD_SUBSCRIBER,
  type CaseSubscriptionDeps,
  subscribeCases,
} from './case-completed.subscriber.js';
export { DELIVERY_METHODS, type DeliveryMethod } from './case-input.js';
export { ONLINE_PREFIX } from './case-number.js';
export { act, type TransitionAction } from './case-transition.service.js';
export { casesGenerateCommand } from './cases-generate.command.js';
export { chinaDateOf, deadlinesOf, workingDaysBefore } from './deadline.js';
export {
  answerFollowUp,
  type FollowUpPage,
  type FollowUpRow,
  type FollowUpState,
  listFollowUps,
} from './follow-up.service.js';
export { type ElectronicUpload, openMaterial, receiveElectronic, receivePaper } from './material.service.js';
export { listNotifications, markNotificationsRead } from './notification.service.js';
export {
  type RecomputeDeps,
  type RecomputeReport,
  recomputeProvisionalDeadlines,
} from './provisional-deadlines.service.js';
export { POOR_RATING_MAX, RATING_SCORES, type RatingDeps, rateCase, rateTrackedCase } from './rating.service.js';
export { defaultRoute, getRoute, setRoute } from './route.service.js';
export {
  caseStatistics,
  STATISTICS_BY,
  type Statistics,
  type StatisticsBy,
  type StatisticsFigures,
  type StatisticsQuery,
  type StatisticsRow,
} from './statistics.service.js';
export { EXPORT_FORMATS, type ExportFormat, exportStatistics } from './statistics-export.js';
export { casesCommand, type DeadlineSettings } from './supervision.command.js';
export { type CaseSupervisionRoutesDeps, caseSupervisionRoutes } from './supervision.routes.js';
export { type LightCounts, listWarnedCases, type OverviewBy, supervisionOverview } from './supervision.service.js';
export { addToTally } from './tally.repository.js';
export { TRACK_LIMIT, trackThrottle } from './track-throttle.js';
