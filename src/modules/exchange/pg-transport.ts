/**
 * The PostgreSQL delivery queue: the delivery rows are the queue. Push workers lease due rows with
 * `for update skip locked` (so several processes share the work), push them, and record the outcome;
 * a lease that runs out (a crashed worker) makes its row due again. A commit wakes this process's
 * worker at once, and the workers of other processes on the same database through a PostgreSQL
 * notification (so a `--role web` process's publishes are pushed by `--role worker` processes
 * without waiting for their poll). Several rounds run at once, so a
 * slow endpoint holds up only its own round: rows in flight stay leased, which keeps the next row of
 * each of their keys back, so concurrent rounds never reorder a key.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { backoffDelayMs } from '../../platform/events/retry-backoff.js';
import type { ConfigCache } from './config-cache.js';
import {
  completeDeliveries,
  failDelivery,
  type LeasedDelivery,
  leaseDeliveries,
  recordPushOutcomes,
} from './delivery.repository.js';
import { deliveryBody, deliveryEvent, loadMessages, outboundMappings, signDelivery } from './delivery-event.js';
import { type DeliveryPolicy, pushDeliveries } from './push-delivery.js';
import type { RoutedDelivery } from './routing.js';
import type { SigningKey } from './signing-key.service.js';
import type { DeliveryTransport, PulledDelivery } from './transport.js';

export interface PostgresTransportDeps {
  database: Database;
  signingKey: () => Promise<SigningKey>;
  policy: DeliveryPolicy;
  logger: Logger;
  /** The process's configuration cache (endpoints, outbound mappings). */
  config: ConfigCache;
  /** How often an idle worker looks for due rows (retries, other processes' messages). */
  pollMs?: number;
  /** Deliveries leased per round. */
  batchSize?: number;
  /** Rounds one process pushes at once. */
  concurrency?: number;
  /** How long a push lease lasts before another worker may take the row. */
  leaseMs?: number;
}

export class PostgresTransport implements DeliveryTransport {
  readonly name = 'postgres' as const;
  readonly #deps: PostgresTransportDeps;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #woken = false;
  readonly #rounds = new Set<Promise<void>>();
  #unlisten: (() => Promise<void>) | null = null;
  /** Tells this transport's notifications from others'. */
  readonly #token = randomUUID();
  /** A notification is being sent, and whether another commit asked for one meanwhile. */
  #notifying = false;
  #notifyAgain = false;

  constructor(deps: PostgresTransportDeps) {
    this.#deps = deps;
  }

