/**
 * SQL for delivering outbox events: subscribers' cursors and the events held back from them. No
 * delivery rules here; the dispatcher decides. A position in the outbox is (xid, id): the recording
 * transaction, then the event within it (see migrations/0002-platform-outbox.sql for why).
 */
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DomainEvent } from './outbox.js';

/** A point in the outbox: every event at or before it has been dealt with. xid8 travels as text. */
export interface Position {
  xid: string;
  eventId: number;
}

/** An event read for delivery, with what the dispatcher needs to keep its aggregate in order. */
export interface NewEvent extends DomainEvent {
  xid: string;
  /**
   * Null when neither this event nor an earlier one of its aggregate is held for the subscriber;
   * else whether those are parked.
   */
  heldParked: boolean | null;
  /** An earlier-recorded event of the aggregate belongs to a later transaction, so it comes later. */
  inverted: boolean;
}

export interface HeldEvent extends DomainEvent {
  /** Not yet deliverable: it, or an earlier event of its aggregate, is still ahead of the cursor. */
  waiting: boolean;
}

export interface ParkedEvent {
  subscriber: string;
  event: DomainEvent;
  /** Failed deliveries; 0 for an event parked only because an earlier one of its aggregate is. */
  attempts: number;
  lastError: string | null;
  heldAt: Date;
}

export interface Failure {
  attempts: number;
  lastError: string;
  retryInMs: number;
  parked: boolean;
}

type Tx = Transaction<unknown>;

const EVENT_COLUMNS = sql`e.id, e.aggregate_type as "aggregateType", e.aggregate_id as "aggregateId", e.type,
  e.payload, e.occurred_at as "occurredAt", e.request_id as "requestId"`;

function typeFilter(alias: string, types: readonly string[] | undefined): RawBuilder<unknown> {
  return types ? sql`and ${sql.ref(`${alias}.type`)} in (${sql.join(types)})` : sql``;
}

/** Gives each subscriber a cursor at the start of the outbox, unless it has one. */
export async function ensureCursors(executor: Executor, subscribers: readonly string[]): Promise<void> {
  if (subscribers.length === 0) return;
  const rows = sql.join(subscribers.map((name) => sql`(${name})`));
  await sql`insert into platform.outbox_cursor (subscriber) values ${rows} on conflict do nothing`.execute(executor);
}

/**
 * Locks the subscriber's cursor for this transaction and returns it. With `skipLocked`, undefined
 * when another worker holds it (that worker is delivering to this subscriber right now).
 */
export async function lockCursor(tx: Tx, subscriber: string, skipLocked: boolean): Promise<Position | undefined> {
  const result = await sql<Position>`
    select xid::text as xid, event_id as "eventId" from platform.outbox_cursor
    where subscriber = ${subscriber}
    for update ${skipLocked ? sql`skip locked` : sql``}`.execute(tx);
  return result.rows[0];
}

/** Moves the cursor forward; never back, whatever a caller passes. */
export async function moveCursor(tx: Tx, subscriber: string, to: Position): Promise<void> {
  await sql`
    update platform.outbox_cursor set xid = ${to.xid}::xid8, event_id = ${to.eventId}, updated_at = now()
    where subscriber = ${subscriber} and (xid, event_id) < (${to.xid}::xid8, ${to.eventId})`.execute(tx);
}

/**
 * Whether any event past the cursor is ready to read: its transaction and every older one are over.
 * Any type counts, so a filtered subscriber's cursor still moves past what it does not take.
 */
export async function hasNewEvents(executor: Executor, subscriber: string): Promise<boolean> {
  const result = await sql<{ found: boolean }>`
    select exists (
      select 1 from platform.outbox_event e join platform.outbox_cursor c on c.subscriber = ${subscriber}
      where (e.xid, e.id) > (c.xid, c.event_id) and e.xid < pg_snapshot_xmin(pg_current_snapshot())
    ) as found`.execute(executor);
  return result.rows[0]?.found ?? false;
}

/**
 * The next events past `cursor`, in (xid, id) order, of the subscriber's types, and the horizon:
 * the oldest transaction still running when they were read. Every transaction below it is over, so
 * nothing can still appear below it; rows at or above it wait for a later read. One statement, so
 * the rows and the horizon come from the same snapshot.
 */
