/**
 * Delivers outbox events (outbox.ts) to in-process subscribers: each subscriber gets every event of
 * its types at least once, each aggregate's events in the order they were recorded, and a restart
 * or crash resumes from the subscriber's last committed position. See docs/events.md.
 *
 * How, and why:
 * - None lost. A bigserial id is taken before commit, so on PostgreSQL a transaction holding id 10
 *   can commit after one holding id 11; a cursor kept on ids would pass 10 forever. Each event also
 *   carries its transaction's id (xid8). Only events whose xid is below the oldest transaction still
 *   running (`pg_snapshot_xmin`) are read, in (xid, id) order, and the cursor is an (xid, id) pair:
 *   below that horizon every transaction has finished, so nothing new can ever appear behind the
 *   cursor. A long transaction delays delivery; it never causes a loss.
 * - In order per aggregate. (xid, id) order is not quite recording order: a transaction that began
 *   writing early can record an aggregate's event after a younger transaction did. recordEvent
 *   serialises recording per aggregate, so id order is the aggregate's order, and an event read
 *   before an earlier-recorded event of its aggregate is held back until that one arrives; held
 *   events go out per aggregate in id order.
 * - One batch, one transaction. A batch for a subscriber runs in one transaction that first locks
 *   the subscriber's cursor row (`for update skip locked`: across worker processes only one delivers
 *   to a subscriber at a time), hands each event to the handler with that transaction, then moves
 *   the cursor. A handler's own writes commit with the cursor, so database effects happen exactly
 *   once; outside effects (mail, HTTP) happen at least once and must tolerate a repeat.
 * - Failures. A handler that throws rolls its batch back; the failure is recorded in a transaction
 *   of its own and the event is held: retried with backoff, parked after `maxAttempts`. Later events
 *   of the same aggregate are held behind it, other aggregates flow on, other subscribers are not
 *   affected. Operators list parked events and release them (`listParked`, `retryParked`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { ConflictError, type FieldError, NotFoundError, UnavailableError, ValidationError } from '../errors.js';
import {
  deleteHeld,
  deliveryState,
  ensureCursors,
  hasDueHeld,
  hasNewEvents,
  hasPending,
  holdEvent,
  listParked,
  lockCursor,
  moveCursor,
  type ParkedEvent,
  parkAggregate,
  readDueHeld,
  readNewEvents,
  recordFailure,
} from './delivery.repository.js';
import type { DomainEvent } from './outbox.js';
import { releaseParkedEvents } from './parked-release.js';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from './retry-backoff.js';
import './events.messages.js';

export type { ParkedEvent } from './delivery.repository.js';

/** Reacts to one event. Database writes go through `tx`, so they commit with the delivery or not at all. */
export type EventHandler = (event: DomainEvent, tx: Transaction<unknown>) => Promise<void>;

export interface SubscribeOptions {
  /** Only these event types (exact, e.g. `cases.case.completed`); all types when absent. */
  types?: string[];
}

/** Where the dispatcher reports failures; a pino logger fits. */
export interface EventLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface EventDispatcherOptions {
  /** How long an idle dispatcher waits before it looks again, unless nudged. */
  pollIntervalMs?: number;
  /** Events per subscriber per transaction. */
  batchSize?: number;
  /** Failed deliveries of one event before it is parked. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  logger?: EventLogger;
}

interface Subscriber {
  name: string;
  types: readonly string[] | undefined;
  handler: EventHandler;
}

/** A handler's exception, told apart from the database's own so that only it is charged to the event. */
class HandlerFailure extends Error {
  constructor(
    readonly event: DomainEvent,
    override readonly cause: unknown,
  ) {
    super(`handler failed on event ${event.id}`);
  }
}

const SUBSCRIBER_NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const MAX_ERROR_LENGTH = 2000;
/** How often `drain` looks again while events wait behind an open transaction or another worker. */
const DRAIN_RECHECK_MS = 20;
/** How soon a running dispatcher looks again at events kept back by an open older transaction. */
const HORIZON_RECHECK_MS = 100;

export class EventDispatcher {
  readonly #database: Database;
  readonly #subscribers = new Map<string, Subscriber>();
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #backoff: BackoffPolicy;
  readonly #logger: EventLogger;
  #prepared: Promise<void> | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #nudged = false;
  #wake: (() => void) | undefined;

  /**
   * @example
   * const events = new EventDispatcher(database, { logger });
   * events.subscribe('archives.completed-cases', { types: ['cases.case.completed'] }, archiveCase);
   * events.start();
   */
  constructor(database: Database, options: EventDispatcherOptions = {}) {
    this.#database = database;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#batchSize = options.batchSize ?? 100;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#logger = options.logger ?? console;
  }

