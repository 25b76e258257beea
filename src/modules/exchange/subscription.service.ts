/**
 * Subscriptions to standards: requested by the member itself (client credentials) or by staff who
 * manage the member's owner unit, approved, rejected or revoked by staff who manage the standard's
 * owner unit. The zone rule is checked at the request and again at approval: an external-zone
 * member never holds an approved subscription to a sensitive or classified standard, and every such
 * attempt is refused and audited. The router applies the rule once more at delivery.
 */
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.js';
import './exchange-members.messages.js';
import { afterConfigChange } from './config-cache.js';
import { checkExpression } from './jsonata-expression.js';
import { EXCHANGE_MANAGE_PERMISSION, EXCHANGE_READ_PERMISSION, type MemberDetail, zoneAllows } from './member.js';
import { type StandardRef, selectStandardRef } from './member.repository.js';
import { decidedBy, findMember, unitsOf } from './member.service.js';
import {
  MAX_ENDPOINT_LENGTH,
  MAX_FILTER_LENGTH,
  MAX_PUSH_BATCH_SIZE,
  MAX_REASON_LENGTH,
  type RouteTarget,
  SUBSCRIPTION_MODES,
  SUBSCRIPTION_STATUSES,
  type Subscription,
  type SubscriptionInput,
  type SubscriptionMode,
  type SubscriptionStatus,
} from './subscription.js';
import {
  insertSubscription,
  selectLiveSubscription,
  selectRouteTarget,
  selectRouteTargets,
  selectSubscription,
  selectSubscriptions,
  updatePushBatchSize,
  updateSubscriptionStatus,
} from './subscription.repository.js';

export type { RouteTarget } from './subscription.js';

export interface SubscriptionServiceDeps {
  policy: Policy;
}

export interface SubscriptionQuery {
  limit: number;
  offset: number;
  status?: string | undefined;
  standardCode?: string | undefined;
  memberId?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_PAGE = 500;

/**
 * Asks for a subscription; it starts `pending`. A member calling with its own token subscribes for
 * itself; staff need `exchange.manage` over the member's owner unit.
 * @throws ValidationError `exchange.subscription_invalid` (every bad field); ForbiddenError `exchange.zone_forbidden` (audited) | `exchange.not_a_member` | `exchange.member_other` | `access.denied`; NotFoundError `exchange.member_not_found`; ConflictError `exchange.subscription_exists`
 * @example await requestSubscription(db, { type: 'machine', id: 'bmfw-app' }, { standardCode: 'case-record', mode: 'pull' }, deps);
 */
export async function requestSubscription(
  executor: Executor,
  actor: Actor,
  input: SubscriptionInput,
  deps: SubscriptionServiceDeps,
): Promise<Subscription> {
  const fields = {
    standardCode: typeof input.standardCode === 'string' ? input.standardCode.trim() : '',
    mode: typeof input.mode === 'string' ? input.mode : '',
    endpoint: typeof input.endpoint === 'string' && input.endpoint.trim() !== '' ? input.endpoint.trim() : null,
    filter: typeof input.filter === 'string' && input.filter.trim() !== '' ? input.filter.trim() : null,
    pushBatchSize: input.pushBatchSize ?? 1,
  };
  const refusal = await inTransaction(executor, async (tx) => {
    const member = await requestingMember(tx, actor, input.memberId, deps.policy);
    const errors: FieldError[] = [];
    let standard: StandardRef | undefined;
    if (!fields.standardCode) errors.push({ pointer: '/standardCode', reason: 'required' });
    else {
      standard = await selectStandardRef(tx, fields.standardCode);
      if (!standard) errors.push({ pointer: '/standardCode', reason: 'not_found' });
    }
    errors.push(
      ...checkDelivery(fields.mode, fields.endpoint),
      ...checkFilter(fields.filter),
      ...checkPushBatchSize(fields.mode, fields.pushBatchSize),
    );
    if (errors.length > 0) {
      throw new ValidationError('exchange.subscription_invalid', errors, { count: errors.length });
    }
    if (!zoneAllows(member.zone, standard!.classification)) return zoneRefusal(member, standard!, 'request');
    const live = await selectLiveSubscription(tx, member.id, standard!.code);
    if (live) {
      throw new ConflictError('exchange.subscription_exists', {
        memberId: member.id,
        standardCode: standard!.code,
        subscriptionId: live.id,
      });
    }
    // A concurrent identical request can commit between the check above and this insert; the unique
    // index then refuses ours. The savepoint keeps the transaction usable to answer 409 like the check.
    await sql`savepoint subscription_request`.execute(tx);
    let id: string;
    try {
      id = await insertSubscription(tx, {
        member_id: member.id,
        standard_code: standard!.code,
        mode: fields.mode as SubscriptionMode,
        endpoint: fields.endpoint,
        filter: fields.filter,
        push_batch_size: fields.pushBatchSize,
        requested_by: decidedBy(actor),
      });
    } catch (error) {
      if (!isLiveSubscriptionConflict(error)) throw error;
      await sql`rollback to savepoint subscription_request`.execute(tx);
      const winner = await selectLiveSubscription(tx, member.id, standard!.code);
      throw new ConflictError('exchange.subscription_exists', {
        memberId: member.id,
        standardCode: standard!.code,
        subscriptionId: winner?.id,
      });
    }
    await audit(tx, actor, 'exchange.subscription.request', id, {
      memberId: member.id,
      standardCode: standard!.code,
      mode: fields.mode,
      filtered: fields.filter !== null,
      pushBatchSize: fields.pushBatchSize,
    });
    return (await selectSubscription(tx, id))!;
  });
  if ('refused' in refusal) return refuse(executor, actor, refusal);
  return refusal;
}

/** PostgreSQL's unique_violation (23505) on the one-live-subscription-per-member-and-standard index. */
function isLiveSubscriptionConflict(error: unknown): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || constraint === 'subscription_live_idx');
}

