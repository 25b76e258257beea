/**
 * SQL for `exchange.delivery`, the PostgreSQL delivery queue. No rules here beyond the queue's own:
 * a delivery is handed out only when it is due and no earlier delivery of the same subscription and
 * partition key is still open (per-key order); a lease that ran out makes it due again (a lease sets
 * `next_attempt_at` to its expiry, so "due" is `next_attempt_at <= now()` for every open row).
 *
 * A lease token is set only while a row is leased (every statement that moves a row out of `leased`
 * clears it), so a row matching a token is a current lease, and the statements that take a lease's
 * outcome match the token alone, without `status = 'leased'`. That predicate let the planner choose the
 * partial index `delivery_open_key` (subscription, partition key, seq) for a lookup by subscription and
 * seq, which then walks every open row of the subscription: 1.3 s for 256 rows over a 20,000-row backlog,
 * against the primary key's microseconds.
 */
import { sql } from 'kysely';
import { type Executor, PREPARED } from '../../platform/db/database.js';

export interface LeasedDelivery {
  subscriptionId: string;
  messageSeq: number;
  partitionKey: string | null;
  attempts: number;
  leaseToken: string;
  /** The exchange configuration's version as the lease saw it (config-cache.ts). */
  configVersion: number;
}

/**
 * Leases up to `limit` deliveries of a mode (or of one subscription) for `leaseMs`, counting an attempt.
 * @example const batch = await leaseDeliveries(db, { mode: 'push', limit: 64, leaseMs: 60_000 });
 */
export async function leaseDeliveries(
  executor: Executor,
  options: { mode: 'push' | 'pull'; subscriptionId?: string; limit: number; leaseMs: number },
): Promise<LeasedDelivery[]> {
  const subscription = options.subscriptionId ?? null;
  // JIT is off for the platform's sessions (platform/db): priced for the whole backlog, this query
  // crossed the JIT threshold and spent ~45 ms compiling what reads a few hundred index entries.
  const result = await sql<{
    subscription_id: string;
    message_seq: string;
    partition_key: string | null;
    attempts: number;
    lease_token: string;
    config_version: string | number;
  }>`${PREPARED}
    with candidate as (
      -- Approved subscriptions of enabled members only: a revoked subscription's deliveries are not
      -- sent, a disabled member's wait until it is enabled again. Each one's due rows come from its own
      -- index range (delivery_ready), at most the limit of each, so the cost is the limit times the
      -- subscriptions with due rows, however much any of them has waiting in backoff or unfetched.
      select c.subscription_id, c.message_seq, c.next_attempt_at
      from unnest(array(
             select s.id from exchange.subscription s join exchange.member mb on mb.id = s.member_id
             where s.mode = ${options.mode} and s.status = 'approved' and mb.status = 'enabled'
               and (${subscription}::uuid is null or s.id = ${subscription}::uuid))) as s(id)
      cross join lateral (
        select d.subscription_id, d.message_seq, d.next_attempt_at
        from exchange.delivery d
        where d.subscription_id = s.id and d.status in ('pending', 'leased') and d.next_attempt_at <= now()
          and (d.status = 'pending' or d.lease_until < now())
          -- Per-key order: only the earliest open delivery of its key.
          and (d.partition_key is null or not exists (
                select 1 from exchange.delivery e
                where e.subscription_id = d.subscription_id and e.partition_key = d.partition_key
                  and e.status in ('pending', 'leased') and e.message_seq < d.message_seq))
        order by d.next_attempt_at, d.message_seq
        limit ${options.limit}) c
      order by c.next_attempt_at, c.message_seq
      limit ${options.limit}
    ), due as (
      -- Locked, and checked again once locked: another worker may have leased a candidate meanwhile.
      -- The check is a case so that no partial index is seen to apply: on stale statistics (a table
      -- filled faster than autovacuum analyses it) the planner found each candidate through
      -- delivery_open_key by subscription alone, a walk over all its open rows per candidate.
      select d.subscription_id, d.message_seq
      from exchange.delivery d join candidate using (subscription_id, message_seq)
      where case d.status when 'pending' then d.next_attempt_at <= now()
                          when 'leased' then d.lease_until < now()
                          else false end
      for update of d skip locked
    )
    -- The lease's expiry is also when the row is due again, should its worker never report.
    update exchange.delivery d
       set status = 'leased', lease_until = now() + ${options.leaseMs} * interval '1 millisecond',
           next_attempt_at = now() + ${options.leaseMs} * interval '1 millisecond',
           lease_token = gen_random_uuid(), attempts = d.attempts + 1, last_attempt_at = now()
      from due
     where d.subscription_id = due.subscription_id and d.message_seq = due.message_seq
    returning d.subscription_id, d.message_seq, d.partition_key, d.attempts, d.lease_token,
              (select version from exchange.config_version where id = 1) as config_version`.execute(executor);
  return result.rows
    .map((row) => ({
      subscriptionId: row.subscription_id,
      messageSeq: Number(row.message_seq),
      partitionKey: row.partition_key,
      attempts: row.attempts,
      leaseToken: row.lease_token,
      configVersion: Number(row.config_version),
    }))
    .sort((a, b) => a.messageSeq - b.messageSeq);
}

