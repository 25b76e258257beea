/**
 * The transitions of a case after intake: 受理 / 不予受理, review stages, the decision, 补正 and special
 * procedures (which stop the clock), 办结, 送达 and withdrawal. Each one, in one transaction with the
 * case row locked: the permission (403, recorded by the policy), the version the caller saw (409),
 * the status (409), the body (422), then the change, its step, audit entry, notification and tally
 * — and for 办结 the `cases.case.completed` event. A refused transition changes nothing; its refusal is
 * audited in a transaction of its own (when the caller did not hand in a transaction of theirs, which
 * would roll it back with everything else).
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { getItemVersion } from '../services/index.js';
import {
  CASE_COMPLETED_EVENT,
  type Case,
  type CaseAction,
  type CaseCompletedEvent,
  type CaseDeps,
  type CaseDetail,
  type CaseStatus,
  type Viewer,
} from './case.js';
import { type CaseChanges, closePause, insertPause, updateCase } from './case.repository.js';
import { detailOf, mustFindCase, readerOf } from './case.service.js';
import { ACTION_FROM, assertAllowedAny, grantsFor, ownerMay, type Reader, stageUnitOf } from './case-access.js';
import { BodyReader, readTransition, type TransitionInput } from './case-input.js';
import { type Acting, actingAs, actingPublic, type Change, recordChange } from './case-journal.js';
import { chinaDateOf, deadlinesOf, workingDaysBetween } from './deadline.js';
import { routeOf } from './route.service.js';
import './cases.messages.js';

/** The actions `act` takes; rating and materials have calls of their own. */
export type TransitionAction = Exclude<CaseAction, 'rate' | 'receive_material'>;

/** Refusals this module decides itself (the policy records its own). */
const OWN_REFUSALS = new Set([
  'cases.wrong_state',
  'cases.stage_not_last',
  'cases.stage_is_last',
  'cases.version_conflict',
  'cases.applicant_cannot',
]);

/**
 * Takes one step of a case. Bodies by action (all carry the `version` the caller saw):
 * accept `{opinion?}` · reject `{reason}` · advance `{opinion}` · decide `{decision, opinion}` (opinion
 * required when refused) · supplement `{reason, materialIndexes}` · supplement_complete `{opinion?}` ·
 * special `{kind, reason}` · special_end `{opinion}` · complete `{resultNumber?, opinion?}` ·
 * deliver `{method, opinion?}` · withdraw `{reason}`. The public account that applied may only withdraw.
 * @throws NotFoundError `cases.case_not_found`; ForbiddenError `access.denied` / `cases.applicant_cannot`;
 *   ConflictError `cases.version_conflict` / `cases.wrong_state` / `cases.stage_not_last` / `cases.stage_is_last`;
 *   ValidationError `cases.invalid`
 * @example const c = await act(db, { kind: 'staff', personId }, id, 'accept', { version: 1 }, deps);
 */
export async function act(
  executor: Executor,
  viewer: Viewer,
  id: string,
  action: TransitionAction,
  body: unknown,
  deps: CaseDeps,
): Promise<CaseDetail> {
  const reader = readerOf(viewer);
  try {
    await inTransaction(executor, (tx) => transition(tx, reader, id, action, body, deps));
  } catch (error) {
    if (error instanceof DomainError && OWN_REFUSALS.has(error.code) && !executor.isTransaction) {
      await executor.transaction().execute((tx) => auditRefusal(tx, reader, id, action, error));
    }
    throw error;
  }
  return detailOf(executor, reader, await mustFindCase(executor, id), deps);
}