/**
 * Approves a pending subscription; the actor needs `exchange.manage` over the standard's owner unit.
 * The zone rule is checked again against the member's zone now.
 * @throws NotFoundError `exchange.subscription_not_found`; ConflictError `exchange.subscription_state`; ForbiddenError `exchange.zone_forbidden` (audited) | `access.denied`
 * @example await approveSubscription(db, actor, subscriptionId, deps);
 */
export async function approveSubscription(
  executor: Executor,
  actor: Actor,
  subscriptionId: string,
  deps: SubscriptionServiceDeps,
): Promise<Subscription> {
  const approval = inTransaction(executor, async (tx) => {
    const { subscription, standard } = await decidable(tx, actor, subscriptionId, deps.policy);
    assertStatus(subscription, ['pending'], 'approved');
    const member = await findMember(tx, subscription.memberId, true);
    if (!zoneAllows(member.zone, standard.classification)) return zoneRefusal(member, standard, 'approval');
    await updateSubscriptionStatus(tx, subscription.id, {
      status: 'approved',
      reason: null,
      decidedBy: decidedBy(actor),
    });
    await audit(tx, actor, 'exchange.subscription.approve', subscription.id, {
      memberId: subscription.memberId,
      standardCode: subscription.standardCode,
    });
    return (await selectSubscription(tx, subscription.id))!;
  });
  const outcome = await afterConfigChange(approval);
  if ('refused' in outcome) return refuse(executor, actor, outcome);
  return outcome;
}

/**
 * Rejects a pending subscription, saying why.
 * @throws NotFoundError `exchange.subscription_not_found`; ValidationError `exchange.subscription_invalid` (`/reason`); ConflictError `exchange.subscription_state`; ForbiddenError `access.denied`
 * @example await rejectSubscription(db, actor, subscriptionId, '用途不明确', deps);
 */
export async function rejectSubscription(
  executor: Executor,
  actor: Actor,
  subscriptionId: string,
  reason: string,
  deps: SubscriptionServiceDeps,
): Promise<Subscription> {
  return decide(executor, actor, subscriptionId, 'rejected', ['pending'], reason, true, deps);
}

/**
 * Ends a pending or approved subscription; a reason is optional. Its messages stop being routed to
 * the member at once.
 * @throws NotFoundError `exchange.subscription_not_found`; ValidationError `exchange.subscription_invalid` (`/reason`); ConflictError `exchange.subscription_state`; ForbiddenError `access.denied`
 * @example await revokeSubscription(db, actor, subscriptionId, '系统下线', deps);
 */
export async function revokeSubscription(
  executor: Executor,
  actor: Actor,
  subscriptionId: string,
  reason: string | null | undefined,
  deps: SubscriptionServiceDeps,
): Promise<Subscription> {
  return decide(executor, actor, subscriptionId, 'revoked', ['pending', 'approved'], reason ?? null, false, deps);
}

