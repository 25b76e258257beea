/**
 * Helpers for the event tests: events with a per-aggregate sequence number in the payload, and a
 * subscriber whose only effect is a row in a test table, written through the delivery transaction.
 */
import { sql } from 'kysely';
import type { Database, Executor } from '../../src/platform/db/database.js';
import type { EventHandler, EventLogger } from '../../src/platform/events/dispatcher.js';
import { type DomainEvent, recordEvent } from '../../src/platform/events/outbox.js';

export interface Effect {
  subscriber: string;
  eventId: number;
  aggregateId: string;
  seq: number;
}

export const TEST_EVENT = 'test.thing.changed';

/** A table for handlers' database effects; `id` tells the order they were committed in. */
export async function createEffectTable(database: Database): Promise<void> {
  await sql`create schema if not exists events_test`.execute(database.kysely);
  await sql`create table events_test.effect (
      id bigserial primary key,
      subscriber text not null,
      event_id bigint not null,
      aggregate_id text not null,
      seq integer not null
    )`.execute(database.kysely);
}

/** Records one event of aggregate `aggregateId` carrying `seq`, in a transaction of its own. */
export async function recordTestEvent(
  database: Database,
  aggregateId: string,
  seq: number,
  type = TEST_EVENT,
): Promise<number> {
  return database.transaction((tx) => recordTestEventIn(tx, aggregateId, seq, type));
}

export function recordTestEventIn(executor: Executor, aggregateId: string, seq: number, type = TEST_EVENT) {
  return recordEvent(executor, { aggregateType: 'thing', aggregateId, type, payload: { seq } });
}

/** A handler that writes an effect row with the delivery transaction, then runs `after` (e.g. to throw). */
export function effectHandler(subscriber: string, after?: (event: DomainEvent) => void): EventHandler {
  return async (event, tx) => {
    const { seq } = event.payload as { seq: number };
    await sql`insert into events_test.effect (subscriber, event_id, aggregate_id, seq)
              values (${subscriber}, ${event.id}, ${event.aggregateId}, ${seq})`.execute(tx);
    after?.(event);
  };
}

/** The effects committed for a subscriber, in commit order. */
export async function effectsOf(database: Database, subscriber: string): Promise<Effect[]> {
  const result = await sql<Effect>`
    select subscriber, event_id as "eventId", aggregate_id as "aggregateId", seq
    from events_test.effect where subscriber = ${subscriber} order by id`.execute(database.kysely);
  return result.rows;
}

/** The sequence numbers delivered for each aggregate, in delivery order. */
export function seqsByAggregate(effects: readonly Effect[]): Record<string, number[]> {
  const byAggregate: Record<string, number[]> = {};
  for (const effect of effects) {
    byAggregate[effect.aggregateId] = [...(byAggregate[effect.aggregateId] ?? []), effect.seq];
  }
  return byAggregate;
}

/** Keeps what the dispatcher logs, for assertions, instead of printing it. */
export function collectingLogger(): EventLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (_details, message) => lines.push(`warn ${message}`),
    error: (_details, message) => lines.push(`error ${message}`),
  };
}
