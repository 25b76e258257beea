/** SQL for `exchange.subscription`, and the routing reads over it. */
import { type Selectable, sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { MemberTables, SubscriptionTable } from './member.tables.js';
import type { RouteTarget, Subscription, SubscriptionStatus } from './subscription.js';
import { LIVE_STATUSES } from './subscription.js';

const COLUMNS = [
  's.id',
  's.member_id',
  's.standard_code',
  's.filter',
  's.mode',
  's.endpoint',
  's.push_batch_size',
  's.status',
  's.reason',
  's.requested_by',
  's.decided_by',
  's.decided_at',
  's.created_at',
  's.updated_at',
] as const;

export type SubscriptionColumns = Pick<
  SubscriptionTable,
  'member_id' | 'standard_code' | 'filter' | 'mode' | 'endpoint' | 'requested_by'
> & { push_batch_size?: number };

export interface SubscriptionFilter {
  /** Staff: subscriptions whose member or standard is owned by one of these units. */
  ownerOrgUnitCodes?: readonly string[] | undefined;
  memberId?: string | undefined;
  standardCode?: string | undefined;
  status?: SubscriptionStatus | undefined;
}

export async function insertSubscription(executor: Executor, columns: SubscriptionColumns): Promise<string> {
  const row = await tablesOf<MemberTables>(executor)
    .insertInto('exchange.subscription')
    .values({ ...columns, status: 'pending' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function selectSubscription(
  executor: Executor,
  id: string,
  lock = false,
): Promise<Subscription | undefined> {
  let query = tablesOf<MemberTables>(executor)
    .selectFrom('exchange.subscription as s')
    .select(COLUMNS)
    .where('s.id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && subscriptionOf(row);
}

/** The member's live (pending or approved) subscription to the standard. */
export async function selectLiveSubscription(
  executor: Executor,
  memberId: string,
  standardCode: string,
): Promise<Subscription | undefined> {
  const row = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.subscription as s')
    .select(COLUMNS)
    .where('s.member_id', '=', memberId)
    .where('s.standard_code', '=', standardCode)
    .where('s.status', 'in', LIVE_STATUSES)
    .executeTakeFirst();
  return row && subscriptionOf(row);
}

/** Every subscription of a member, newest first. */
export async function selectSubscriptionsOfMember(executor: Executor, memberId: string): Promise<Subscription[]> {
  const rows = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.subscription as s')
    .select(COLUMNS)
    .where('s.member_id', '=', memberId)
    .orderBy('s.created_at', 'desc')
    .execute();
  return rows.map(subscriptionOf);
}

export async function selectSubscriptions(
  executor: Executor,
  filter: SubscriptionFilter,
  page: { limit: number; offset: number },
): Promise<{ items: Subscription[]; total: number }> {
  let query = tablesOf<MemberTables>(executor)
    .selectFrom('exchange.subscription as s')
    .innerJoin('exchange.member as m', 'm.id', 's.member_id')
    .innerJoin('exchange.standard as st', 'st.code', 's.standard_code');
  const owners = filter.ownerOrgUnitCodes;
  if (owners) {
    if (owners.length === 0) return { items: [], total: 0 };
    query = query.where((eb) =>
      eb.or([eb('m.owner_org_unit_code', 'in', owners), eb('st.owner_org_unit_code', 'in', owners)]),
    );
  }
  if (filter.memberId) query = query.where('s.member_id', '=', filter.memberId);
  if (filter.standardCode) query = query.where('s.standard_code', '=', filter.standardCode);
  if (filter.status) query = query.where('s.status', '=', filter.status);
  const rows = await query
    .select(COLUMNS)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { items: rows.map(subscriptionOf), total: Number(total) };
}

export async function updateSubscriptionStatus(
  executor: Executor,
  id: string,
  change: { status: SubscriptionStatus; reason: string | null; decidedBy: string },
): Promise<void> {
  await tablesOf<MemberTables>(executor)
    .updateTable('exchange.subscription')
    .set({
      status: change.status,
      reason: change.reason,
      decided_by: change.decidedBy,
      decided_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function updatePushBatchSize(executor: Executor, id: string, pushBatchSize: number): Promise<void> {
  await tablesOf<MemberTables>(executor)
    .updateTable('exchange.subscription')
    .set({ push_batch_size: pushBatchSize, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** The live subscriptions of a member to standards of these classifications (for a move to the external zone). */
export async function selectLiveSubscriptionsByClassification(
  executor: Executor,
  memberId: string,
  classifications: readonly string[],
): Promise<Array<{ id: string; standardCode: string; status: SubscriptionStatus }>> {
  const rows = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.subscription as s')
    .innerJoin('exchange.standard as st', 'st.code', 's.standard_code')
    .select(['s.id', 's.standard_code', 's.status'])
    .where('s.member_id', '=', memberId)
    .where('s.status', 'in', LIVE_STATUSES)
    .where('st.classification', 'in', classifications)
    .forUpdate('s')
    .execute();
  return rows.map((row) => ({ id: row.id, standardCode: row.standard_code, status: row.status }));
}

export async function selectRouteTargets(executor: Executor, standardCode: string): Promise<RouteTarget[]> {
  const rows = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.subscription as s')
    .innerJoin('exchange.member as m', 'm.id', 's.member_id')
    .select(['s.id', 's.member_id', 'm.zone', 's.mode', 's.endpoint', 's.filter'])
    .where('s.standard_code', '=', standardCode)
    .where('s.status', '=', 'approved')
    .where('m.status', '=', 'enabled')
    .orderBy('s.member_id')
    .execute();
  return rows.map(routeTargetOf);
}

export async function selectRouteTarget(
  executor: Executor,
  subscriptionId: string,
  memberId: string,
): Promise<RouteTarget | undefined> {
  const row = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.subscription as s')
    .innerJoin('exchange.member as m', 'm.id', 's.member_id')
    .select(['s.id', 's.member_id', 'm.zone', 's.mode', 's.endpoint', 's.filter'])
    .where('s.id', '=', subscriptionId)
    .where('s.member_id', '=', memberId)
    .where('s.status', '=', 'approved')
    .where('m.status', '=', 'enabled')
    .executeTakeFirst();
  return row && routeTargetOf(row);
}

function routeTargetOf(row: {
  id: string;
  member_id: string;
  zone: RouteTarget['memberZone'];
  mode: RouteTarget['mode'];
  endpoint: string | null;
  filter: string | null;
}): RouteTarget {
  return {
    subscriptionId: row.id,
    memberId: row.member_id,
    memberZone: row.zone,
    mode: row.mode,
    endpoint: row.endpoint,
    filter: row.filter,
  };
}

function subscriptionOf(row: Selectable<SubscriptionTable>): Subscription {
  return {
    id: row.id,
    memberId: row.member_id,
    standardCode: row.standard_code,
    filter: row.filter,
    mode: row.mode,
    endpoint: row.endpoint,
    pushBatchSize: row.push_batch_size,
    status: row.status,
    reason: row.reason,
    requestedBy: row.requested_by,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
