/**
 * The operators' view of the log: messages by member, standard, time and correlation id, one
 * message's proof and deliveries, the dead letters, and resubmission. Staff see what concerns their
 * units: messages their members sent or that fall under standards they own (with every delivery),
 * and messages routed to their members (with only those deliveries: a subscriber's operator follows
 * what it received, not who else did). Payloads are not shown here: a trace needs facts, not personal data.
 */
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { type DeliveryRow, resubmitDeliveries, selectDeliveries } from './delivery.repository.js';
import { unitsOf } from './member.service.js';
import { EXCHANGE_MANAGE, EXCHANGE_READ } from './standard.js';

export interface MessageSummary {
  id: string;
  seq: number;
  source: string;
  eventId: string;
  standard: string;
  version: number;
  classification: string;
  partitionKey: string | null;
  correlationId: string | null;
  receivedAt: Date;
  dataSize: number;
  deliveries: { total: number; delivered: number; pending: number; dead: number; superseded: number };
}

export interface MessageFilter {
  source?: string | undefined;
  standard?: string | undefined;
  correlationId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * Messages matching the filter within the actor's units, newest first.
 * @throws ValidationError `exchange.query_invalid` (from after to)
 */
export async function listMessages(
  executor: Executor,
  actor: Actor,
  filter: MessageFilter,
  policy: Policy,
): Promise<{ items: MessageSummary[]; total: number }> {
  const units = await readableUnits(executor, actor, policy);
  const from = filter.from ? new Date(filter.from) : null;
  const to = filter.to ? new Date(filter.to) : null;
  if (from && to && from > to) {
    throw new ValidationError('exchange.query_invalid', [{ pointer: '/from', reason: 'after_to' }], { count: 1 });
  }
  const where = sql`
    where (${filter.source ?? null}::text is null or m.source = ${filter.source ?? null})
      and (${filter.standard ?? null}::text is null or m.standard_code = ${filter.standard ?? null})
      and (${filter.correlationId ?? null}::text is null or m.correlation_id = ${filter.correlationId ?? null})
      and (${from}::timestamptz is null or m.received_at >= ${from})
      and (${to}::timestamptz is null or m.received_at < ${to})
      and ${scopeCondition(units)}`;
  const from_ = sql`from exchange.message m
    join exchange.member mb on mb.id = m.source
    join exchange.standard st on st.code = m.standard_code`;
  // A message seen only as a subscriber's counts only the deliveries to the actor's members.
  const rows = await sql<SummaryRow>`
    select m.id, m.seq, m.source, m.event_id, m.standard_code, m.standard_version, m.classification, m.partition_key,
           m.correlation_id, m.received_at, m.data_size, c.total, c.delivered, c.pending, c.dead, c.superseded
    ${from_}
    cross join lateral (
      select count(*)::int as total,
             (count(*) filter (where d.status = 'delivered'))::int as delivered,
             (count(*) filter (where d.status in ('pending', 'leased')))::int as pending,
             (count(*) filter (where d.status = 'dead'))::int as dead,
             (count(*) filter (where d.status = 'superseded'))::int as superseded
      from exchange.delivery d
      join exchange.subscription s on s.id = d.subscription_id
      join exchange.member sm on sm.id = s.member_id
      where d.message_seq = m.seq and (${ownsCondition(units)} or sm.owner_org_unit_code = any(${units ?? []}::text[]))
    ) c
    ${where}
    order by m.seq desc limit ${filter.limit} offset ${filter.offset}`.execute(executor);
  const count = await sql<{ total: number }>`select count(*)::int as total ${from_} ${where}`.execute(executor);
  return { items: rows.rows.map(summaryOf), total: count.rows[0]?.total ?? 0 };
}

/** A corrected resubmit: which delivery of which message a correction replaced, by whom and when. */
export interface CorrectionLink {
  subscriptionId: string;
  /** The message whose delivery was superseded. */
  messageSeq: number;
  messageId: string;
  resolvedBy: string;
  resolvedAt: Date;
}

export interface MessageDetail {
  message: MessageSummary;
  proof: Record<'algorithm' | 'keyId' | 'dataHash' | 'messageHash' | 'signature' | 'prevHash' | 'entryHash', string>;
  deliveries: DeliveryRow[];
  /** When this message is an operator's correction: the delivery it replaced. */
  corrects: CorrectionLink | null;
}

/** One message's facts, its log proof and its deliveries. NotFound also when outside the actor's units. */
export async function getMessage(executor: Executor, actor: Actor, id: string, policy: Policy): Promise<MessageDetail> {
  const units = await readableUnits(executor, actor, policy);
  const result = await sql<
    SummaryRow & {
      algorithm: string;
      key_id: string;
      data_hash: Uint8Array;
      message_hash: Uint8Array;
      signature: Uint8Array;
      prev_hash: Uint8Array;
      entry_hash: Uint8Array;
      owned: boolean;
    }
  >`
    select m.id, m.seq, m.source, m.event_id, m.standard_code, m.standard_version, m.classification, m.partition_key,
           m.correlation_id, m.received_at, m.data_size, 0 as total, 0 as delivered, 0 as pending, 0 as dead,
           0 as superseded,
           m.algorithm, m.key_id, m.data_hash, m.message_hash, m.signature, m.prev_hash, m.entry_hash,
           ${ownsCondition(units)} as owned
    from exchange.message m
    join exchange.member mb on mb.id = m.source
    join exchange.standard st on st.code = m.standard_code
    where m.id = ${id}::uuid and ${scopeCondition(units)}`.execute(executor);
  const row = result.rows[0];
  if (!row) throw new NotFoundError('exchange.message_not_found', { id });
  // Seen only as a subscriber: only the deliveries to the actor's members.
  const deliveries = await selectDeliveries(executor, {
    messageSeq: Number(row.seq),
    unitCodes: row.owned ? null : units,
    limit: 500,
    offset: 0,
  });
  const summary = summaryOf(row);
  for (const delivery of deliveries.items) {
    summary.deliveries.total += 1;
    if (delivery.status === 'delivered') summary.deliveries.delivered += 1;
    else if (delivery.status === 'dead') summary.deliveries.dead += 1;
    else if (delivery.status === 'superseded') summary.deliveries.superseded += 1;
    else summary.deliveries.pending += 1;
  }
  const corrected = await sql<{
    subscription_id: string;
    message_seq: string;
    message_id: string;
    resolved_by: string;
    resolved_at: Date;
  }>`
    select d.subscription_id, d.message_seq, m.id as message_id, d.resolved_by, d.resolved_at
    from exchange.delivery d join exchange.message m on m.seq = d.message_seq
    where d.superseded_by = ${row.seq}`.execute(executor);
  const link = corrected.rows[0];
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  return {
    message: summary,
    proof: {
      algorithm: row.algorithm,
      keyId: row.key_id,
      dataHash: hex(row.data_hash),
      messageHash: hex(row.message_hash),
      signature: Buffer.from(row.signature).toString('base64'),
      prevHash: hex(row.prev_hash),
      entryHash: hex(row.entry_hash),
    },
    deliveries: deliveries.items,
    corrects: link
      ? {
          subscriptionId: link.subscription_id,
          messageSeq: Number(link.message_seq),
          messageId: link.message_id,
          resolvedBy: link.resolved_by,
          resolvedAt: link.resolved_at,
        }
      : null,
  };
}

/** Deliveries (the dead letters, by default) within the actor's units. */
export async function listDeliveries(
  executor: Executor,
  actor: Actor,
  filter: {
    status?: DeliveryRow['status'] | undefined;
    subscriptionId?: string | undefined;
    limit: number;
    offset: number;
  },
  policy: Policy,
) {
  const units = await readableUnits(executor, actor, policy);
  return selectDeliveries(executor, {
    status: filter.status,
    subscriptionId: filter.subscriptionId,
    unitCodes: units ?? null,
    limit: filter.limit,
    offset: filter.offset,
  });
}

/**
 * Makes dead deliveries of one subscription due again, after the operator fixed what failed (the
 * subscriber's mapping or endpoint). Needs `exchange.manage` over the subscriber's or the standard's unit.
 * A corrected payload is another matter: see message-correction.service.ts.
 * @example await resubmit(db, actor, { subscriptionId, messageSeqs: [42] }, policy);
 */
export async function resubmit(
  executor: Executor,
  actor: Actor,
  input: { subscriptionId: string; messageSeqs: readonly number[] },
  policy: Policy,
): Promise<number> {
  return inTransaction(executor, async (tx) => {
    const owner = await sql<{ member_owner: string; standard_owner: string }>`
      select mb.owner_org_unit_code as member_owner, st.owner_org_unit_code as standard_owner
      from exchange.subscription s
      join exchange.member mb on mb.id = s.member_id
      join exchange.standard st on st.code = s.standard_code
      where s.id = ${input.subscriptionId}::uuid`.execute(tx);
    const row = owner.rows[0];
    if (!row) throw new NotFoundError('exchange.subscription_not_found', { subscriptionId: input.subscriptionId });
    await assertMayResubmit(tx, actor, { memberOwner: row.member_owner, standardOwner: row.standard_owner }, policy);
    const count = await resubmitDeliveries(tx, input.subscriptionId, input.messageSeqs);
    await recordAudit(tx, {
      actor,
      action: 'exchange.delivery.resubmitted',
      target: { type: 'exchange.subscription', id: input.subscriptionId },
      outcome: 'success',
      details: { messageSeqs: input.messageSeqs.slice(0, 100), count },
    });
    return count;
  });
}

/**
 * Who may resubmit or correct a subscription's deliveries: `exchange.manage` over the subscriber's
 * owner unit (it fixes its own side) or the standard's owner unit (it runs the exchange of that data).
 * @throws ForbiddenError `access.denied`
 */
export async function assertMayResubmit(
  executor: Executor,
  actor: Actor,
  owners: { memberOwner: string; standardOwner: string },
  policy: Policy,
): Promise<void> {
  const asMember = await policy.authorize(executor, actor, EXCHANGE_MANAGE, owners.memberOwner);
  if (!asMember.allowed) await policy.assertAllowed(executor, actor, EXCHANGE_MANAGE, owners.standardOwner);
}

/** Units whose messages the actor may read; undefined means everywhere. ForbiddenError when nowhere. */
async function readableUnits(executor: Executor, actor: Actor, policy: Policy): Promise<string[] | undefined> {
  const units = await unitsOf(executor, actor, EXCHANGE_READ, policy);
  if (units && units.length === 0) throw new ForbiddenError('access.denied', { permission: EXCHANGE_READ });
  return units;
}

/** The message (`m`, its source `mb`, its standard `st`) is the actor's: sent by its member or under its standard. */
function ownsCondition(units: string[] | undefined) {
  if (!units) return sql<boolean>`true`;
  return sql<boolean>`(mb.owner_org_unit_code = any(${units}::text[]) or st.owner_org_unit_code = any(${units}::text[]))`;
}

/** The message is the actor's, or was routed to one of its members. */
function scopeCondition(units: string[] | undefined) {
  if (!units) return sql<boolean>`true`;
  return sql<boolean>`(${ownsCondition(units)} or exists (
    select 1 from exchange.delivery rd
    join exchange.subscription rs on rs.id = rd.subscription_id
    join exchange.member rm on rm.id = rs.member_id
    where rd.message_seq = m.seq and rm.owner_org_unit_code = any(${units}::text[])))`;
}

interface SummaryRow {
  id: string;
  seq: string;
  source: string;
  event_id: string;
  standard_code: string;
  standard_version: number;
  classification: string;
  partition_key: string | null;
  correlation_id: string | null;
  received_at: Date;
  data_size: number;
  total: number;
  delivered: number;
  pending: number;
  dead: number;
  superseded: number;
}

function summaryOf(row: SummaryRow): MessageSummary {
  return {
    id: row.id,
    seq: Number(row.seq),
    source: row.source,
    eventId: row.event_id,
    standard: row.standard_code,
    version: row.standard_version,
    classification: row.classification,
    partitionKey: row.partition_key,
    correlationId: row.correlation_id,
    receivedAt: row.received_at,
    dataSize: row.data_size,
    deliveries: {
      total: row.total,
      delivered: row.delivered,
      pending: row.pending,
      dead: row.dead,
      superseded: row.superseded,
    },
  };
}
