/**
 * Recording domain events: a module writes its change and the event in one transaction, so a
 * crash keeps both or neither (the transactional outbox). The dispatcher (dispatcher.ts) delivers
 * what was recorded; see docs/events.md.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { DomainError, type FieldError, ValidationError } from '../errors.js';
import './events.messages.js';

/** An event as recorded and as handed to subscribers. */
export interface DomainEvent<Payload = unknown> {
  id: number;
  aggregateType: string;
  aggregateId: string;
  /** Dotted `module.entity.verb`, e.g. `cases.case.completed`. */
  type: string;
  payload: Payload;
  occurredAt: Date;
  requestId: string | null;
}

export interface NewDomainEvent {
  /** What the event is about, e.g. `case` or `cases.case`. */
  aggregateType: string;
  aggregateId: string;
  type: string;
  /** JSON: ids and facts a subscriber needs, never more personal data than it needs. */
  payload: unknown;
  requestId?: string | undefined;
}

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const AGGREGATE_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const MAX_AGGREGATE_ID_LENGTH = 200;

/**
 * Records an event in the caller's transaction; it is delivered only if that transaction commits.
 * Returns the event's id.
 * @example
 * await database.transaction(async (tx) => {
 *   await completeCase(tx, caseId);
 *   await recordEvent(tx, { aggregateType: 'case', aggregateId: caseId, type: 'cases.case.completed', payload: { caseId } });
 * });
 */
export async function recordEvent(executor: Executor, event: NewDomainEvent): Promise<number> {
  checkEvent(event);
  // Outside a transaction the event would commit on its own, apart from the change it reports.
  if (!executor.isTransaction) throw new DomainError('internal', 'events.outside_transaction', { type: event.type });
  // Events of one aggregate are numbered in the order their transactions take this lock, which is
  // held to commit: so id order is the aggregate's commit order even when the module itself does
  // not lock the aggregate, and the dispatcher can deliver each aggregate in id order.
  await sql`select pg_advisory_xact_lock(hashtext(${event.aggregateType}), hashtext(${event.aggregateId}))`.execute(
    executor,
  );
  const result = await sql<{ id: number }>`
    insert into platform.outbox_event (aggregate_type, aggregate_id, type, payload, request_id)
    values (${event.aggregateType}, ${event.aggregateId}, ${event.type},
            ${JSON.stringify(event.payload)}::jsonb, ${event.requestId ?? null})
    returning id`.execute(executor);
  return result.rows[0]!.id;
}

function checkEvent(event: NewDomainEvent): void {
  const fields: FieldError[] = [];
  if (!EVENT_TYPE.test(event.type)) fields.push({ pointer: '/type', reason: 'pattern' });
  if (!AGGREGATE_TYPE.test(event.aggregateType)) fields.push({ pointer: '/aggregateType', reason: 'pattern' });
  if (event.aggregateId.length === 0 || event.aggregateId.length > MAX_AGGREGATE_ID_LENGTH) {
    fields.push({ pointer: '/aggregateId', reason: 'length' });
  }
  if (event.payload === undefined) fields.push({ pointer: '/payload', reason: 'required' });
  if (fields.length > 0) throw new ValidationError('events.event_invalid', fields, { count: fields.length });
}