export async function readNewEvents(
  tx: Tx,
  subscriber: string,
  cursor: Position,
  types: readonly string[] | undefined,
  limit: number,
): Promise<{ horizon: string; events: NewEvent[] }> {
  // A left join: with no events, one row that carries only the horizon.
  const result = await sql<{ horizon: string } & (NewEvent | { id: null })>`
    select h.horizon::text as horizon, batch.*
    from (select pg_snapshot_xmin(pg_current_snapshot()) as horizon) h
    left join lateral (
      select ${EVENT_COLUMNS}, e.xid::text as xid,
        (select bool_or(held.parked) from platform.outbox_held held
          where held.subscriber = ${subscriber}
            and held.aggregate_type = e.aggregate_type and held.aggregate_id = e.aggregate_id
            and held.event_id <= e.id) as "heldParked",
        exists (select 1 from platform.outbox_event p
          where p.aggregate_type = e.aggregate_type and p.aggregate_id = e.aggregate_id
            and p.xid > e.xid and p.id < e.id ${typeFilter('p', types)}) as inverted
      from platform.outbox_event e
      where (e.xid, e.id) > (${cursor.xid}::xid8, ${cursor.eventId}) and e.xid < h.horizon ${typeFilter('e', types)}
      order by e.xid, e.id
      limit ${limit}
    ) batch on true`.execute(tx);
  const horizon = result.rows[0]!.horizon;
  const events = result.rows.flatMap(({ horizon: _, ...event }) => (event.id === null ? [] : [event as NewEvent]));
  return { horizon, events };
}

/** Holds an event back from a subscriber, behind an earlier held event of its aggregate. */
export async function holdEvent(tx: Tx, subscriber: string, event: DomainEvent, parked: boolean): Promise<void> {
  await sql`
    insert into platform.outbox_held (subscriber, event_id, aggregate_type, aggregate_id, parked)
    values (${subscriber}, ${event.id}, ${event.aggregateType}, ${event.aggregateId}, ${parked})
    on conflict (subscriber, event_id) do nothing`.execute(tx);
}

/** Whether any held, unparked aggregate is due: none of its held events waits out a backoff. */
export async function hasDueHeld(executor: Executor, subscriber: string): Promise<boolean> {
  const result = await sql<{ found: boolean }>`
    select exists (select 1 from platform.outbox_held h where h.subscriber = ${subscriber} and not h.parked
      and ${notBackingOff()}) as found`.execute(executor);
  return result.rows[0]?.found ?? false;
}

function notBackingOff(): RawBuilder<unknown> {
  return sql`not exists (select 1 from platform.outbox_held w
    where w.subscriber = h.subscriber and w.aggregate_type = h.aggregate_type and w.aggregate_id = h.aggregate_id
      and w.next_attempt_at > now())`;
}

/** Held events of due aggregates, in id order: the order each aggregate's events were recorded in. */
export async function readDueHeld(
  tx: Tx,
  subscriber: string,
  types: readonly string[] | undefined,
  limit: number,
): Promise<HeldEvent[]> {
  const result = await sql<HeldEvent>`
    select ${EVENT_COLUMNS},
      ((e.xid, e.id) > (c.xid, c.event_id) or exists (select 1 from platform.outbox_event p
        where p.aggregate_type = e.aggregate_type and p.aggregate_id = e.aggregate_id
          and p.id < e.id and (p.xid, p.id) > (c.xid, c.event_id) ${typeFilter('p', types)})) as waiting
    from platform.outbox_held h
    join platform.outbox_event e on e.id = h.event_id
    join platform.outbox_cursor c on c.subscriber = h.subscriber
    where h.subscriber = ${subscriber} and not h.parked and ${notBackingOff()}
    order by e.id
    limit ${limit}`.execute(tx);
  return result.rows;
}

export async function deleteHeld(tx: Tx, subscriber: string, eventId: number): Promise<void> {
  await sql`delete from platform.outbox_held where subscriber = ${subscriber} and event_id = ${eventId}`.execute(tx);
}

/**
 * How a subscriber stands with an event: failed deliveries so far if it is held, else whether the
 * cursor has yet to pass it (undefined: it was delivered).
 */
export async function deliveryState(
  tx: Tx,
  subscriber: string,
  eventId: number,
): Promise<{ attempts: number } | { ahead: true } | undefined> {
  const result = await sql<{ attempts: number | null; ahead: boolean }>`
    select h.attempts, (e.xid, e.id) > (c.xid, c.event_id) as ahead
    from platform.outbox_event e
    join platform.outbox_cursor c on c.subscriber = ${subscriber}
    left join platform.outbox_held h on h.subscriber = c.subscriber and h.event_id = e.id
    where e.id = ${eventId}`.execute(tx);
  const row = result.rows[0];
  if (!row) return undefined;
  if (row.attempts !== null) return { attempts: row.attempts };
  return row.ahead ? { ahead: true } : undefined;
}

