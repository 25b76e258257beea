/**
 * How a service's cases travel after 受理 (办理流程): an ordered list of stages, each at a unit and
 * needing a permission there, the last one the decision (准予 / 不予) by `cases.decide`. An item without
 * its own route travels the default one: a review by the handling department (`cases.handle`), then
 * its decision (`cases.decide`). A case keeps the route it was accepted under (case.stages), so a
 * route changed later never moves a case in flight.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import type { FieldError } from '../../platform/errors.js';
import { getOrgUnit } from '../directory/index.js';
import { getPublishedItem } from '../services/index.js';
import { CASES_DECIDE, CASES_HANDLE, CASES_ROUTE_MANAGE, type CaseDeps, type Stage } from './case.js';
import { assertAllowedAny } from './case-access.js';
import { invalid } from './case-input.js';
import { selectRoute, upsertRoute } from './route.repository.js';
import './cases.messages.js';

export const MAX_STAGES = 12;
const STAGE_KEY = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * The default route of an item handled by `departmentCode`.
 * @example defaultRoute('D07').map((stage) => stage.key) // ['review', 'decide']
 */
export function defaultRoute(departmentCode: string): Stage[] {
  return [
    { key: 'review', nameZh: '承办审查', nameEn: 'Review', unitCode: departmentCode, permission: CASES_HANDLE },
    { key: 'decide', nameZh: '审批决定', nameEn: 'Decision', unitCode: departmentCode, permission: CASES_DECIDE },
  ];
}

/** The route a case of this item is accepted under: its own, or the default one. */
export async function routeOf(executor: Executor, itemCode: string, departmentCode: string): Promise<Stage[]> {
  return (await selectRoute(executor, itemCode)) ?? defaultRoute(departmentCode);
}

/**
 * An item's route, for those who configure it or handle its cases.
 * @throws NotFoundError `services.item_not_found`; ForbiddenError `access.denied`
 * @example const stages = await getRoute(db, actor, itemCode, deps);
 */
export async function getRoute(
  executor: Executor,
  actor: Actor,
  itemCode: string,
  deps: Pick<CaseDeps, 'policy'>,
): Promise<Stage[]> {
  const item = await getPublishedItem(executor, itemCode);
  await assertAllowedAny(executor, deps.policy, actor, [
    [CASES_ROUTE_MANAGE, item.departmentCode],
    [CASES_HANDLE, item.departmentCode],
  ]);
  return routeOf(executor, itemCode, item.departmentCode);
}

/**
 * Sets an item's route (`{ stages: Stage[] }`), checked whole: 1 to 12 stages with distinct keys, names,
 * existing units, `cases.handle` or `cases.decide`, the last one `cases.decide`. Audited.
 * @throws ValidationError `cases.invalid`; NotFoundError `services.item_not_found`; ForbiddenError `access.denied`
 * @example await setRoute(db, actor, itemCode, { stages: [...defaultRoute('D07')] }, deps);
 */
export async function setRoute(
  executor: Executor,
  actor: Actor,
  itemCode: string,
  body: unknown,
  deps: Pick<CaseDeps, 'policy' | 'clock'>,
): Promise<Stage[]> {
  return inTransaction(executor, async (tx) => {
    const item = await getPublishedItem(tx, itemCode);
    await deps.policy.assertAllowed(tx, actor, CASES_ROUTE_MANAGE, item.departmentCode);
    const stages = await readStages(tx, body);
    await upsertRoute(tx, itemCode, stages, `${actor.type}:${actor.id}`, deps.clock());
    await recordAudit(tx, {
      actor: { type: actor.type, id: actor.id },
      action: 'cases.route.set',
      target: { type: 'services_item', id: itemCode },
      outcome: 'success',
      details: { stages: stages.map((stage) => `${stage.key}@${stage.unitCode}:${stage.permission}`) },
    });
    return stages;
  });
}

async function readStages(executor: Executor, body: unknown): Promise<Stage[]> {
  const errors: FieldError[] = [];
  const list = typeof body === 'object' && body !== null ? (body as { stages?: unknown }).stages : undefined;
  if (!Array.isArray(list)) throw invalid([{ pointer: '/stages', reason: list === undefined ? 'required' : 'type' }]);
  if (list.length === 0 || list.length > MAX_STAGES) throw invalid([{ pointer: '/stages', reason: 'length' }]);
  const keys = new Set<string>();
  const stages: Stage[] = [];
  for (const [index, raw] of list.entries()) {
    const at = `/stages/${index}`;
    if (typeof raw !== 'object' || raw === null) {
      errors.push({ pointer: at, reason: 'type' });
      continue;
    }
    const stage = raw as Record<string, unknown>;
    const text = (name: string, max: number) => {
      const value = stage[name];
      if (typeof value !== 'string' || value.trim() === '')
        errors.push({ pointer: `${at}/${name}`, reason: 'required' });
      else if ([...value.trim()].length > max) errors.push({ pointer: `${at}/${name}`, reason: 'too_long' });
      else return value.trim();
      return '';
    };
    const key = text('key', 32);
    if (key && !STAGE_KEY.test(key)) errors.push({ pointer: `${at}/key`, reason: 'pattern' });
    else if (key && keys.has(key)) errors.push({ pointer: `${at}/key`, reason: 'duplicate' });
    keys.add(key);
    const nameZh = text('nameZh', 50);
    const nameEn = text('nameEn', 100);
    const unitCode = text('unitCode', 32);
    if (unitCode && !(await getOrgUnit(executor, unitCode).catch(() => undefined))) {
      errors.push({ pointer: `${at}/unitCode`, reason: 'not_found' });
    }
    const permission = stage.permission;
    const last = index === list.length - 1;
    if (permission !== CASES_HANDLE && permission !== CASES_DECIDE) {
      errors.push({ pointer: `${at}/permission`, reason: 'one_of' });
    } else if (last && permission !== CASES_DECIDE) {
      errors.push({ pointer: `${at}/permission`, reason: 'last_decides' });
    }
    stages.push({ key, nameZh, nameEn, unitCode, permission: permission as Stage['permission'] });
  }
  if (errors.length > 0) throw invalid(errors);
  return stages;
}