/**
 * Changes how many deliveries a push subscription takes in one POST. Asked for by whoever may ask
 * for the subscription (the member itself, or staff who manage its owner unit): it changes how the
 * member receives, not what it may receive, so it needs no new approval. Audited with both values.
 * @throws NotFoundError `exchange.subscription_not_found`; ValidationError `exchange.subscription_invalid` (`/pushBatchSize`); ConflictError `exchange.subscription_state`; ForbiddenError `exchange.not_a_member` | `access.denied`
 * @example await changePushBatchSize(db, actor, subscriptionId, 100, deps);
 */
export async function changePushBatchSize(
  executor: Executor,
  actor: Actor,
  subscriptionId: string,
  pushBatchSize: number,
  deps: SubscriptionServiceDeps,
): Promise<Subscription> {
  return inTransaction(executor, async (tx) => {
    const subscription = UUID.test(subscriptionId) ? await selectSubscription(tx, subscriptionId, true) : undefined;
    if (actor.type === 'machine') {
      await clientMember(tx, actor);
      if (!subscription || subscription.memberId !== actor.id) throw notFound(subscriptionId);
    } else {
      if (!subscription) throw notFound(subscriptionId);
      const member = await findMember(tx, subscription.memberId);
      await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE_PERMISSION, member.ownerOrgUnitCode);
    }
    const errors = checkPushBatchSize(subscription.mode, pushBatchSize);
    if (errors.length > 0) throw new ValidationError('exchange.subscription_invalid', errors, { count: errors.length });
    assertStatus(subscription, ['pending', 'approved'], 'changed');
    await updatePushBatchSize(tx, subscription.id, pushBatchSize);
    await audit(tx, actor, 'exchange.subscription.change', subscription.id, {
      memberId: subscription.memberId,
      standardCode: subscription.standardCode,
      pushBatchSize: { from: subscription.pushBatchSize, to: pushBatchSize },
    });
    return (await selectSubscription(tx, subscription.id))!;
  });
}

/**
 * One subscription. A member sees only its own (others are not found); staff need `exchange.read`
 * over the member's or the standard's owner unit.
 * @throws NotFoundError `exchange.subscription_not_found`; ForbiddenError `access.denied` | `exchange.not_a_member`
 * @example const subscription = await getSubscription(db, actor, subscriptionId, deps);
 */
export async function getSubscription(
  executor: Executor,
  actor: Actor,
  subscriptionId: string,
  deps: SubscriptionServiceDeps,
): Promise<Subscription> {
  const subscription = UUID.test(subscriptionId) ? await selectSubscription(executor, subscriptionId) : undefined;
  if (actor.type === 'machine') {
    await clientMember(executor, actor);
    if (!subscription || subscription.memberId !== actor.id) throw notFound(subscriptionId);
    return subscription;
  }
  if (!subscription) throw notFound(subscriptionId);
  const member = await findMember(executor, subscription.memberId);
  const standard = (await selectStandardRef(executor, subscription.standardCode))!;
  const asOwnerOfMember = await deps.policy.authorize(
    executor,
    actor,
    EXCHANGE_READ_PERMISSION,
    member.ownerOrgUnitCode,
  );
  if (!asOwnerOfMember.allowed) {
    await deps.policy.assertAllowed(executor, actor, EXCHANGE_READ_PERMISSION, standard.ownerOrgUnitCode);
  }
  return subscription;
}

/**
 * Subscriptions, newest first: a member's own, or for staff those whose member or standard is owned
 * by a unit (or a unit below) where they hold `exchange.read`.
 * @throws ValidationError `exchange.subscription_invalid` (query fields); ForbiddenError `exchange.not_a_member`
 * @example const { items, total } = await listSubscriptions(db, actor, { limit: 50, offset: 0, status: 'pending' }, deps);
 */
export async function listSubscriptions(
  executor: Executor,
  actor: Actor,
  query: SubscriptionQuery,
  deps: SubscriptionServiceDeps,
): Promise<{ items: Subscription[]; total: number }> {
  const errors: FieldError[] = [];
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    errors.push({ pointer: '/limit', reason: 'range' });
  }
  if (!Number.isInteger(query.offset) || query.offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (query.status !== undefined && !(SUBSCRIPTION_STATUSES as readonly string[]).includes(query.status)) {
    errors.push({ pointer: '/status', reason: 'one_of' });
  }
  if (errors.length > 0) throw new ValidationError('exchange.subscription_invalid', errors, { count: errors.length });
  const filter = {
    status: query.status as SubscriptionStatus | undefined,
    standardCode: query.standardCode,
    memberId: query.memberId,
  };
  if (actor.type === 'machine') {
    const member = await clientMember(executor, actor);
    if (query.memberId !== undefined && query.memberId !== member.id) {
      throw new ForbiddenError('exchange.member_other', { clientId: actor.id });
    }
    return selectSubscriptions(executor, { ...filter, memberId: member.id }, query);
  }
  const units = await unitsOf(executor, actor, EXCHANGE_READ_PERMISSION, deps.policy);
  return selectSubscriptions(executor, { ...filter, ownerOrgUnitCodes: units }, query);
}

