/**
 * Who may read a case and who may take each step of it, by status and by grant:
 * - a window case is taken in, accepted or refused, handed over and withdrawn by `cases.intake` at its
 *   centre; an online case (no centre) by `cases.handle` at the handling department or by
 *   `cases.intake` at the district centre (a centre directly under the district root: the "1" of 1 + 23),
 *   since no town centre is its own;
 * - a stage is acted on at its unit: a review by its permission (`cases.handle`), the last by `cases.decide`;
 *   补正 and special procedures by `cases.handle` at the current stage's unit; materials that arrive for
 *   补正 may also be confirmed at the window;
 * - 办结 by `cases.handle` at the last stage's unit or the department; 送达 at the window or the department;
 * - the public account that applied reads its case, withdraws it before a decision, sends materials
 *   while it is awaiting acceptance or 补正, and rates it once completed.
 * Supervisors (`cases.supervise` over the department or the centre) read every case in scope, masked.
 */
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { listOrgUnits } from '../directory/index.js';
import {
  CASES_DECIDE,
  CASES_HANDLE,
  CASES_INTAKE,
  CASES_SUPERVISE,
  type Case,
  type CaseAction,
  type CaseStatus,
  type Viewer,
} from './case.js';

/** One way of being allowed: a permission over a unit. */
export type Grant = readonly [permission: string, unitCode: string];

/** The statuses each action starts from. */
export const ACTION_FROM: Record<CaseAction, readonly CaseStatus[]> = {
  accept: ['submitted'],
  reject: ['submitted'],
  advance: ['accepted'],
  decide: ['accepted'],
  supplement: ['accepted'],
  supplement_complete: ['supplement'],
  special: ['accepted'],
  special_end: ['special'],
  complete: ['decided'],
  deliver: ['completed'],
  withdraw: ['submitted', 'accepted', 'supplement', 'special'],
  rate: ['completed', 'delivered'],
  receive_material: ['submitted', 'accepted', 'supplement', 'special'],
};

/** What a public owner may do on their own case, and from which statuses. */
const OWNER_ACTIONS: Partial<Record<CaseAction, readonly CaseStatus[]>> = {
  withdraw: ACTION_FROM.withdraw,
  receive_material: ['submitted', 'supplement'],
  rate: ACTION_FROM.rate,
};

/** Who reads or acts on a case: a member of staff (or the platform) by their actor, or a public account. */
export type Reader = { kind: 'staff'; actor: Actor } | { kind: 'public'; accountId: string };

export function actorOf(viewer: Viewer & { kind: 'staff' }): Actor {
  return { type: 'user', id: viewer.personId };
}

/** The unit of the stage a case is at: the department before acceptance. */
export function stageUnitOf(c: Case): string {
  return c.stages[c.stage]?.unitCode ?? c.departmentCode;
}

/**
 * The centres directly under the district root: their clerks accept online applications.
 * @example await districtCentres(db) // ['C00']
 */
export async function districtCentres(executor: Executor): Promise<string[]> {
  const roots = await listOrgUnits(executor, { kinds: ['district'], status: 'active' });
  const root = roots.items.find((unit) => unit.parentCode === null);
  if (!root) return [];
  const centres = await listOrgUnits(executor, { kinds: ['service_centre'], parentCode: root.code, status: 'active' });
  return centres.items.map((unit) => unit.code);
}

/** The grants of the window for a case: its centre's intake, or for an online case the department and the district centre. */
export async function windowGrants(executor: Executor, c: Case): Promise<Grant[]> {
  if (c.centreCode !== null) return [[CASES_INTAKE, c.centreCode]];
  const centres = await districtCentres(executor);
  return [[CASES_HANDLE, c.departmentCode], ...centres.map((code): Grant => [CASES_INTAKE, code])];
}

