/**
 * 好差评: the applicant rates a case once, after 办结 (completed or delivered), on five levels from
 * 非常不满意 (1) to 非常满意 (5) — at the window, where a clerk of the case's centre records it from
 * the evaluation pad, or online, by the owner of the application or by anyone who can track the case
 * (its number and the last six characters of the applicant's identity number). A poor rating (1 or 2)
 * opens a follow-up due within `followUpDays` working days, which the handling department answers
 * (follow-up.service.ts). The rating, its step, its audit entry and the tally move in one transaction;
 * the comment is the applicant's own words and goes into no log and no audit entry.
 */
import type { Policy } from '../../platform/authorization.js';
import type { WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Case, Channel, Rating, Viewer } from './case.js';
import { selectCase, selectCaseByNumber } from './case.repository.js';
import { actorOf, assertAllowedAny, grantsFor } from './case-access.js';
import { type Acting, actingPublic, actingStaff, recordChange } from './case-journal.js';
import { addWorkingDays, chinaDateOf } from './deadline.js';
import { insertRating, selectRatingRow } from './rating.repository.js';
import './cases.messages.js';
import './supervision.messages.js';

export interface RatingDeps {
  policy: Policy;
  calendar: WorkingDayCalendar;
  clock: () => Date;
  /** Working days a poor rating's follow-up is due in (HUITONG_CASES_FOLLOW_UP_DAYS). */
  followUpDays: number;
}

/** The five levels, worst first. */
export const RATING_SCORES = [1, 2, 3, 4, 5] as const;
/** Scores at or below this open a follow-up (差评). */
export const POOR_RATING_MAX = 2;
export const MAX_COMMENT_LENGTH = 1000;
/** Statuses after 办结, when a case can be rated. */
const RATEABLE = new Set(['completed', 'delivered']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Rates a case: at the window (staff with cases.intake at the case's centre, recording for the
 * applicant) or online (the public account that applied).
 * @throws NotFoundError `cases.case_not_found` (also another account's case); ForbiddenError `access.denied`;
 *   ValidationError `cases.rating_invalid`; ConflictError `cases.wrong_state`, `cases.already_rated`
 * @example const rating = await rateCase(db, { kind: 'public', accountId }, caseId, { score: 5 }, deps);
 */
export async function rateCase(
  executor: Executor,
  viewer: Viewer,
  caseId: string,
  input: unknown,
  deps: RatingDeps,
): Promise<Rating> {
  return inTransaction(executor, async (tx) => {
    const found = UUID.test(caseId) ? await selectCase(tx, caseId, true) : undefined;
    if (!found || (viewer.kind === 'public' && found.publicAccountId !== viewer.accountId)) {
      throw new NotFoundError('cases.case_not_found', { caseId });
    }
    if (viewer.kind === 'staff') {
      await assertAllowedAny(tx, deps.policy, actorOf(viewer), await grantsFor(tx, found, 'rate'));
    }
    const rating = checkedRating(input);
    const acting =
      viewer.kind === 'staff'
        ? await actingStaff(tx, viewer.personId, found.centreCode)
        : actingPublic(viewer.accountId);
    return record(tx, found, rating, viewer.kind === 'staff' ? 'window' : 'online', acting, deps);
  });
}

/**
 * Rates a case online by its tracking number and the last six characters of the applicant's
 * identity number (case-insensitive), as the anonymous tracking page does. A wrong number and a
 * wrong tail give the same answer, so the route cannot be used to find out which numbers exist.
 * @throws NotFoundError `cases.case_not_found`; ValidationError `cases.rating_invalid`; ConflictError
 * @example await rateTrackedCase(db, { number: 'C01-20240219-000001', idTail: '00002X', score: 4 }, deps);
 */
export async function rateTrackedCase(executor: Executor, input: unknown, deps: RatingDeps): Promise<Rating> {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const number = typeof body.number === 'string' ? body.number.trim().toUpperCase() : '';
  const idTail = typeof body.idTail === 'string' ? body.idTail.trim().toUpperCase() : '';
  return inTransaction(executor, async (tx) => {
    const tracked = number && idTail.length === 6 ? await selectCaseByNumber(tx, number) : undefined;
    if (!tracked || tracked.applicant.idNumber.slice(-6).toUpperCase() !== idTail) {
      throw new NotFoundError('cases.case_not_found', {});
    }
    const found = (await selectCase(tx, tracked.id, true))!;
    return record(tx, found, checkedRating(input), 'online', ANONYMOUS, deps);
  });
}

/** Whoever holds the tracking number and id tail: nobody the platform knows. */
const ANONYMOUS: Acting = {
  audit: { type: 'anonymous' },
  step: { type: 'public', id: 'anonymous', name: null, post: null },
};

async function record(
  tx: Executor,
  found: Case,
  rating: { score: number; comment: string | null },
  channel: Channel,
  acting: Acting,
  deps: RatingDeps,
): Promise<Rating> {
  if (!RATEABLE.has(found.status)) {
    throw new ConflictError('cases.wrong_state', { number: found.number, status: found.status, action: 'rate' });
  }
  if (await selectRatingRow(tx, found.id)) throw new ConflictError('cases.already_rated', { number: found.number });
  const at = deps.clock();
  const day = chinaDateOf(at);
  const poor = rating.score <= POOR_RATING_MAX;
  // Counted Monday–Friday past the calendar's last year, as deadlines are: a poor rating on 31 December still opens its follow-up.
  const followUpDueOn = poor ? addWorkingDays(deps.calendar, day, deps.followUpDays).day : null;
  await insertRating(tx, { caseId: found.id, ...rating, channel, followUpDueOn, at });
  await recordChange(tx, found, acting, {
    action: 'rate',
    from: found.status,
    to: found.status,
    stage: null,
    unitCode: channel === 'window' ? found.centreCode : null,
    opinion: null,
    details: { score: rating.score, channel, followUpDueOn },
    at,
    day,
    tally: { ratings: 1, rating_sum: rating.score, poor_ratings: poor ? 1 : 0 },
  });
  const { answeredBy: _, ...stored } = (await selectRatingRow(tx, found.id))!;
  return stored;
}

function checkedRating(input: unknown): { score: number; comment: string | null } {
  const errors: FieldError[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('cases.rating_invalid', [{ pointer: '', reason: 'type' }], { count: 1 });
  }
  const { score, comment } = input as { score?: unknown; comment?: unknown };
  if (score === undefined) errors.push({ pointer: '/score', reason: 'required' });
  else if (typeof score !== 'number' || !Number.isInteger(score)) errors.push({ pointer: '/score', reason: 'type' });
  else if (!(RATING_SCORES as readonly number[]).includes(score)) errors.push({ pointer: '/score', reason: 'range' });
  let text: string | null = null;
  if (comment !== undefined && comment !== null) {
    if (typeof comment !== 'string') errors.push({ pointer: '/comment', reason: 'type' });
    else if ([...comment.trim()].length > MAX_COMMENT_LENGTH) errors.push({ pointer: '/comment', reason: 'too_long' });
    else text = comment.trim() || null;
  }
  if (errors.length > 0) throw new ValidationError('cases.rating_invalid', errors, { count: errors.length });
  return { score: score as number, comment: text };
}