/** Records a failed delivery: the event is held with its attempts, error and next attempt time. */
export async function recordFailure(tx: Tx, subscriber: string, event: DomainEvent, failure: Failure): Promise<void> {
  await sql`
    insert into platform.outbox_held
      (subscriber, event_id, aggregate_type, aggregate_id, attempts, last_error, next_attempt_at, parked)
    values (${subscriber}, ${event.id}, ${event.aggregateType}, ${event.aggregateId}, ${failure.attempts},
      ${failure.lastError}, now() + ${failure.retryInMs}::double precision * interval '1 millisecond', ${failure.parked})
    on conflict (subscriber, event_id) do update set attempts = excluded.attempts, last_error = excluded.last_error,
      next_attempt_at = excluded.next_attempt_at, parked = excluded.parked`.execute(tx);
}

/** Parks every held event of an aggregate for the subscriber. */
export async function parkAggregate(tx: Tx, subscriber: string, event: DomainEvent): Promise<void> {
  await sql`
    update platform.outbox_held set parked = true
    where subscriber = ${subscriber} and aggregate_type = ${event.aggregateType} and aggregate_id = ${event.aggregateId}`.execute(
    tx,
  );
}

/** Whether the subscriber may have something left to deliver: events past its cursor, or due held ones. */
export async function hasPending(
  executor: Executor,
  subscriber: string,
  types: readonly string[] | undefined,
): Promise<boolean> {
  const result = await sql<{ pending: boolean }>`
    select exists (select 1 from platform.outbox_event e join platform.outbox_cursor c on c.subscriber = ${subscriber}
        where (e.xid, e.id) > (c.xid, c.event_id) ${typeFilter('e', types)})
      or exists (select 1 from platform.outbox_held h where h.subscriber = ${subscriber} and not h.parked
        and ${notBackingOff()}) as pending`.execute(executor);
  return result.rows[0]?.pending ?? false;
}

/** Parked events, by subscriber and in the order they were recorded. */
export async function listParked(
  executor: Executor,
  subscriber: string | undefined,
  limit: number,
): Promise<ParkedEvent[]> {
  const result = await sql<DomainEvent & Omit<ParkedEvent, 'event'>>`
    select h.subscriber, h.attempts, h.last_error as "lastError", h.held_at as "heldAt", ${EVENT_COLUMNS}
    from platform.outbox_held h join platform.outbox_event e on e.id = h.event_id
    where h.parked ${subscriber === undefined ? sql`` : sql`and h.subscriber = ${subscriber}`}
    order by h.subscriber, e.id
    limit ${limit}`.execute(executor);
  return result.rows.map(({ subscriber: name, attempts, lastError, heldAt, ...event }) => ({
    subscriber: name,
    event,
    attempts,
    lastError,
    heldAt,
  }));
}

/** A parked event's aggregate and the first parked event of that aggregate for the subscriber. */
export async function findParked(
  tx: Tx,
  subscriber: string,
  eventId: number,
): Promise<{ aggregateType: string; aggregateId: string; firstEventId: number } | undefined> {
  const result = await sql<{ aggregateType: string; aggregateId: string; firstEventId: number }>`
    select h.aggregate_type as "aggregateType", h.aggregate_id as "aggregateId",
      (select min(f.event_id) from platform.outbox_held f where f.subscriber = h.subscriber
        and f.aggregate_type = h.aggregate_type and f.aggregate_id = h.aggregate_id and f.parked) as "firstEventId"
    from platform.outbox_held h
    where h.subscriber = ${subscriber} and h.event_id = ${eventId} and h.parked`.execute(tx);
  return result.rows[0];
}

/**
 * Unparks the subscriber's parked events (of one aggregate, or all), with fresh attempts, due now.
 * Returns how many.
 */
export async function releaseParked(
  tx: Tx,
  subscriber: string,
  aggregate?: { aggregateType: string; aggregateId: string },
): Promise<number> {
  const result = await sql`
    update platform.outbox_held set parked = false, attempts = 0, next_attempt_at = now()
    where subscriber = ${subscriber} and parked
      ${aggregate ? sql`and aggregate_type = ${aggregate.aggregateType} and aggregate_id = ${aggregate.aggregateId}` : sql``}`.execute(
    tx,
  );
  return Number(result.numAffectedRows ?? 0);
}