/**
 * The approved subscriptions of enabled members to the standard (any version), by member id. The
 * zone rule is not applied here: the router applies it to each message.
 * @example const targets = await routeTargets(tx, 'population-basic');
 */
export async function routeTargets(executor: Executor, standardCode: string): Promise<RouteTarget[]> {
  return selectRouteTargets(executor, standardCode);
}

/**
 * A member's own subscription when it is approved and the member enabled (a pull consumer fetching
 * from it); undefined otherwise, also when the subscription is another member's.
 * @example const target = await subscriptionOfMember(db, subscriptionId, member.id);
 */
export async function subscriptionOfMember(
  executor: Executor,
  subscriptionId: string,
  memberId: string,
): Promise<RouteTarget | undefined> {
  if (!UUID.test(subscriptionId)) return undefined;
  return selectRouteTarget(executor, subscriptionId, memberId);
}

/**
 * Checks a JSONata filter by compiling it (with the mappings' compiler, so a filter that passes here
 * is one the router can run). It must be a boolean expression over the standard payload, which
 * only evaluation can tell: the router treats anything but `true` as "not for this subscriber".
 */
export function checkFilter(filter: string | null): FieldError[] {
  if (filter === null) return [];
  if (filter.length > MAX_FILTER_LENGTH) return [{ pointer: '/filter', reason: 'too_long' }];
  return checkExpression(filter, '/filter');
}

/** Push needs an endpoint: https, or plain http to this machine for development; pull has none. */
export function checkDelivery(mode: string, endpoint: string | null): FieldError[] {
  if (!(SUBSCRIPTION_MODES as readonly string[]).includes(mode)) {
    return [{ pointer: '/mode', reason: mode ? 'one_of' : 'required' }];
  }
  if (mode === 'pull') return endpoint === null ? [] : [{ pointer: '/endpoint', reason: 'pull_has_no_endpoint' }];
  if (endpoint === null) return [{ pointer: '/endpoint', reason: 'required' }];
  const reason = endpointProblem(endpoint);
  return reason ? [{ pointer: '/endpoint', reason }] : [];
}

/** A batch size is a push setting: a whole number from 1 to the limit; pull takes only the default. */
export function checkPushBatchSize(mode: string, pushBatchSize: number): FieldError[] {
  if (!Number.isInteger(pushBatchSize) || pushBatchSize < 1 || pushBatchSize > MAX_PUSH_BATCH_SIZE) {
    return [{ pointer: '/pushBatchSize', reason: 'range' }];
  }
  if (mode === 'pull' && pushBatchSize !== 1) return [{ pointer: '/pushBatchSize', reason: 'pull_has_no_push_batch' }];
  return [];
}

function endpointProblem(endpoint: string): string | null {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return 'too_long';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not_a_url';
  }
  if (endpoint.includes('#')) return 'fragment';
  if (url.username || url.password) return 'credentials';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? null : 'https_required';
  return 'scheme';
}

interface ZoneRefusal {
  refused: true;
  memberId: string;
  standardCode: string;
  classification: string;
  stage: 'request' | 'approval';
}

function zoneRefusal(member: MemberDetail, standard: StandardRef, stage: ZoneRefusal['stage']): ZoneRefusal {
  return {
    refused: true,
    memberId: member.id,
    standardCode: standard.code,
    classification: standard.classification,
    stage,
  };
}

/**
 * Audits a zone refusal and throws it. The audit is written after the refused transaction ended,
 * so that rolling the refused work back does not take the evidence with it.
 */
