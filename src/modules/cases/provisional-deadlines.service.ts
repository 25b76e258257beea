/**
 * Provisional deadlines made real. A case accepted late in the year may have deadlines past the
 * calendar's last year, counted Monday–Friday for now (deadline.ts). Once an operator adds that year's
 * holiday schedule (docs/calendar.md), this recounts them on the new calendar: the pauses ended since
 * acceptance, then the due days, which may move. Each case that changes gets a `deadline_recomputed`
 * step naming its old and new due days, so its history explains the move; each batch one audit entry
 * with the count. Run by `huitong cases recompute-deadlines` and by the worker's sweeper before it sweeps.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import type { CaseStatus } from './case.js';
import { insertStep, updateCase } from './case.repository.js';
import { chinaDateOf, deadlinesOf, workingDaysBetween } from './deadline.js';
import {
  type ClosedPauseRow,
  countProvisionalCases,
  type ProvisionalCaseRow,
  selectClosedPauses,
  selectProvisionalCases,
  updatePauseWorkingDays,
} from './provisional-deadlines.repository.js';

/**
 * Cases whose deadlines still matter. A completed case keeps the due day it was judged on time
 * against (its tally counted it so), and a closed one needs none.
 */
export const DEADLINES_OPEN: readonly CaseStatus[] = ['accepted', 'supplement', 'special', 'decided'];
/** Cases per transaction: short transactions, and a progress bar that moves. */
export const RECOMPUTE_BATCH = 500;
export const DEADLINE_RECOMPUTED = 'deadline_recomputed';

export interface RecomputeDeps {
  calendar: WorkingDayCalendar;
  /** The light turns yellow this many working days before the due day (HUITONG_CASES_WARN_DAYS). */
  warnDays: number;
  clock: () => Date;
  batchSize?: number;
  /** Called after each batch with the cases looked at so far and those provisional at the start. */
  onProgress?: (checked: number, provisional: number) => void;
}

export interface RecomputeReport {
  /** Running cases with provisional deadlines at the start. */
  provisional: number;
  /** Of them, those whose deadlines or flag changed. */
  recomputed: number;
  /** Those still provisional afterwards (the calendar lacks a year they need). */
  stillProvisional: number;
}

/**
 * Recounts the provisional deadlines of every running case on `deps.calendar`, clearing the flag of
 * those it now covers. Idempotent: with the same calendar a second run changes nothing; two runs at
 * once skip each other's locked cases.
 * @example const { recomputed } = await recomputeProvisionalDeadlines(database.kysely, { calendar, warnDays: 2, clock: () => new Date() });
 */
export async function recomputeProvisionalDeadlines(executor: Executor, deps: RecomputeDeps): Promise<RecomputeReport> {
  const batchSize = deps.batchSize ?? RECOMPUTE_BATCH;
  const report: RecomputeReport = {
    provisional: await countProvisionalCases(executor, DEADLINES_OPEN),
    recomputed: 0,
    stillProvisional: 0,
  };
  deps.onProgress?.(0, report.provisional);
  if (report.provisional === 0) return report;
  let checked = 0;
  let after: string | null = null;
  for (;;) {
    const batch = await inTransaction(executor, async (tx) => {
      const cases = await selectProvisionalCases(tx, DEADLINES_OPEN, after, batchSize);
      const pauses = await selectClosedPauses(
        tx,
        cases.map((c) => c.id),
      );
      const now = deps.clock();
      let changed = 0;
      let still = 0;
      for (const c of cases) {
        const outcome = await recount(
          tx,
          c,
          pauses.filter((pause) => pause.caseId === c.id),
          now,
          deps,
        );
        if (outcome.changed) changed += 1;
        if (outcome.provisional) still += 1;
      }
      if (changed > 0) {
        const today = chinaDateOf(now);
        await recordAudit(tx, {
          actor: SYSTEM_ACTOR,
          action: 'cases.case.deadline_recompute',
          target: { type: 'cases_deadlines', id: today },
          outcome: 'success',
          details: { recomputed: changed, calendarTo: deps.calendar.coveredYears.to },
        });
      }
      return { size: cases.length, last: cases.at(-1)?.id ?? null, changed, still };
    });
    checked += batch.size;
    report.recomputed += batch.changed;
    report.stillProvisional += batch.still;
    deps.onProgress?.(checked, report.provisional);
    if (batch.size < batchSize || batch.last === null) break;
    after = batch.last;
  }
  return report;
}

/** Recounts one case's ended pauses and deadlines; writes them and a step when anything moved. */
async function recount(
  tx: Executor,
  c: ProvisionalCaseRow,
  pauses: ClosedPauseRow[],
  now: Date,
  deps: RecomputeDeps,
): Promise<{ changed: boolean; provisional: boolean }> {
  let pausedDays = c.pausedDays;
  let pausesProvisional = false;
  const recounted: Array<{ seq: number; workingDays: number }> = [];
  for (const pause of pauses) {
    const counted = workingDaysBetween(deps.calendar, pause.startedOn, pause.endedOn);
    pausesProvisional ||= counted.provisional;
    if (counted.days !== pause.workingDays) {
      // By the difference: paused_days is the sum of the ended pauses, whatever else it was built from.
      pausedDays += counted.days - pause.workingDays;
      recounted.push({ seq: pause.seq, workingDays: counted.days });
    }
  }
  const deadlines = deadlinesOf(deps.calendar, { ...c, pausedDays }, deps.warnDays);
  const provisional = deadlines.provisional || pausesProvisional;
  const moved =
    deadlines.dueOn !== c.dueOn || deadlines.statutoryDueOn !== c.statutoryDueOn || deadlines.warnOn !== c.warnOn;
  if (!moved && provisional && recounted.length === 0) return { changed: false, provisional };
  for (const pause of recounted) await updatePauseWorkingDays(tx, c.id, pause.seq, pause.workingDays);
  await updateCase(
    tx,
    c.id,
    {
      due_on: deadlines.dueOn,
      statutory_due_on: deadlines.statutoryDueOn,
      warn_on: deadlines.warnOn,
      paused_days: pausedDays,
      deadline_provisional: provisional,
    },
    now,
  );
  await insertStep(tx, {
    caseId: c.id,
    action: DEADLINE_RECOMPUTED,
    fromStatus: c.status,
    toStatus: c.status,
    stage: c.stage,
    actorType: 'system',
    actorId: `${SYSTEM_ACTOR.type}:${SYSTEM_ACTOR.id}`,
    actorName: null,
    actorPost: null,
    orgUnitCode: null,
    opinion: null,
    details: {
      previousDueOn: c.dueOn,
      dueOn: deadlines.dueOn,
      previousStatutoryDueOn: c.statutoryDueOn,
      statutoryDueOn: deadlines.statutoryDueOn,
      pausedDays,
      provisional,
      calendarTo: deps.calendar.coveredYears.to,
    },
    at: now,
  });
  return { changed: true, provisional };
}
