/**
 * 差评整改回访: a poor rating (1 or 2) is followed up by the case's handling department, which answers
 * it — what was put right (整改) and how the applicant was called back (回访) — within the days the
 * rating gave it. Handlers (cases.handle) see and answer their department's; supervisors
 * (cases.supervise) see those in their scope, and the overdue ones first of all.
 */
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { CASES_HANDLE, CASES_SUPERVISE, type Rating } from './case.js';
import { selectCase } from './case.repository.js';
import { type Acting, actingStaff, recordChange } from './case-journal.js';
import { chinaDateOf } from './deadline.js';
import {
  type FollowUpRow,
  type FollowUpState,
  selectFollowUpPage,
  selectRatingRow,
  updateAnswer,
} from './rating.repository.js';
import { pageOf } from './supervision-query.js';
import { unitCutOf } from './supervision-scope.js';
import './cases.messages.js';
import './supervision.messages.js';

export type { FollowUpRow, FollowUpState } from './rating.repository.js';

export interface FollowUpDeps {
  policy: Policy;
  clock: () => Date;
}

export const MAX_ANSWER_LENGTH = 2000;
const FOLLOW_UP_STATES: readonly FollowUpState[] = ['open', 'overdue', 'answered'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FollowUpPage {
  items: Array<FollowUpRow & { overdue: boolean }>;
  total: number;
  limit: number;
  offset: number;
}

/**
 * Answers the follow-up of a case's poor rating: cases.handle at the case's department.
 * @throws NotFoundError `cases.case_not_found`, `cases.follow_up_not_found`; ForbiddenError `access.denied`;
 *   ValidationError `cases.rating_invalid` (`/answer`); ConflictError `cases.follow_up_answered`
 * @example await answerFollowUp(db, actor, caseId, { answer: '已电话回访，致歉并当场补办。' }, deps);
 */
export async function answerFollowUp(
  executor: Executor,
  actor: Actor,
  caseId: string,
  input: unknown,
  deps: FollowUpDeps,
): Promise<Rating> {
  return inTransaction(executor, async (tx) => {
    const found = UUID.test(caseId) ? await selectCase(tx, caseId, true) : undefined;
    if (!found) throw new NotFoundError('cases.case_not_found', { caseId });
    await deps.policy.assertAllowed(tx, actor, CASES_HANDLE, found.departmentCode);
    const answer = checkedAnswer(input);
    const rating = await selectRatingRow(tx, caseId, true);
    if (!rating || rating.followUpDueOn === null) throw new NotFoundError('cases.follow_up_not_found', { caseId });
    if (rating.answeredAt) {
      throw new ConflictError('cases.follow_up_answered', { caseId, answeredAt: rating.answeredAt.toISOString() });
    }
    const at = deps.clock();
    const day = chinaDateOf(at);
    await updateAnswer(tx, caseId, { text: answer, by: actor.id, at });
    const acting: Acting =
      actor.type === 'user'
        ? await actingStaff(tx, actor.id, found.departmentCode)
        : { audit: actor, step: { type: 'system', id: actor.id, name: null, post: null } };
    await recordChange(tx, found, acting, {
      action: 'rating_answered',
      from: found.status,
      to: found.status,
      stage: null,
      unitCode: found.departmentCode,
      opinion: answer,
      details: { score: rating.score, dueOn: rating.followUpDueOn, overdue: day > rating.followUpDueOn },
      at,
      day,
      tally: {},
    });
    const { answeredBy: _, ...stored } = (await selectRatingRow(tx, caseId))!;
    return stored;
  });
}

/**
 * The follow-ups of poor ratings the actor may see: its department's (cases.handle) and those in its
 * supervision scope (cases.supervise). `open`: not answered yet (overdue ones too); `overdue`: not
 * answered and past due; `answered`: newest answer first. Open ones come earliest due first.
 * @throws ForbiddenError `access.denied` (neither permission anywhere); ValidationError `cases.query_invalid`
 * @example const { items } = await listFollowUps(db, actor, { state: 'overdue' }, deps);
 */
export async function listFollowUps(
  executor: Executor,
  actor: Actor,
  query: {
    state?: string | undefined;
    department?: string | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
  },
  deps: FollowUpDeps,
): Promise<FollowUpPage> {
  const errors: FieldError[] = [];
  const state = (query.state ?? 'open') as FollowUpState;
  if (!FOLLOW_UP_STATES.includes(state)) errors.push({ pointer: '/state', reason: 'one_of' });
  const page = pageOf(query, errors);
  if (errors.length > 0) throw new ValidationError('cases.query_invalid', errors, { count: errors.length });
  const cut = await unitCutOf(executor, actor, [CASES_SUPERVISE, CASES_HANDLE], deps.policy);
  const today = chinaDateOf(deps.clock());
  const { items, total } = await selectFollowUpPage(
    executor,
    { state, department: query.department || undefined, cut, today },
    page,
  );
  return {
    items: items.map((item) => ({ ...item, overdue: item.answeredAt === null && item.dueOn < today })),
    total,
    ...page,
  };
}

function checkedAnswer(input: unknown): string {
  const answer = typeof input === 'object' && input !== null ? (input as { answer?: unknown }).answer : undefined;
  let reason: string | undefined;
  if (answer === undefined || answer === null) reason = 'required';
  else if (typeof answer !== 'string') reason = 'type';
  else if (answer.trim() === '') reason = 'required';
  else if ([...answer.trim()].length > MAX_ANSWER_LENGTH) reason = 'too_long';
  if (reason) throw new ValidationError('cases.rating_invalid', [{ pointer: '/answer', reason }], { count: 1 });
  return (answer as string).trim();
}