async function refuse(executor: Executor, actor: Actor, refusal: ZoneRefusal): Promise<never> {
  const { refused: _refused, ...details } = refusal;
  await inTransaction(executor, (tx) =>
    recordAudit(tx, {
      actor,
      action: refusal.stage === 'request' ? 'exchange.subscription.request' : 'exchange.subscription.approve',
      target: { type: 'exchange_member', id: refusal.memberId },
      outcome: 'denied',
      details: { ...details, reason: 'zone' },
    }),
  );
  throw new ForbiddenError('exchange.zone_forbidden', {
    memberId: refusal.memberId,
    standardCode: refusal.standardCode,
    classification: refusal.classification,
  });
}

async function requestingMember(
  executor: Executor,
  actor: Actor,
  memberId: string | undefined,
  policy: Policy,
): Promise<MemberDetail> {
  if (actor.type === 'machine') {
    // Locked: two requests of one member at once must not both pass the one-live-subscription check.
    const member = await clientMember(executor, actor, true);
    if (memberId !== undefined && memberId !== member.id) {
      throw new ForbiddenError('exchange.member_other', { clientId: actor.id });
    }
    return member;
  }
  if (typeof memberId !== 'string' || memberId === '') {
    throw new ValidationError('exchange.subscription_invalid', [{ pointer: '/memberId', reason: 'required' }], {
      count: 1,
    });
  }
  const member = await findMember(executor, memberId, true);
  await policy.assertAllowed(executor, actor, EXCHANGE_MANAGE_PERMISSION, member.ownerOrgUnitCode);
  return member;
}

/** The enabled member behind a client actor. */
async function clientMember(executor: Executor, actor: Actor, lock = false): Promise<MemberDetail> {
  const member = await findMember(executor, actor.id, lock).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw new ForbiddenError('exchange.not_a_member', { clientId: actor.id });
    throw error;
  });
  if (member.status !== 'enabled') throw new ForbiddenError('exchange.member_disabled', { memberId: member.id });
  return member;
}

async function decidable(
  executor: Executor,
  actor: Actor,
  subscriptionId: string,
  policy: Policy,
): Promise<{ subscription: Subscription; standard: StandardRef }> {
  const subscription = UUID.test(subscriptionId) ? await selectSubscription(executor, subscriptionId, true) : undefined;
  if (!subscription) throw notFound(subscriptionId);
  const standard = (await selectStandardRef(executor, subscription.standardCode))!;
  await policy.assertAllowed(executor, actor, EXCHANGE_MANAGE_PERMISSION, standard.ownerOrgUnitCode);
  return { subscription, standard };
}

async function decide(
  executor: Executor,
  actor: Actor,
  subscriptionId: string,
  status: 'rejected' | 'revoked',
  from: readonly SubscriptionStatus[],
  reason: string | null,
  reasonRequired: boolean,
  deps: SubscriptionServiceDeps,
): Promise<Subscription> {
  const decision = inTransaction(executor, async (tx) => {
    const { subscription } = await decidable(tx, actor, subscriptionId, deps.policy);
    const text = typeof reason === 'string' ? reason.trim() : '';
    const errors: FieldError[] = [];
    if (reasonRequired && text === '') errors.push({ pointer: '/reason', reason: 'required' });
    if ([...text].length > MAX_REASON_LENGTH) errors.push({ pointer: '/reason', reason: 'too_long' });
    if (errors.length > 0) throw new ValidationError('exchange.subscription_invalid', errors, { count: errors.length });
    assertStatus(subscription, from, status);
    await updateSubscriptionStatus(tx, subscription.id, {
      status,
      reason: text || null,
      decidedBy: decidedBy(actor),
    });
    await audit(
      tx,
      actor,
      status === 'rejected' ? 'exchange.subscription.reject' : 'exchange.subscription.revoke',
      subscription.id,
      {
        memberId: subscription.memberId,
        standardCode: subscription.standardCode,
        from: subscription.status,
      },
    );
    return (await selectSubscription(tx, subscription.id))!;
  });
  return afterConfigChange(decision);
}

function assertStatus(subscription: Subscription, allowed: readonly SubscriptionStatus[], action: string): void {
  if (!allowed.includes(subscription.status)) {
    throw new ConflictError('exchange.subscription_state', {
      subscriptionId: subscription.id,
      status: subscription.status,
      action,
    });
  }
}

function notFound(subscriptionId: string): NotFoundError {
  return new NotFoundError('exchange.subscription_not_found', { subscriptionId });
}

async function audit(
  executor: Executor,
  actor: Actor,
  action: string,
  subscriptionId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(executor, {
    actor,
    action,
    target: { type: 'exchange_subscription', id: subscriptionId },
    outcome: 'success',
    details,
  });
}