  routed(deliveries: readonly RoutedDelivery[]): void {
    if (!deliveries.some((delivery) => delivery.mode === 'push')) return;
    this.#signal();
    this.#notifyOthers();
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    // A notification of its own is ignored: its commit woke the worker already.
    this.#unlisten = await this.#deps.database.listen(PUSH_CHANNEL, (payload) => {
      if (payload !== this.#token) this.#signal();
    });
    this.#loop = this.#run();
  }

  async close(): Promise<void> {
    this.#running = false;
    this.#signal();
    await this.#unlisten?.();
    this.#unlisten = null;
    await this.#loop;
    this.#loop = null;
  }

  /**
   * Tells the other processes' workers that push rows were committed: one notification at a time,
   * and one more after it when commits came meanwhile, however many there were. Only a latency
   * hint: a worker that misses it finds the rows on its next poll.
   */
  #notifyOthers(): void {
    if (this.#notifying) {
      this.#notifyAgain = true;
      return;
    }
    this.#notifying = true;
    sql`select pg_notify(${PUSH_CHANNEL}, ${this.#token})`
      .execute(this.#deps.database.kysely)
      .catch((error: unknown) => this.#deps.logger.warn({ err: error }, 'exchange push notification not sent'))
      .finally(() => {
        this.#notifying = false;
        if (this.#notifyAgain) {
          this.#notifyAgain = false;
          this.#notifyOthers();
        }
      });
  }

  async fetch(subscriptionId: string, max: number, leaseMs: number): Promise<PulledDelivery[]> {
    const { database, signingKey, policy } = this.#deps;
    const leased = await leaseDeliveries(database.kysely, { mode: 'pull', subscriptionId, limit: max, leaseMs });
    const messages = await loadMessages(
      database.kysely,
      leased.map((lease) => lease.messageSeq),
    );
    const memberId = await subscriberOf(database, subscriptionId);
    const key = await signingKey();
    const mappings = outboundMappings(database.kysely);
    const pulled: PulledDelivery[] = [];
    for (const lease of leased) {
      const message = messages.get(lease.messageSeq)!;
      try {
        const event = await deliveryEvent(database.kysely, message, memberId, mappings);
        pulled.push({
          ackId: `${lease.messageSeq}.${lease.leaseToken}`,
          event,
          signature: signDelivery(deliveryBody(event), key),
          attempt: lease.attempts,
        });
      } catch (error) {
        // A mapping that fails on this message cannot be fixed by the consumer: it goes to the console.
        await failDelivery(database.kysely, lease, {
          error: error instanceof DomainError ? `mapping: ${error.code}` : 'mapping: failed',
          retryAt: new Date(Date.now() + backoffDelayMs(lease.attempts, policy.backoff)),
          dead: true,
        });
      }
    }
    return pulled;
  }

  async ack(subscriptionId: string, ackIds: readonly string[]): Promise<number> {
    return completeDeliveries(this.#deps.database.kysely, subscriptionId, parseAckIds(ackIds));
  }

  async nack(subscriptionId: string, ackIds: readonly string[]): Promise<number> {
    const { database, policy } = this.#deps;
    let count = 0;
    for (const lease of parseAckIds(ackIds)) {
      const attempts = await attemptsOf(database, subscriptionId, lease.messageSeq);
      const failed = await failDelivery(
        database.kysely,
        { subscriptionId, ...lease },
        {
          error: 'refused by the consumer',
          retryAt: new Date(Date.now() + backoffDelayMs(attempts, policy.backoff)),
          dead: attempts >= policy.maxAttempts,
        },
      );
      if (failed) count += 1;
    }
    return count;
  }

  async #run(): Promise<void> {
    const { database, logger } = this.#deps;
    const limit = this.#deps.batchSize ?? 256;
    const concurrency = this.#deps.concurrency ?? 4;
    while (this.#running) {
      while (this.#rounds.size >= concurrency) await Promise.race(this.#rounds);
      let leased: LeasedDelivery[] = [];
      try {
        leased = await leaseDeliveries(database.kysely, { mode: 'push', limit, leaseMs: this.#deps.leaseMs ?? 60_000 });
      } catch (error) {
        logger.error({ err: error }, 'exchange push round failed');
      }
      if (leased.length > 0) {
        const round: Promise<void> = this.#push(leased)
          .catch((error: unknown) => logger.error({ err: error }, 'exchange push round failed'))
          .finally(() => {
            this.#rounds.delete(round);
            // The next delivery of each key in the round may now be due.
            this.#signal();
          });
        this.#rounds.add(round);
      }
      // A full round means more are due now; otherwise wait for a commit, a finished round or the poll.
      if (leased.length < limit && this.#running) await this.#idle();
    }
    await Promise.all(this.#rounds);
  }

  async #push(leased: LeasedDelivery[]): Promise<void> {
    const { database, signingKey, policy, logger, config } = this.#deps;
    const outcomes = await pushDeliveries(database.kysely, leased, { signingKey, policy, config });
    await recordPushOutcomes(
      database.kysely,
      outcomes.map((outcome, index) => ({ lease: leased[index]!, outcome })),
    );
    for (const [index, outcome] of outcomes.entries()) {
      if (!outcome.delivered && outcome.dead) {
        const lease = leased[index]!;
        logger.warn(
          { subscriptionId: lease.subscriptionId, seq: lease.messageSeq, error: outcome.error },
          'exchange delivery dead',
        );
      }
    }
  }

  #idle(): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#deps.pollMs ?? 500);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = null;
        self.#woken = false;
        resolve();
      }
      this.#wake = done;
    });
  }

  #signal(): void {
    if (this.#wake) this.#wake();
    else this.#woken = true;
  }
}

/** The channel on which commits with push deliveries wake the PostgreSQL queue's workers in every process. */
export const PUSH_CHANNEL = 'huitong_exchange_push';

/** `<seq>.<lease token>` pairs; malformed ones are ignored (they match no lease anyway). */
export function parseAckIds(ackIds: readonly string[]): Array<{ messageSeq: number; leaseToken: string }> {
  return ackIds.flatMap((ackId) => {
    const match = /^(\d{1,18})\.([0-9a-f-]{36})$/.exec(ackId);
    return match ? [{ messageSeq: Number(match[1]), leaseToken: match[2]! }] : [];
  });
}

async function subscriberOf(database: Database, subscriptionId: string): Promise<string> {
  const row = await database.kysely
    .selectFrom('exchange.subscription')
    .select('member_id')
    .where('id', '=', subscriptionId)
    .executeTakeFirstOrThrow();
  return row.member_id as string;
}

async function attemptsOf(database: Database, subscriptionId: string, messageSeq: number): Promise<number> {
  const row = await database.kysely
    .selectFrom('exchange.delivery')
    .select('attempts')
    .where('subscription_id', '=', subscriptionId)
    .where('message_seq', '=', messageSeq)
    .executeTakeFirst();
  return (row?.attempts as number | undefined) ?? 0;
}