  /**
   * Registers a handler under a stable name: the name keys its cursor, so renaming a subscriber
   * starts it again from the first event. Register before the first delivery.
   * @example events.subscribe('search.articles', { types: ['sites.article.published'] }, indexArticle);
   */
  subscribe(name: string, options: SubscribeOptions, handler: EventHandler): void {
    if (this.#prepared || this.#loop) throw new ConflictError('events.subscribe_after_start', { subscriber: name });
    if (this.#subscribers.has(name)) throw new ConflictError('events.subscriber_exists', { subscriber: name });
    const fields: FieldError[] = [];
    if (!SUBSCRIBER_NAME.test(name)) fields.push({ pointer: '/name', reason: 'pattern' });
    if (options.types?.length === 0) fields.push({ pointer: '/types', reason: 'minItems' });
    for (const [index, type] of (options.types ?? []).entries()) {
      if (!EVENT_TYPE.test(type)) fields.push({ pointer: `/types/${index}`, reason: 'pattern' });
    }
    if (fields.length > 0) {
      throw new ValidationError('events.subscriber_invalid', fields, { subscriber: name, count: fields.length });
    }
    this.#subscribers.set(name, { name, types: options.types && [...new Set(options.types)], handler });
  }

  /** Delivers in the background until `stop`. */
  start(): void {
    if (this.#loop) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops delivering: the batch in hand finishes (and commits) first. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Look for events now rather than at the next poll, e.g. right after a commit that recorded some. */
  nudge(): void {
    this.#nudged = true;
    this.#wake?.();
  }

  /**
   * Delivers what can be delivered now, without waiting for open transactions; returns how many
   * events were delivered, held back or charged a failure.
   * @example await events.deliverAvailable();
   */
  async deliverAvailable(): Promise<number> {
    let total = 0;
    for (;;) {
      const progress = await this.#deliverRound();
      total += progress;
      if (progress === 0) return total;
    }
  }

  /**
   * Delivers until every subscriber has caught up with every committed event, waiting for open
   * transactions and other workers; events waiting out a backoff or parked are left. For tests and
   * the CLI.
   * @example await events.drain({ timeoutMs: 10_000 });
   */
  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const progress = await this.#deliverRound();
      if (progress === 0 && !(await this.#anyPending())) return;
      // Checked after every round, so a stream of new events cannot keep drain going for ever.
      if (Date.now() >= deadline) throw new UnavailableError('events.drain_timed_out', { timeoutMs });
      if (progress === 0) await sleep(DRAIN_RECHECK_MS);
    }
  }

  /**
   * Parked events, of one subscriber or all, oldest first.
   * @example const parked = await events.listParked('archives.completed-cases');
   */
  async listParked(subscriber?: string, options: { limit?: number } = {}): Promise<ParkedEvent[]> {
    return listParked(this.#database.kysely, subscriber, options.limit ?? 1_000);
  }

  /**
   * Releases parked events for another round of attempts: all of the subscriber's, or, given an
   * event, its aggregate's (that event must be the aggregate's first parked one, so order holds).
   * Returns how many were released; a running dispatcher (in any process) delivers them.
   * @example await events.retryParked('archives.completed-cases', 1042);
   */
  async retryParked(subscriber: string, eventId?: number): Promise<number> {
    if (!this.#subscribers.has(subscriber)) throw new NotFoundError('events.subscriber_not_found', { subscriber });
    await this.#prepare();
    const released = await releaseParkedEvents(this.#database, subscriber, eventId);
    this.nudge();
    return released;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#nudged = false;
      const progress = await this.#deliverRound();
      if (progress === 0 && !this.#nudged && this.#running) {
        // Committed events that an older transaction still open somewhere on the server keeps back (the
        // outbox is read in transaction order): look again soon, not after a whole poll interval.
        const waiting = await this.#anyPending().catch(() => false);
        if (!this.#nudged && this.#running) await this.#pause(waiting ? HORIZON_RECHECK_MS : this.#pollIntervalMs);
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.#wake = undefined;
    });
  }

  /** Creates missing cursors once; from then on the set of subscribers is fixed. */
  #prepare(): Promise<void> {
    this.#prepared ??= ensureCursors(this.#database.kysely, [...this.#subscribers.keys()]).catch((error) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
  }

  /** One batch of new events and one of held events per subscriber; one subscriber's trouble stays its own. */
  async #deliverRound(): Promise<number> {
    let progress = 0;
    for (const subscriber of this.#subscribers.values()) {
      try {
        await this.#prepare();
        progress += await this.#deliverNew(subscriber);
        progress += await this.#deliverHeld(subscriber);
      } catch (error) {
        this.#logger.error({ err: error, subscriber: subscriber.name }, 'event delivery stopped by an error');
      }
    }
    return progress;
  }

  async #deliverNew(subscriber: Subscriber): Promise<number> {
    // Looked at without a lock first: locking assigns a transaction id and writes, and an idle
    // dispatcher should cost the database one cheap read per poll.
    if (!(await hasNewEvents(this.#database.kysely, subscriber.name))) return 0;
    return this.#inBatch(subscriber, async (tx) => {
      const cursor = await lockCursor(tx, subscriber.name, true);
      if (!cursor) return 0;
      const { horizon, events } = await readNewEvents(tx, subscriber.name, cursor, subscriber.types, this.#batchSize);
      // Aggregates held in this batch, and whether parked: their later events are held behind.
      const held = new Map<string, boolean>();
      for (const event of events) {
        const key = aggregateKey(event);
        const parked = held.get(key) ?? event.heldParked;
        if (parked !== null || event.inverted) {
          await holdEvent(tx, subscriber.name, event, parked ?? false);
          held.set(key, parked ?? false);
        } else {
          await this.#handle(subscriber, event, tx);
        }
      }
      // A short batch read everything below the horizon, so the cursor moves up to it: events of
      // other types and empty stretches are not read again.
      const last = events.at(-1);
      const to =
        events.length === this.#batchSize && last ? { xid: last.xid, eventId: last.id } : { xid: horizon, eventId: 0 };
      await moveCursor(tx, subscriber.name, to);
      return events.length;
    });
  }

  async #deliverHeld(subscriber: Subscriber): Promise<number> {
    if (!(await hasDueHeld(this.#database.kysely, subscriber.name))) return 0;
    return this.#inBatch(subscriber, async (tx) => {
      if (!(await lockCursor(tx, subscriber.name, true))) return 0;
      const events = await readDueHeld(tx, subscriber.name, subscriber.types, this.#batchSize);
      // An aggregate stops at its first event that must still wait; the rest of it waits too.
      const stopped = new Set<string>();
      let delivered = 0;
      for (const event of events) {
        const key = aggregateKey(event);
        if (event.waiting || stopped.has(key)) {
          stopped.add(key);
          continue;
        }
        await this.#handle(subscriber, event, tx);
        await deleteHeld(tx, subscriber.name, event.id);
        delivered++;
      }
      return delivered;
    });
  }

  async #handle(subscriber: Subscriber, event: DomainEvent, tx: Transaction<unknown>): Promise<void> {
    const delivered = toDomainEvent(event);
    try {
      await subscriber.handler(delivered, tx);
    } catch (error) {
      throw new HandlerFailure(delivered, error);
    }
  }

  /** Runs a batch; when a handler fails, the batch is gone and the failure is charged to its event. */
  async #inBatch(subscriber: Subscriber, batch: (tx: Transaction<unknown>) => Promise<number>): Promise<number> {
    try {
      return await this.#database.transaction(batch);
    } catch (error) {
      if (!(error instanceof HandlerFailure)) throw error;
      await this.#chargeFailure(subscriber, error.event, error.cause);
      return 1;
    }
  }

  async #chargeFailure(subscriber: Subscriber, event: DomainEvent, cause: unknown): Promise<void> {
    const failure = await this.#database.transaction(async (tx) => {
      await lockCursor(tx, subscriber.name, false);
      const state = await deliveryState(tx, subscriber.name, event.id);
      // Delivered by another worker since this one failed: nothing to charge.
      if (!state) return undefined;
      const attempts = ('attempts' in state ? state.attempts : 0) + 1;
      const parked = attempts >= this.#maxAttempts;
      const charged = {
        attempts,
        parked,
        lastError: describe(cause),
        retryInMs: backoffDelayMs(attempts, this.#backoff),
      };
      await recordFailure(tx, subscriber.name, event, charged);
      if (parked) await parkAggregate(tx, subscriber.name, event);
      return charged;
    });
    if (!failure) return;
    this.#logger.warn(
      { err: cause, subscriber: subscriber.name, eventId: event.id, type: event.type, attempts: failure.attempts },
      failure.parked ? 'event parked after failed deliveries' : 'event delivery failed; will retry',
    );
  }

  async #anyPending(): Promise<boolean> {
    for (const subscriber of this.#subscribers.values()) {
      if (await hasPending(this.#database.kysely, subscriber.name, subscriber.types)) return true;
    }
    return false;
  }
}

function aggregateKey(event: DomainEvent): string {
  return `${event.aggregateType}\u0000${event.aggregateId}`;
}

/** Only the event itself reaches a handler, not the dispatcher's bookkeeping columns. */
function toDomainEvent(event: DomainEvent): DomainEvent {
  const { id, aggregateType, aggregateId, type, payload, occurredAt, requestId } = event;
  return { id, aggregateType, aggregateId, type, payload, occurredAt, requestId };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
