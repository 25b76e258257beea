/**
 * 电子监察 alerts: once a day (or as often as the worker runs the sweep) every running case whose
 * light turned yellow or red gets an alert of that level, once per case and level, for its handling
 * department and the supervisors above it. A case found already overdue gets only its red alert.
 * Handlers (cases.handle at the department) and supervisors (cases.supervise over the department or
 * the centre) list them and acknowledge them (签收).
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import { type Actor, type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import {
  type AlertLevel,
  type AlertRow,
  countAlertsDue,
  markAcknowledged,
  raiseAlerts,
  selectAlert,
  selectAlertPage,
} from './alert.repository.js';
import { CASES_HANDLE, CASES_SUPERVISE } from './case.js';
import { chinaDateOf } from './deadline.js';
import { pageOf } from './supervision-query.js';
import { unitCutOf } from './supervision-scope.js';
import './cases.messages.js';
import './supervision.messages.js';

export type { AlertLevel, AlertRow } from './alert.repository.js';

export const ALERT_LEVELS: readonly AlertLevel[] = ['yellow', 'red'];
/** Alerts raised per transaction: short transactions, and a progress bar that moves. */
export const SWEEP_BATCH = 500;

export interface SweepDeps {
  clock: () => Date;
  batchSize?: number;
  /** Called after each batch with the alerts raised so far and those due at the start. */
  onProgress?: (raised: number, due: number) => void;
}

export interface SweepReport {
  today: string;
  yellow: number;
  red: number;
}

/**
 * Raises the alerts due today, red first, in batches of their own transactions. Idempotent: a
 * second run the same day, or a second worker at the same time, raises nothing twice.
 * @example const { yellow, red } = await sweepDeadlines(database.kysely, { clock: () => new Date() });
 */
export async function sweepDeadlines(executor: Executor, deps: SweepDeps): Promise<SweepReport> {
  const today = chinaDateOf(deps.clock());
  const batchSize = deps.batchSize ?? SWEEP_BATCH;
  const report: SweepReport = { today, yellow: 0, red: 0 };
  const levels: AlertLevel[] = ['red', 'yellow'];
  let due = 0;
  for (const level of levels) due += await countAlertsDue(executor, level, today);
  deps.onProgress?.(0, due);
  for (const level of levels) {
    for (;;) {
      const raised = await inTransaction(executor, async (tx) => {
        const count = await raiseAlerts(tx, level, today, batchSize);
        if (count > 0) {
          await recordAudit(tx, {
            actor: SYSTEM_ACTOR,
            action: 'cases.alert.raise',
            target: { type: 'cases_alert', id: `${today}.${level}` },
            outcome: 'success',
            details: { level, raised: count, raisedOn: today },
          });
        }
        return count;
      });
      report[level] += raised;
      deps.onProgress?.(report.red + report.yellow, due);
      // Fewer than a batch: none left, or another sweeper took the rest.
      if (raised < batchSize) break;
    }
  }
  return report;
}

export interface AlertPage {
  items: AlertRow[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * The alerts the actor may see: its department's (cases.handle) and those in its supervision scope.
 * @throws ValidationError `cases.query_invalid`; ForbiddenError `access.denied`
 * @example const { items } = await listAlerts(db, actor, { level: 'red', state: 'open' }, { policy });
 */
export async function listAlerts(
  executor: Executor,
  actor: Actor,
  query: {
    level?: string | undefined;
    state?: string | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
  },
  deps: { policy: Policy },
): Promise<AlertPage> {
  const errors: FieldError[] = [];
  if (query.level !== undefined && !ALERT_LEVELS.includes(query.level as AlertLevel)) {
    errors.push({ pointer: '/level', reason: 'one_of' });
  }
  const state = query.state ?? 'open';
  if (state !== 'open' && state !== 'acknowledged') errors.push({ pointer: '/state', reason: 'one_of' });
  const page = pageOf(query, errors);
  if (errors.length > 0) throw new ValidationError('cases.query_invalid', errors, { count: errors.length });
  const cut = await unitCutOf(executor, actor, [CASES_SUPERVISE, CASES_HANDLE], deps.policy);
  const level = query.level as AlertLevel | undefined;
  const { items, total } = await selectAlertPage(
    executor,
    { level, acknowledged: state === 'acknowledged', cut },
    page,
  );
  return { items, total, ...page };
}

/**
 * Acknowledges (签收) an alert: cases.handle at its department, or cases.supervise over its
 * department or centre.
 * @throws NotFoundError `cases.alert_not_found`; ForbiddenError `access.denied`; ConflictError `cases.alert_acknowledged`
 * @example await acknowledgeAlert(db, actor, 42, { policy, clock });
 */
export async function acknowledgeAlert(
  executor: Executor,
  actor: Actor,
  alertId: number,
  deps: { policy: Policy; clock: () => Date },
): Promise<AlertRow> {
  return inTransaction(executor, async (tx) => {
    const alert = Number.isSafeInteger(alertId) && alertId > 0 ? await selectAlert(tx, alertId, true) : undefined;
    if (!alert) throw new NotFoundError('cases.alert_not_found', { alertId });
    const asked = [
      [CASES_HANDLE, alert.departmentCode],
      [CASES_SUPERVISE, alert.departmentCode],
      ...(alert.centreCode ? [[CASES_SUPERVISE, alert.centreCode]] : []),
    ] as const;
    let allowed = false;
    for (const [permission, unit] of asked) {
      if ((await deps.policy.authorize(tx, actor, permission, unit)).allowed) {
        allowed = true;
        break;
      }
    }
    if (!allowed) await deps.policy.assertAllowed(tx, actor, CASES_HANDLE, alert.departmentCode);
    if (alert.acknowledgedAt) {
      throw new ConflictError('cases.alert_acknowledged', {
        alertId,
        acknowledgedAt: alert.acknowledgedAt.toISOString(),
      });
    }
    const at = deps.clock();
    await markAcknowledged(tx, alertId, actor.id, at);
    await recordAudit(tx, {
      actor,
      action: 'cases.alert.acknowledge',
      target: { type: 'cases_alert', id: String(alertId) },
      outcome: 'success',
      details: { caseId: alert.caseId, number: alert.number, level: alert.level },
    });
    return (await selectAlert(tx, alertId))!;
  });
}
