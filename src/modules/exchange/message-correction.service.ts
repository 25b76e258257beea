/**
 * Correct and resubmit: the console's answer to a delivery that failed because of its payload. A
 * logged message is signed and hash-chained and never changes, so the operator's corrected payload
 * becomes a new message in the chain: same source member and standard version, event id
 * `<original id>#fix-<n>`, the original's correlation id (or its id) as correlation id, validated
 * against the same schema, and routed only to the subscription whose delivery failed (the zone rule
 * and the subscription's filter still apply). The failed delivery is resolved as `superseded`,
 * pointing at the new message, with who and when. The payload is never written to the audit log.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit-log.js';
import { canonicalJson, type JsonValue } from '../../platform/audit/canonical-json.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../platform/errors.js';
import './exchange-corrections.messages.js';
import { evaluateExpression } from './jsonata-expression.js';
import { decidedBy } from './member.service.js';
import {
  MESSAGE_FACT_COLUMNS,
  type MessageFactsRow,
  type PreparedMessage,
  signedMessage,
  storedFacts,
} from './message.js';
import { assertMayResubmit } from './message-trace.service.js';
import type { PublishDeps } from './publish.service.js';
import { mayCross } from './routing.js';
import { payloadValidator } from './standard-validator.js';

export const MAX_REASON_LENGTH = 500;
const CORRECTABLE: ReadonlySet<string> = new Set(['dead', 'pending']);

export interface DeliveryKey {
  subscriptionId: string;
  messageSeq: number;
}

/** What the correction dialog starts from: the failed delivery's facts and the original payload. */
export interface CorrectionDraft extends DeliveryKey {
  messageId: string;
  source: string;
  eventId: string;
  standard: string;
  version: number;
  status: string;
  lastError: string | null;
  data: JsonValue;
}

export interface Correction {
  id: string;
  seq: number;
  eventId: string;
  correlationId: string;
  /** How many deliveries the corrected message was routed to: 1, or 0 when it was a repeat. */
  deliveries: number;
  corrects: DeliveryKey & { messageId: string };
}

/**
 * The original payload of a dead or pending delivery, for an operator who may correct it. Reading a
 * payload is reading what may be personal data: it is audited (without the payload).
 * @throws NotFoundError `exchange.delivery_not_found`; ForbiddenError `access.denied`
 * @example const draft = await correctionDraft(db, actor, { subscriptionId, messageSeq: 42 }, policy);
 */
export async function correctionDraft(
  executor: Executor,
  actor: Actor,
  key: DeliveryKey,
  policy: Policy,
): Promise<CorrectionDraft> {
  return inTransaction(executor, async (tx) => {
    const target = await correctableDelivery(tx, actor, key, policy);
    await recordAudit(tx, {
      actor,
      action: 'exchange.message.payload_read',
      target: { type: 'exchange.message', id: target.id },
      outcome: 'success',
      details: { subscriptionId: key.subscriptionId, messageSeq: key.messageSeq, purpose: 'correction' },
    });
    return {
      subscriptionId: key.subscriptionId,
      messageSeq: key.messageSeq,
      messageId: target.id,
      source: target.source,
      eventId: target.event_id,
      standard: target.standard_code,
      version: target.standard_version,
      status: target.status,
      lastError: target.last_error,
      data: target.data,
    };
  });
}

/**
 * Logs a corrected payload as a new message for one dead (or pending) delivery, routes it to that
 * delivery's subscription only, and resolves the delivery as superseded.
 * @throws NotFoundError `exchange.delivery_not_found`; ForbiddenError `access.denied` | `exchange.zone_forbidden`;
 *   ConflictError `exchange.delivery_not_correctable` | `exchange.delivery_already_corrected`;
 *   ValidationError `exchange.correction_invalid` (`/reason`, `/data…` per schema error); PayloadTooLargeError `exchange.data_too_large`
 * @example await correctDelivery(publishing, actor, { subscriptionId, messageSeq: 42, data, reason: '身份证号多了空格' }, policy);
 */
export async function correctDelivery(
  deps: PublishDeps,
  actor: Actor,
  input: DeliveryKey & { data: unknown; reason: unknown },
  policy: Policy,
): Promise<Correction> {
  const key = { subscriptionId: input.subscriptionId, messageSeq: input.messageSeq };
  const target = await correctableDelivery(deps.database, actor, key, policy);
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '' || reason.length > MAX_REASON_LENGTH) {
    const problem = reason === '' ? 'required' : 'too_long';
    throw new ValidationError('exchange.correction_invalid', [{ pointer: '/reason', reason: problem }], { count: 1 });
  }
  if (!mayCross(target.classification, target.member_zone)) {
    await refuse(deps.database, actor, target, 'zone');
    throw new ForbiddenError('exchange.zone_forbidden', {
      memberId: target.member_id,
      standardCode: target.standard_code,
      classification: target.classification,
    });
  }
  const prepared = await correctedMessage(deps, target, key.subscriptionId, input.data);
  // The original is resolved in the log's own transaction, so the correction is logged and the
  // original superseded together or not at all.
  const [appended] = await deps.log.append([prepared], {
    within: async (tx, [logged]) => {
      const resolved = await sql`
        update exchange.delivery
           set status = 'superseded', superseded_by = ${logged!.seq}, resolved_by = ${decidedBy(actor)},
               resolved_at = now(), lease_until = null, lease_token = null
         where subscription_id = ${key.subscriptionId}::uuid and message_seq = ${key.messageSeq}
           and status in ('dead', 'pending')
           -- A repeat of an earlier correction's event id counts only if that one went to this subscription.
           and exists (select 1 from exchange.delivery c
                       where c.subscription_id = ${key.subscriptionId}::uuid and c.message_seq = ${logged!.seq})`.execute(
        tx,
      );
      if (Number(resolved.numAffectedRows ?? 0n) === 0) {
        throw new ConflictError('exchange.delivery_already_corrected', { ...key, correctionSeq: logged!.seq });
      }
      await recordAudit(tx, {
        actor,
        action: 'exchange.delivery.corrected',
        target: { type: 'exchange.subscription', id: key.subscriptionId },
        outcome: 'success',
        details: {
          messageSeq: key.messageSeq,
          messageId: target.id,
          correctionSeq: logged!.seq,
          correctionId: logged!.id,
          eventId: prepared.eventId,
          reason,
        },
      });
    },
  });
  return {
    id: appended!.id,
    seq: appended!.seq,
    eventId: prepared.eventId,
    correlationId: prepared.correlationId!,
    deliveries: appended!.duplicate ? 0 : appended!.deliveries,
    corrects: { ...key, messageId: target.id },
  };
}