/** Any of these grants allows a staff member to take `action` on `c` (its status aside). */
export async function grantsFor(executor: Executor, c: Case, action: CaseAction): Promise<Grant[]> {
  const stageUnit = stageUnitOf(c);
  const stage = c.stages[c.stage];
  switch (action) {
    case 'accept':
    case 'reject':
    case 'withdraw':
      return windowGrants(executor, c);
    case 'advance':
      return [[stage?.permission ?? CASES_HANDLE, stageUnit]];
    case 'decide':
      return [[CASES_DECIDE, stageUnit]];
    case 'supplement':
    case 'special':
    case 'special_end':
      return [[CASES_HANDLE, stageUnit]];
    case 'supplement_complete':
      return unique([[CASES_HANDLE, stageUnit], ...(await windowGrants(executor, c))]);
    case 'complete':
      return unique([
        [CASES_HANDLE, stageUnit],
        [CASES_HANDLE, c.departmentCode],
      ]);
    case 'deliver':
    case 'receive_material':
      return unique([
        ...(await windowGrants(executor, c)),
        [CASES_HANDLE, stageUnit],
        [CASES_HANDLE, c.departmentCode],
      ]);
    case 'rate':
      // At the window's evaluation pad; online cases are rated by their applicant.
      return c.centreCode === null ? [] : [[CASES_INTAKE, c.centreCode]];
  }
}

/** The grants that let staff work on a case (read it whole): the window, and every stage's unit. */
export async function workGrants(executor: Executor, c: Case): Promise<Grant[]> {
  const units = new Set([c.departmentCode, ...c.stages.map((stage) => stage.unitCode)]);
  return unique([
    ...(await windowGrants(executor, c)),
    ...[...units].flatMap((unit): Grant[] => [
      [CASES_HANDLE, unit],
      [CASES_DECIDE, unit],
    ]),
  ]);
}

/** The grants that let a supervisor read a case, masked. */
export function superviseGrants(c: Case): Grant[] {
  return [[CASES_SUPERVISE, c.departmentCode], ...(c.centreCode ? [[CASES_SUPERVISE, c.centreCode] as const] : [])];
}

/** Whether any of the grants allows the actor; asks without recording refusals. */
export async function allowedAny(executor: Executor, policy: Policy, actor: Actor, grants: readonly Grant[]) {
  for (const [permission, unit] of grants) {
    if ((await policy.authorize(executor, actor, permission, unit)).allowed) return true;
  }
  return false;
}

/**
 * Passes when any of the grants allows the actor, and says which; else asks the policy to refuse the
 * first, so the refusal is recorded and thrown as every refusal is (`access.denied`).
 */
export async function assertAllowedAny(
  executor: Executor,
  policy: Policy,
  actor: Actor,
  grants: readonly Grant[],
): Promise<readonly [permission: string, unitCode: string | null]> {
  for (const grant of grants) {
    if ((await policy.authorize(executor, actor, grant[0], grant[1])).allowed) return grant;
  }
  const [permission, unit] = grants[0] ?? [CASES_INTAKE, null];
  // Throws, but for an actor the policy allows everything (the platform itself) when no grant was named.
  await policy.assertAllowed(executor, actor, permission, unit);
  return [permission, unit];
}

/** Whether the public owner may take `action` on their case in its current status. */
export function ownerMay(c: Case, accountId: string, action: CaseAction, rated: boolean): boolean {
  if (c.publicAccountId !== accountId) return false;
  if (action === 'rate' && rated) return false;
  return OWNER_ACTIONS[action]?.includes(c.status) ?? false;
}

/** The actions the case's status allows at all, before asking who. */
export function actionsInStatus(c: Case, rated: boolean): CaseAction[] {
  return (Object.keys(ACTION_FROM) as CaseAction[]).filter((action) => {
    if (!ACTION_FROM[action].includes(c.status)) return false;
    if (action === 'advance') return c.stage < c.stages.length - 1;
    if (action === 'decide') return c.stage === c.stages.length - 1;
    if (action === 'rate') return !rated;
    return true;
  });
}

/**
 * What this reader may do on the case now: the buttons a page shows.
 * @example await allowedActionsOf(db, { kind: 'staff', actor }, c, false, policy) // ['accept', 'reject', 'withdraw', 'receive_material']
 */
export async function allowedActionsOf(
  executor: Executor,
  reader: Reader,
  c: Case,
  rated: boolean,
  policy: Policy,
): Promise<CaseAction[]> {
  const candidates = actionsInStatus(c, rated);
  if (reader.kind === 'public') return candidates.filter((action) => ownerMay(c, reader.accountId, action, rated));
  const { actor } = reader;
  const allowed: CaseAction[] = [];
  for (const action of candidates) {
    if (await allowedAny(executor, policy, actor, await grantsFor(executor, c, action))) allowed.push(action);
  }
  return allowed;
}

function unique(grants: Grant[]): Grant[] {
  const seen = new Set<string>();
  return grants.filter(([permission, unit]) => {
    const key = `${permission} ${unit}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
