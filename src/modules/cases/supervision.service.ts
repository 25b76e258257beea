/**
 * 电子监察 views: how many cases in handling are green, yellow, red or paused per department or
 * centre, and which are warned or overdue. Supervisors (cases.supervise) see their scope; a
 * department's handlers (cases.handle) see their own department too. Lists never show an
 * applicant's whole name.
 */
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, ValidationError } from '../../platform/errors.js';
import { maskName } from '../../platform/identifiers/mask.js';
import { CASES_HANDLE, CASES_SUPERVISE, type CasePage, type Light, lightOf } from './case.js';
import { chinaDateOf } from './deadline.js';
import { type LightCounts, selectLightCounts, selectWarnedCases } from './supervision.repository.js';
import { pageOf } from './supervision-query.js';
import { unitCutOf } from './supervision-scope.js';
import './cases.messages.js';

export type { LightCounts } from './supervision.repository.js';

export interface SupervisionDeps {
  policy: Policy;
  clock: () => Date;
}

export type OverviewBy = 'department' | 'centre';

/**
 * The lights of the cases in handling per unit, today. `total` counts green, yellow, red and paused
 * (补正 and special procedures stop the clock, so they have no light). Online applications have
 * centre ''.
 * @throws ValidationError `cases.query_invalid` (`/by`); ForbiddenError `access.denied`
 * @example const rows = await supervisionOverview(db, actor, { by: 'department' }, deps);
 */
export async function supervisionOverview(
  executor: Executor,
  actor: Actor,
  query: { by?: string | undefined },
  deps: SupervisionDeps,
): Promise<LightCounts[]> {
  const by = query.by ?? 'department';
  if (by !== 'department' && by !== 'centre') {
    throw new ValidationError('cases.query_invalid', [{ pointer: '/by', reason: 'one_of' }], { count: 1 });
  }
  const cut = await unitCutOf(executor, actor, [CASES_SUPERVISE, CASES_HANDLE], deps.policy);
  return selectLightCounts(executor, by, cut, chinaDateOf(deps.clock()));
}

/**
 * The warned (yellow) and overdue (red) cases in scope, the longest overdue first; both lights unless
 * one is asked for.
 * @throws ValidationError `cases.query_invalid`; ForbiddenError `access.denied`
 * @example const { items } = await listWarnedCases(db, actor, { light: 'red', department: 'D07' }, deps);
 */
export async function listWarnedCases(
  executor: Executor,
  actor: Actor,
  query: {
    light?: string | undefined;
    department?: string | undefined;
    centre?: string | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
  },
  deps: SupervisionDeps,
): Promise<CasePage> {
  const errors: FieldError[] = [];
  if (query.light !== undefined && query.light !== 'yellow' && query.light !== 'red') {
    errors.push({ pointer: '/light', reason: 'one_of' });
  }
  const page = pageOf(query, errors);
  if (errors.length > 0) throw new ValidationError('cases.query_invalid', errors, { count: errors.length });
  const cut = await unitCutOf(executor, actor, [CASES_SUPERVISE, CASES_HANDLE], deps.policy);
  const today = chinaDateOf(deps.clock());
  const lights: Array<Exclude<Light, 'green'>> = query.light ? [query.light as 'yellow' | 'red'] : ['red', 'yellow'];
  const { items, total } = await selectWarnedCases(
    executor,
    { lights, department: query.department || undefined, centre: query.centre || undefined, cut, today },
    page,
  );
  return {
    items: items.map(({ warnOn, ...row }) => ({
      ...row,
      applicantName: maskName(row.applicantName),
      light: lightOf({ status: row.status, dueOn: row.dueOn, warnOn }, today),
    })),
    total,
    ...page,
  };
}