async function transition(
  tx: Executor,
  reader: Reader,
  id: string,
  action: TransitionAction,
  body: unknown,
  deps: CaseDeps,
): Promise<void> {
  const c = await mustFindCase(tx, id, true);
  // The unit the actor acts at, by the grant that allows them: a step names it.
  let actingUnit: string | null = null;
  if (reader.kind === 'public') {
    if (c.publicAccountId !== reader.accountId) throw new NotFoundError('cases.case_not_found', { id });
    if (action !== 'withdraw') throw new ForbiddenError('cases.applicant_cannot', { action });
  } else {
    actingUnit = (await assertAllowedAny(tx, deps.policy, reader.actor, await grantsFor(tx, c, action)))[1];
  }
  const version = new BodyReader(body).integer('version', 1, 2_147_483_647);
  if (version !== null && version !== c.version) {
    throw new ConflictError('cases.version_conflict', { expected: version, actual: c.version });
  }
  const allowedNow =
    reader.kind === 'public' ? ownerMay(c, reader.accountId, action, false) : ACTION_FROM[action].includes(c.status);
  if (!allowedNow) throw new ConflictError('cases.wrong_state', { number: c.number, status: c.status, action });
  const last = c.stages.length - 1;
  if (action === 'decide' && c.stage !== last) {
    throw new ConflictError('cases.stage_not_last', { number: c.number, stage: c.stage + 1, stages: c.stages.length });
  }
  if (action === 'advance' && c.stage >= last) throw new ConflictError('cases.stage_is_last', { number: c.number });
  const materialCount =
    action === 'supplement' ? (await getItemVersion(tx, null, c.itemCode, c.itemVersion, deps)).materials.length : 0;
  const input = readTransition(action, body, materialCount);

  const now = deps.clock();
  const today = chinaDateOf(now);
  const { changes, change } = await changesFor(tx, c, action, input, { now, today, actingUnit }, deps);
  const unitCode = change.unitCode;
  const acting: Acting =
    reader.kind === 'public' ? actingPublic(reader.accountId) : await actingAs(tx, reader.actor, unitCode);
  await updateCase(tx, c.id, changes, now);
  await recordChange(tx, c, acting, change);
  if (action === 'complete') {
    const payload: CaseCompletedEvent = {
      caseId: c.id,
      number: c.number,
      itemCode: c.itemCode,
      departmentCode: c.departmentCode,
      centreCode: c.centreCode,
    };
    await recordEvent(tx, { aggregateType: 'cases.case', aggregateId: c.id, type: CASE_COMPLETED_EVENT, payload });
  }
}