/** Marks leased deliveries delivered; only those whose lease token still matches. Returns how many. */
export async function completeDeliveries(
  executor: Executor,
  subscriptionId: string,
  leases: ReadonlyArray<{ messageSeq: number; leaseToken: string }>,
): Promise<number> {
  if (leases.length === 0) return 0;
  const result = await sql`${PREPARED}
    update exchange.delivery d
       set status = 'delivered', delivered_at = now(), lease_until = null, lease_token = null, last_error = null
      from unnest(${leases.map((lease) => String(lease.messageSeq))}::bigint[],
                  ${leases.map((lease) => lease.leaseToken)}::uuid[]) as acked(seq, token)
     where d.subscription_id = ${subscriptionId}::uuid and d.message_seq = acked.seq
       and d.lease_token = acked.token`.execute(executor);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Records a push round in two statements whatever its size: the delivered leases, then every failed
 * one (due again at its `retryAt`, or dead). Only leases still the caller's are changed.
 */
export async function recordPushOutcomes(
  executor: Executor,
  outcomes: ReadonlyArray<{
    lease: { subscriptionId: string; messageSeq: number; leaseToken: string };
    outcome: { delivered: true } | { delivered: false; error: string; retryAt: Date; dead: boolean };
  }>,
): Promise<void> {
  const delivered = outcomes.filter((entry) => entry.outcome.delivered).map((entry) => entry.lease);
  const failed = outcomes.flatMap((entry) => (entry.outcome.delivered ? [] : [{ ...entry.lease, ...entry.outcome }]));
  if (delivered.length > 0) {
    await sql`${PREPARED}
      update exchange.delivery d
         set status = 'delivered', delivered_at = now(), lease_until = null, lease_token = null, last_error = null
        from unnest(${delivered.map((lease) => lease.subscriptionId)}::uuid[],
                    ${delivered.map((lease) => String(lease.messageSeq))}::bigint[],
                    ${delivered.map((lease) => lease.leaseToken)}::uuid[]) as acked(subscription_id, seq, token)
       where d.subscription_id = acked.subscription_id and d.message_seq = acked.seq
         and d.lease_token = acked.token`.execute(executor);
  }
  if (failed.length > 0) {
    await sql`${PREPARED}
      update exchange.delivery d
         set status = f.status, next_attempt_at = f.retry_at, lease_until = null, lease_token = null,
             last_error = f.error
        from unnest(${failed.map((entry) => entry.subscriptionId)}::uuid[],
                    ${failed.map((entry) => String(entry.messageSeq))}::bigint[],
                    ${failed.map((entry) => entry.leaseToken)}::uuid[],
                    ${failed.map((entry) => (entry.dead ? 'dead' : 'pending'))}::text[],
                    ${failed.map((entry) => entry.retryAt.toISOString())}::timestamptz[],
                    ${failed.map((entry) => entry.error.slice(0, 1000))}::text[])
             as f(subscription_id, seq, token, status, retry_at, error)
       where d.subscription_id = f.subscription_id and d.message_seq = f.seq
         and d.lease_token = f.token`.execute(executor);
  }
}

/**
 * A failed attempt: due again at `retryAt`, or dead when `dead` (the attempt limit is reached).
 * Only while the lease is still the caller's.
 */
export async function failDelivery(
  executor: Executor,
  lease: { subscriptionId: string; messageSeq: number; leaseToken: string },
  outcome: { error: string; retryAt: Date; dead: boolean },
): Promise<boolean> {
  const result = await sql`
    update exchange.delivery
       set status = ${outcome.dead ? 'dead' : 'pending'}, next_attempt_at = ${outcome.retryAt},
           lease_until = null, lease_token = null, last_error = ${outcome.error.slice(0, 1000)}
     where subscription_id = ${lease.subscriptionId}::uuid and message_seq = ${lease.messageSeq}
       and lease_token = ${lease.leaseToken}::uuid`.execute(executor);
  return Number(result.numAffectedRows ?? 0n) > 0;
}

/** Gives leased deliveries back untried (their attempt not counted), due at once. */
export async function releaseDeliveries(
  executor: Executor,
  subscriptionId: string,
  leases: ReadonlyArray<{ messageSeq: number; leaseToken: string }>,
): Promise<void> {
  if (leases.length === 0) return;
  await sql`
    update exchange.delivery d
       set status = 'pending', next_attempt_at = now(), lease_until = null, lease_token = null,
           attempts = greatest(d.attempts - 1, 0)
      from unnest(${leases.map((lease) => String(lease.messageSeq))}::bigint[],
                  ${leases.map((lease) => lease.leaseToken)}::uuid[]) as released(seq, token)
     where d.subscription_id = ${subscriptionId}::uuid and d.message_seq = released.seq
       and d.lease_token = released.token`.execute(executor);
}

/** Makes dead (or pending) deliveries due again with a fresh attempt count: the console's resubmit. */
export async function resubmitDeliveries(
  executor: Executor,
  subscriptionId: string,
  messageSeqs: readonly number[],
): Promise<number> {
  const result = await sql`
    update exchange.delivery
       set status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = null, lease_token = null
     where subscription_id = ${subscriptionId}::uuid and message_seq = any(${messageSeqs.map(String)}::bigint[])
       and status in ('dead', 'pending')`.execute(executor);
  return Number(result.numAffectedRows ?? 0n);
}

export interface DeliveryRow {
  subscriptionId: string;
  messageSeq: number;
  messageId: string;
  source: string;
  standardCode: string;
  memberId: string;
  mode: 'push' | 'pull';
  status: 'pending' | 'leased' | 'delivered' | 'dead' | 'superseded';
  attempts: number;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  receivedAt: Date;
  /** For a superseded delivery: the corrected message that replaced it, and who resolved it when. */
  supersededBy: { seq: number; messageId: string } | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

/** Deliveries by filter, newest first: the dead-letter console and a message's trace. */
export async function selectDeliveries(
  executor: Executor,
  filter: {
    status?: DeliveryRow['status'];
    messageSeq?: number;
    subscriptionId?: string;
    /** Only deliveries whose subscriber or standard owner is one of these units. */
    unitCodes?: readonly string[] | null;
    limit: number;
    offset: number;
  },
): Promise<{ items: DeliveryRow[]; total: number }> {
  const units = filter.unitCodes ?? null;
  const where = sql`
    where (${filter.status ?? null}::text is null or d.status = ${filter.status ?? null})
      and (${filter.messageSeq ?? null}::bigint is null or d.message_seq = ${filter.messageSeq ?? null})
      and (${filter.subscriptionId ?? null}::uuid is null or d.subscription_id = ${filter.subscriptionId ?? null}::uuid)
      and (${units === null} or mb.owner_org_unit_code = any(${units ?? []}::text[])
           or st.owner_org_unit_code = any(${units ?? []}::text[]))`;
  const from = sql`
    from exchange.delivery d
    join exchange.message m on m.seq = d.message_seq
    join exchange.subscription s on s.id = d.subscription_id
    join exchange.member mb on mb.id = s.member_id
    join exchange.standard st on st.code = m.standard_code
    left join exchange.message c on c.seq = d.superseded_by`;
  const [rows, count] = await Promise.all([
    sql<{
      subscription_id: string;
      message_seq: string;
      message_id: string;
      source: string;
      standard_code: string;
      member_id: string;
      mode: 'push' | 'pull';
      status: DeliveryRow['status'];
      attempts: number;
      last_error: string | null;
      last_attempt_at: Date | null;
      next_attempt_at: Date;
      delivered_at: Date | null;
      received_at: Date;
      superseded_by: string | null;
      superseded_by_id: string | null;
      resolved_by: string | null;
      resolved_at: Date | null;
    }>`select d.subscription_id, d.message_seq, m.id as message_id, m.source, m.standard_code, s.member_id,
              d.mode, d.status, d.attempts, d.last_error, d.last_attempt_at, d.next_attempt_at, d.delivered_at,
              m.received_at, d.superseded_by, c.id as superseded_by_id, d.resolved_by, d.resolved_at
       ${from} ${where}
       order by d.message_seq desc, d.subscription_id
       limit ${filter.limit} offset ${filter.offset}`.execute(executor),
    sql<{ total: number }>`select count(*)::int as total ${from} ${where}`.execute(executor),
  ]);
  return {
    total: count.rows[0]?.total ?? 0,
    items: rows.rows.map((row) => ({
      subscriptionId: row.subscription_id,
      messageSeq: Number(row.message_seq),
      messageId: row.message_id,
      source: row.source,
      standardCode: row.standard_code,
      memberId: row.member_id,
      mode: row.mode,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      lastAttemptAt: row.last_attempt_at,
      nextAttemptAt: row.next_attempt_at,
      deliveredAt: row.delivered_at,
      receivedAt: row.received_at,
      supersededBy:
        row.superseded_by === null ? null : { seq: Number(row.superseded_by), messageId: row.superseded_by_id! },
      resolvedBy: row.resolved_by,
      resolvedAt: row.resolved_at,
    })),
  };
}