/** The message's facts (`id` is the message's) and its payload, with the delivery being corrected. */
interface TargetRow extends MessageFactsRow {
  data: JsonValue;
  status: string;
  last_error: string | null;
  member_id: string;
  member_zone: 'internal' | 'external';
  member_owner: string;
  standard_owner: string;
  filter: string | null;
  subscription_status: string;
  corrections: number;
}

/** The delivery with what correcting it needs, once the actor is known to be allowed and it is open. */
async function correctableDelivery(
  executor: Executor,
  actor: Actor,
  key: DeliveryKey,
  policy: Policy,
): Promise<TargetRow> {
  const result = await sql<TargetRow>`
    select ${MESSAGE_FACT_COLUMNS}, m.data, d.status, d.last_error, s.member_id, mb.zone as member_zone,
           mb.owner_org_unit_code as member_owner, st.owner_org_unit_code as standard_owner, s.filter,
           s.status as subscription_status,
           (select count(*)::int from exchange.delivery o
             where o.message_seq = m.seq and o.superseded_by is not null) as corrections
    from exchange.delivery d
    join exchange.message m on m.seq = d.message_seq
    join exchange.subscription s on s.id = d.subscription_id
    join exchange.member mb on mb.id = s.member_id
    join exchange.standard st on st.code = m.standard_code
    where d.subscription_id = ${key.subscriptionId}::uuid and d.message_seq = ${key.messageSeq}`.execute(executor);
  const target = result.rows[0];
  if (!target) throw new NotFoundError('exchange.delivery_not_found', { ...key });
  await assertMayResubmit(
    executor,
    actor,
    { memberOwner: target.member_owner, standardOwner: target.standard_owner },
    policy,
  );
  if (!CORRECTABLE.has(target.status)) {
    throw new ConflictError('exchange.delivery_not_correctable', { ...key, status: target.status });
  }
  if (target.subscription_status !== 'approved') {
    throw new ConflictError('exchange.delivery_not_correctable', { ...key, status: target.subscription_status });
  }
  return target;
}

/** The corrected payload as a signed message for the log, checked as strictly as a publish is. */
async function correctedMessage(
  deps: PublishDeps,
  target: TargetRow,
  subscriptionId: string,
  data: unknown,
): Promise<PreparedMessage> {
  const normalised = JSON.parse(JSON.stringify(data ?? null)) as JsonValue;
  const validate = await payloadValidator(deps.database, target.standard_code, target.standard_version);
  const errors = validate ? validate(normalised) : [];
  const dataJson = canonicalJson(normalised);
  if (dataJson.includes('\\u0000')) errors.push({ pointer: '/data', reason: 'nul_character' });
  if (errors.length === 0 && target.filter !== null && !(await passesFilter(target.filter, normalised))) {
    errors.push({ pointer: '/data', reason: 'outside_subscription_filter' });
  }
  if (errors.length > 0) throw new ValidationError('exchange.correction_invalid', errors, { count: errors.length });
  const dataSize = Buffer.byteLength(dataJson);
  if (dataSize > deps.maxDataBytes)
    throw new PayloadTooLargeError('exchange.data_too_large', { limit: deps.maxDataBytes });
  const facts = {
    ...storedFacts(target),
    id: randomUUID(),
    eventId: correctionEventId(target.event_id, target.corrections + 1),
    correlationId: target.correlation_id ?? target.id,
    receivedAt: new Date(),
    dataSize,
  };
  return { ...signedMessage(facts, normalised, dataJson, await deps.signingKey()), routeTo: [subscriptionId] };
}

/**
 * `<eventId>#fix-<n>`: derived from the original so a repeat of the same correction is idempotent.
 * An event id is at most 200 characters; a long original is replaced by its SHA-256.
 * @example correctionEventId('rk-20250101-0001', 1) // 'rk-20250101-0001#fix-1'
 */
export function correctionEventId(eventId: string, n: number): string {
  const suffix = `#fix-${n}`;
  const base = eventId.length + suffix.length <= 200 ? eventId : createHash('sha256').update(eventId).digest('hex');
  return `${base}${suffix}`;
}

/** A filter that fails to evaluate does not take the message, as in routing. */
async function passesFilter(filter: string, data: JsonValue): Promise<boolean> {
  try {
    return Boolean(await evaluateExpression(filter, data));
  } catch {
    return false;
  }
}

async function refuse(executor: Executor, actor: Actor, target: TargetRow, why: 'zone'): Promise<void> {
  await recordAudit(executor, {
    actor,
    action: 'exchange.delivery.correction_refused',
    target: { type: 'exchange.message', id: target.id },
    outcome: 'denied',
    details: {
      reason: why,
      memberId: target.member_id,
      classification: target.classification,
      zone: target.member_zone,
    },
  });
}