/** The row changes and the journal entry of one transition. */
async function changesFor(
  tx: Executor,
  c: Case,
  action: TransitionAction,
  input: TransitionInput,
  when: { now: Date; today: string; actingUnit: string | null },
  deps: CaseDeps,
): Promise<{ changes: CaseChanges; change: Change }> {
  const { now, today, actingUnit } = when;
  const change = (to: CaseStatus, extra: Partial<Change> = {}): Change => ({
    action,
    from: c.status,
    to,
    stage: c.stages.length > 0 ? c.stage : null,
    unitCode: stageUnitOf(c),
    opinion: input.opinion,
    details: {},
    at: now,
    day: today,
    tally: {},
    ...extra,
  });
  // An online case's window is the department or the district centre, whichever the actor acts for.
  const windowUnit = c.centreCode ?? actingUnit ?? c.departmentCode;
  switch (action) {
    case 'accept': {
      const stages = await routeOf(tx, c.itemCode, c.departmentCode);
      const deadlines = deadlinesOf(deps.calendar, { ...c, acceptedOn: today, pausedDays: 0 }, deps.warnDays);
      return {
        changes: {
          status: 'accepted',
          stage: 0,
          stages: JSON.stringify(stages),
          accepted_at: now,
          accepted_on: today,
          due_on: deadlines.dueOn,
          statutory_due_on: deadlines.statutoryDueOn,
          warn_on: deadlines.warnOn,
          deadline_provisional: deadlines.provisional,
        },
        change: change('accepted', {
          stage: null,
          unitCode: windowUnit,
          details: { dueOn: deadlines.dueOn, stages: stages.length },
          tally: { accepted: 1 },
        }),
      };
    }
    case 'reject':
      return {
        changes: { status: 'rejected', closed_at: now },
        change: change('rejected', { stage: null, unitCode: windowUnit, tally: { rejected: 1 } }),
      };
    case 'advance':
      return {
        changes: { stage: c.stage + 1 },
        change: change('accepted', { details: { toStage: c.stage + 1 } }),
      };
    case 'decide':
      return {
        changes: { status: 'decided', decision: input.decision, decided_at: now },
        change: change('decided', { details: { decision: input.decision } }),
      };
    case 'supplement':
    case 'special': {
      const kind = action === 'supplement' ? 'supplement' : input.pauseKind!;
      await insertPause(tx, { caseId: c.id, kind, reason: input.opinion!, startedOn: today });
      const details: Change['details'] =
        action === 'supplement' ? { materialIndexes: input.materialIndexes } : { kind };
      return {
        changes: { status: action, paused_since: today },
        change: change(action, { details }),
      };
    }
    case 'supplement_complete':
    case 'special_end': {
      const pausedNow = workingDaysBetween(deps.calendar, c.pausedSince ?? today, today);
      const pausedDays = c.pausedDays + pausedNow.days;
      const deadlines = deadlinesOf(deps.calendar, { ...c, acceptedOn: c.acceptedOn!, pausedDays }, deps.warnDays);
      await closePause(tx, c.id, today, pausedNow.days);
      return {
        changes: {
          status: 'accepted',
          paused_since: null,
          paused_days: pausedDays,
          due_on: deadlines.dueOn,
          statutory_due_on: deadlines.statutoryDueOn,
          warn_on: deadlines.warnOn,
          // An earlier pause may have been counted provisionally too: only the recount clears the flag.
          deadline_provisional: c.deadlineProvisional || pausedNow.provisional || deadlines.provisional,
        },
        change: change('accepted', { details: { pausedWorkingDays: pausedNow.days, dueOn: deadlines.dueOn } }),
      };
    }
    case 'complete': {
      // Past the calendar's years counted Monday–Friday, like the deadlines (deadline.ts).
      const used = workingDaysBetween(deps.calendar, c.acceptedOn!, today).days - c.pausedDays;
      const onTime = today <= c.dueOn!;
      return {
        changes: {
          status: 'completed',
          completed_at: now,
          working_days_used: used,
          on_time: onTime,
          result_number: input.resultNumber,
        },
        change: change('completed', {
          details: { workingDaysUsed: used, onTime, decision: c.decision },
          tally: {
            completed: 1,
            completed_on_time: onTime ? 1 : 0,
            working_days_sum: used,
            [c.decision === 'granted' ? 'granted' : 'refused']: 1,
          },
        }),
      };
    }
    case 'deliver':
      return {
        changes: { status: 'delivered', closed_at: now },
        change: change('delivered', { unitCode: windowUnit, details: { method: input.method } }),
      };
    case 'withdraw': {
      const pausedNow = c.pausedSince === null ? 0 : workingDaysBetween(deps.calendar, c.pausedSince, today).days;
      if (c.pausedSince !== null) await closePause(tx, c.id, today, pausedNow);
      return {
        changes: {
          status: 'withdrawn',
          closed_at: now,
          paused_since: null,
          paused_days: c.pausedDays + pausedNow,
        },
        change: change('withdrawn', { unitCode: windowUnit, tally: { withdrawn: 1 } }),
      };
    }
  }
}

async function auditRefusal(tx: Executor, reader: Reader, id: string, action: string, error: DomainError) {
  await recordAudit(tx, {
    actor:
      reader.kind === 'public'
        ? actingPublic(reader.accountId).audit
        : { type: reader.actor.type, id: reader.actor.id },
    action: `cases.case.${action}`,
    target: { type: 'case', id },
    outcome: error.kind === 'forbidden' ? 'denied' : 'failure',
    details: { reason: error.code, status: (error.params.status as string | undefined) ?? null },
  });
}
