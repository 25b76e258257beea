/**
 * The NATS JetStream delivery transport: JetStream carries push work between processes, PostgreSQL
 * stays the system of record and the coordinator.
 *
 * The publish transaction writes the delivery rows, as with the PostgreSQL queue. A relay (in each
 * pushing process) leases due push rows with a long lease and publishes, per subscription, one
 * JetStream message holding that round's leases (a job each); workers in any process take them from
 * one durable pull consumer, push, record the outcomes on the rows and only then ack. So:
 * - per-key order comes from the rows: `leaseDeliveries` hands out only the head of each partition
 *   key, so at most one delivery per key is ever in JetStream, whatever order workers take them in;
 * - nothing is lost: a lease that runs out (a crashed relay or worker, a message JetStream gave up
 *   on) makes its row due again and it is relayed again under a new lease;
 * - a JetStream message whose lease is no longer current (relayed again meanwhile, or delivered) is
 *   dropped by the worker unpushed, so a stale copy can neither duplicate nor overtake its key;
 * - the retry policy (backoff, attempt limit, dead letters) is the rows', exactly as on PostgreSQL.
 * Pull subscriptions (`fetch`/`ack`/`nack`) are served from the rows by the PostgreSQL implementation.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos, type Subscription } from '@nats-io/transport-node';
import { sql } from 'kysely';
import { type Database, PREPARED } from '../../platform/db/database.js';
import { type LeasedDelivery, leaseDeliveries, recordPushOutcomes, releaseDeliveries } from './delivery.repository.js';
import { PostgresTransport } from './pg-transport.js';
import { pushDeliveries } from './push-delivery.js';
import type { RoutedDelivery } from './routing.js';
import type { DeliveryTransport, PulledDelivery, TransportDeps } from './transport.js';

export interface NatsTransportOptions {
  /** JetStream stream holding push work; its subjects are `<subjectPrefix>.push.>`. */
  streamName?: string;
  /** Subjects: `<prefix>.push.<subscription id>` (in the stream) and `<prefix>.wake` (core NATS). */
  subjectPrefix?: string;
  /** The durable pull consumer all pushing processes share. */
  consumerName?: string;
  /** How often an idle relay looks for due rows (retries come due, leases run out). */
  pollMs?: number;
  /** Rows leased per relay round, and jobs a worker pushes together. */
  batchSize?: number;
  /** How long a relayed row stays leased: longer than a message normally waits in JetStream. */
  relayLeaseMs?: number;
  /** Times JetStream hands one message out before giving up on it (the row's lease then runs out). */
  maxDeliver?: number;
  /** Batches one process pushes at once. */
  concurrency?: number;
  /**
   * Messages (each one round's jobs for one subscription) in the stream not yet acked above which
   * relays stop leasing: rows wait, due, in PostgreSQL rather than leased in a backlog whose leases
   * could run out before a worker gets to them.
   */
  maxOutstanding?: number;
}

/**
 * The stream, subjects and consumer of the platform called `name` (`HUITONG_NATS_NAME`), so several
 * platforms can share one NATS server without taking each other's work.
 * @example natsNames('huitong') // { streamName: 'HUITONG_EXCHANGE', subjectPrefix: 'huitong.exchange', consumerName: 'huitong-exchange-push' }
 */
export function natsNames(
  name: string,
): Required<Pick<NatsTransportOptions, 'streamName' | 'subjectPrefix' | 'consumerName'>> {
  return {
    streamName: `${name.toUpperCase()}_EXCHANGE`,
    subjectPrefix: `${name}.exchange`,
    consumerName: `${name}-exchange-push`,
  };
}

export const NATS_DEFAULTS = {
  ...natsNames('huitong'),
  pollMs: 1_000,
  batchSize: 256,
  relayLeaseMs: 5 * 60_000,
  maxDeliver: 3,
  concurrency: 4,
  maxOutstanding: 200,
} as const satisfies Required<NatsTransportOptions>;

const PUBLISH_ATTEMPTS = 3;

/** How old the relay's count of unfinished messages may grow before it asks the consumer again. */
const OUTSTANDING_RECHECK_MS = 1_000;

/**
 * One lease of push work: the lease, not the message (workers read it from the log). A relayed
 * JetStream message carries a JSON array of them, all of one subscription (a single object, as
 * relays before batching sent, is read as an array of one).
 */
export interface PushJob {
  subscriptionId: string;
  messageSeq: number;
  leaseToken: string;
  attempts: number;
}

/** A job's identity: which lease of which delivery. */
export function pushJobId(job: PushJob): string {
  return `${job.subscriptionId}:${job.messageSeq}:${job.leaseToken}`;
}

/**
 * JetStream de-duplicates a publish repeated within the window (a relay retrying after a lost ack):
 * a message of jobs is named by its first job (a fresh lease token) and how many it holds.
 */
export function pushMessageId(jobs: readonly PushJob[]): string {
  return jobs.length === 1 ? pushJobId(jobs[0]!) : `${pushJobId(jobs[0]!)}+${jobs.length}`;
}

/**
 * `openExchange`'s `openTransport` for NATS.
 * @example const exchange = await openExchange({ ...options, openTransport: openNatsTransport(config.natsUrl) });
 */
export function openNatsTransport(
  url: string,
  options: NatsTransportOptions = {},
): (deps: TransportDeps) => Promise<NatsTransport> {
  return (deps) => NatsTransport.open({ ...deps, ...options, url });
}

export class NatsTransport implements DeliveryTransport {
  readonly name = 'nats' as const;
  readonly #deps: TransportDeps;
  readonly #options: Required<NatsTransportOptions>;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #rows: PostgresTransport;
  #running = false;
  #relay: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #woken = false;
  #wakeSubscription: Subscription | null = null;
  #messages: ConsumerMessages | null = null;
  #consuming: Promise<void> | null = null;
  readonly #inFlight = new Set<Promise<void>>();
  #buffer: Array<{ message: JsMsg; jobs: PushJob[] }> = [];
  #bufferedJobs = 0;
  #flushTimer: NodeJS.Immediate | null = null;
  #watching: Promise<void> | null = null;
  /** Unfinished jobs in the stream as this relay last knew them (`#roomInStream`). */
  #outstanding = { count: 0, readAt: Number.NEGATIVE_INFINITY };

  private constructor(
    deps: TransportDeps,
    options: Required<NatsTransportOptions>,
    nc: NatsConnection,
    jsm: JetStreamManager,
  ) {
    this.#deps = deps;
    this.#options = options;
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jsm.jetstream();
    this.#rows = new PostgresTransport(deps);
    this.#watching = this.#watchConnection();
  }

  /**
   * Connects (reconnecting for ever after a loss) and creates or updates the stream and the consumer.
   * @throws when NATS cannot be reached at startup: a misconfigured URL should stop the process
   */
  static async open(config: TransportDeps & NatsTransportOptions & { url: string }): Promise<NatsTransport> {
    const { url, database, signingKey, policy, logger, config: configCache, ...rest } = config;
    const options: Required<NatsTransportOptions> = { ...NATS_DEFAULTS, ...withoutUndefined(rest) };
    const nc = await connect({ servers: url, name: 'huitong-exchange', maxReconnectAttempts: -1 });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStreamAndConsumer(jsm, options, policy.timeoutMs);
      return new NatsTransport({ database, signingKey, policy, logger, config: configCache }, options, nc, jsm);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  routed(deliveries: readonly RoutedDelivery[]): void {
    if (!deliveries.some((delivery) => delivery.mode === 'push')) return;
    // A process that does not push (role `web`) wakes the relays of those that do.
    if (this.#running) this.#signal();
    else {
      try {
        this.#nc.publish(this.#wakeSubject);
      } catch (error) {
        // Only a latency hint: the relays find the rows on their next poll anyway.
        this.#deps.logger.warn({ err: error }, 'exchange relay wake not sent');
      }
    }
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#wakeSubscription = this.#nc.subscribe(this.#wakeSubject, { callback: () => this.#signal() });
    this.#relay = this.#runRelay();
    this.#consuming = this.#runConsumer();
  }

  /** Stops relaying and taking work, finishes the pushes in flight, then drains the connection. */
  async close(): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    this.#signal();
    await this.#relay;
    if (wasRunning) {
      await this.#messages?.close();
      await this.#consuming;
      if (this.#flushTimer) clearImmediate(this.#flushTimer);
      this.#flushTimer = null;
      await this.#flush(true);
      await Promise.all(this.#inFlight);
    }
    this.#wakeSubscription?.unsubscribe();
    if (!this.#nc.isClosed()) await this.#nc.drain();
    await this.#watching;
  }

  /** Pull subscriptions are served from the rows, as on the PostgreSQL transport. */
  fetch(subscriptionId: string, max: number, leaseMs: number): Promise<PulledDelivery[]> {
    return this.#rows.fetch(subscriptionId, max, leaseMs);
  }

  ack(subscriptionId: string, ackIds: readonly string[]): Promise<number> {
    return this.#rows.ack(subscriptionId, ackIds);
  }

  nack(subscriptionId: string, ackIds: readonly string[]): Promise<number> {
    return this.#rows.nack(subscriptionId, ackIds);
  }

  get #wakeSubject(): string {
    return `${this.#options.subjectPrefix}.wake`;
  }

  // ---- relay: due rows → JetStream ----

  async #runRelay(): Promise<void> {
    const { logger } = this.#deps;
    let failures = 0;
    while (this.#running) {
      let leased = 0;
      try {
        leased = await this.#relayRound();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.error({ err: error }, 'exchange relay round failed');
      }
      if (!this.#running) break;
      // A full round means more are due; after a failure (NATS or PostgreSQL away) wait longer each time.
      if (failures > 0) await this.#idle(Math.min(this.#options.pollMs * 2 ** failures, 30_000));
      else if (leased < this.#options.batchSize) await this.#idle(this.#options.pollMs);
    }
  }

  /** Leases due push rows and publishes them, a message per subscription; returns how many were leased. */
  async #relayRound(): Promise<number> {
    const { database } = this.#deps;
    if (!(await this.#roomInStream())) return 0;
    const leased = await leaseDeliveries(database.kysely, {
      mode: 'push',
      limit: this.#options.batchSize,
      leaseMs: this.#options.relayLeaseMs,
    });
    if (leased.length === 0) return 0;
    const groups = [...groupBySubscription(leased)];
    const published = await Promise.allSettled(
      groups.map(([subscriptionId, leases]) => this.#publish(subscriptionId, leases)),
    );
    const unpublished = groups.filter((_, index) => published[index]!.status === 'rejected');
    if (unpublished.length > 0) {
      // Given back untried, so they need not wait for the long lease; a copy that did reach the
      // stream carries the old lease tokens and is dropped by the worker.
      for (const [subscriptionId, leases] of unpublished) {
        await releaseDeliveries(database.kysely, subscriptionId, leases);
      }
      throw (published.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult).reason;
    }
    this.#outstanding.count += groups.length;
    return leased.length;
  }

  /**
   * Whether the stream has room for another round. The consumer's count is read only when this
   * relay's estimate (the count last read plus the jobs it published since) reaches the cap, or
   * once it is a second old: asking on every round cost a NATS request per round. Jobs finished
   * meanwhile only make the estimate high, and a high estimate is read again before it refuses.
   */
  async #roomInStream(): Promise<boolean> {
    const { maxOutstanding, streamName, consumerName } = this.#options;
    if (this.#outstanding.count >= maxOutstanding || Date.now() - this.#outstanding.readAt >= OUTSTANDING_RECHECK_MS) {
      const readAt = Date.now();
      const info = await this.#jsm.consumers.info(streamName, consumerName);
      this.#outstanding = { count: info.num_pending + info.num_ack_pending, readAt };
    }
    return this.#outstanding.count < maxOutstanding;
  }

  async #publish(subscriptionId: string, leases: readonly LeasedDelivery[]): Promise<void> {
    const jobs: PushJob[] = leases.map((lease) => ({
      subscriptionId,
      messageSeq: lease.messageSeq,
      leaseToken: lease.leaseToken,
      attempts: lease.attempts,
    }));
    const subject = `${this.#options.subjectPrefix}.push.${subscriptionId}`;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#js.publish(subject, JSON.stringify(jobs), { msgID: pushMessageId(jobs) });
        return;
      } catch (error) {
        // A lost or late ack does not mean the job was not stored: the same message id again is
        // safe (de-duplicated), whereas giving the row back could push it twice.
        if (attempt >= PUBLISH_ATTEMPTS || !this.#running) throw error;
      }
    }
  }

  #idle(ms: number): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
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

  // ---- workers: JetStream → subscribers ----

  async #runConsumer(): Promise<void> {
    const { logger } = this.#deps;
    while (this.#running) {
      try {
        const consumer = await this.#js.consumers.get(this.#options.streamName, this.#options.consumerName);
        // Each message is up to a round of jobs: a few per worker round are enough to keep them busy.
        const messages = await consumer.consume({ max_messages: this.#options.concurrency * 4 });
        this.#messages = messages;
        // Closed while it was being set up: the loop below then ends at once (awaiting here could not:
        // a close completes only as the iterator is read).
        if (!this.#running) void messages.close();
        for await (const message of messages) {
          const jobs = readJobs(message);
          if (!jobs) {
            logger.warn({ subject: message.subject, seq: message.seq }, 'exchange push job malformed; dropped');
            message.term('malformed');
            continue;
          }
          this.#buffer.push({ message, jobs });
          this.#bufferedJobs += jobs.length;
          // A full batch goes out at once (and holds the pull back while workers are busy); a partial
          // one when the messages already received have been taken, so batches form only under load.
          if (this.#bufferedJobs >= this.#options.batchSize) await this.#flush(false);
          else this.#flushSoon();
        }
      } catch (error) {
        logger.error({ err: error }, 'exchange push consumer failed; retrying');
        if (this.#running) await new Promise((resolve) => setTimeout(resolve, this.#options.pollMs));
      }
    }
  }

  #flushSoon(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setImmediate(() => {
      this.#flushTimer = null;
      void this.#flush(true);
    });
  }

  async #flush(all: boolean): Promise<void> {
    while (this.#buffer.length > 0) {
      while (this.#inFlight.size >= this.#options.concurrency) await Promise.race(this.#inFlight);
      // Another flush (the consumer's, or one set for later) may have taken them while this one waited.
      if (this.#buffer.length === 0) break;
      // Whole messages, up to a batch of jobs (one message at least, whatever its size).
      let taken = 1;
      let jobs = this.#buffer[0]!.jobs.length;
      while (taken < this.#buffer.length && jobs + this.#buffer[taken]!.jobs.length <= this.#options.batchSize) {
        jobs += this.#buffer[taken]!.jobs.length;
        taken += 1;
      }
      const batch = this.#buffer.splice(0, taken);
      this.#bufferedJobs -= jobs;
      const task: Promise<void> = this.#process(batch).finally(() => this.#inFlight.delete(task));
      this.#inFlight.add(task);
      if (!all) break;
    }
  }

  /**
   * Pushes the jobs of these messages whose leases are still current, records every outcome, and
   * only then acks the messages; if anything fails before that, JetStream hands them out again.
   */
  async #process(batch: ReadonlyArray<{ message: JsMsg; jobs: PushJob[] }>): Promise<void> {
    const { database, signingKey, policy, logger, config } = this.#deps;
    try {
      const jobs = batch.flatMap((entry) => entry.jobs);
      const current = await currentLeases(database, jobs, policy.timeoutMs);
      // A job relayed again meanwhile, or already recorded, is not pushed: it could only repeat or reorder.
      const live: LeasedDelivery[] = jobs.flatMap((job) => {
        const lease = current.get(pushJobId(job));
        return lease ? [{ ...job, ...lease, partitionKey: null }] : [];
      });
      let headFreed = false;
      if (live.length > 0) {
        const outcomes = await pushDeliveries(database.kysely, live, { signingKey, policy, config });
        await recordPushOutcomes(
          database.kysely,
          outcomes.map((outcome, index) => ({ lease: live[index]!, outcome })),
        );
        for (const [index, outcome] of outcomes.entries()) {
          if (outcome.delivered) headFreed = true;
          else if (outcome.dead) {
            headFreed = true;
            const lease = live[index]!;
            logger.warn(
              { subscriptionId: lease.subscriptionId, seq: lease.messageSeq, error: outcome.error },
              'exchange delivery dead',
            );
          }
        }
      }
      for (const { message } of batch) message.ack();
      // The next delivery of each finished key is now the head: relay it without waiting for a poll.
      if (headFreed && this.#running) this.#signal();
    } catch (error) {
      logger.error({ err: error }, 'exchange push batch failed; JetStream hands it out again');
      for (const { message } of batch) message.nak(this.#options.pollMs * 5);
    }
  }

  async #watchConnection(): Promise<void> {
    const { logger } = this.#deps;
    for await (const status of this.#nc.status()) {
      if (status.type === 'disconnect')
        logger.warn({ server: status.server }, 'exchange NATS connection lost; reconnecting');
      else if (status.type === 'reconnect') {
        logger.info({ server: status.server }, 'exchange NATS connection restored');
        this.#signal();
      } else if (status.type === 'error') logger.error({ err: status.error }, 'exchange NATS error');
    }
  }
}

/**
 * Creates the stream and the consumer, or brings an existing one's settings up to date; safe to run
 * from every process at every start.
 */
async function ensureStreamAndConsumer(
  jsm: JetStreamManager,
  options: Required<NatsTransportOptions>,
  pushTimeoutMs: number,
): Promise<void> {
  const subject = `${options.subjectPrefix}.push.>`;
  const stream = {
    subjects: [subject],
    // A job outlives its usefulness with its lease: by then the row is due again and relayed anew.
    max_age: nanos(Math.max(options.relayLeaseMs * 2, 60 * 60_000)),
    duplicate_window: nanos(2 * 60_000),
  };
  if (await exists(() => jsm.streams.info(options.streamName))) await jsm.streams.update(options.streamName, stream);
  else {
    await jsm.streams.add({
      name: options.streamName,
      ...stream,
      storage: StorageType.File,
      // Acked jobs are removed: the stream is a work queue, the rows are the record.
      retention: RetentionPolicy.Workqueue,
    });
  }
  const consumer = {
    filter_subject: subject,
    // Long enough for a full batch of pushes that each run to the time limit.
    ack_wait: nanos(Math.max(30_000, 3 * pushTimeoutMs)),
    max_deliver: options.maxDeliver,
    max_ack_pending: 20_000,
  };
  if (await exists(() => jsm.consumers.info(options.streamName, options.consumerName))) {
    await jsm.consumers.update(options.streamName, options.consumerName, consumer);
  } else {
    await jsm.consumers.add(options.streamName, {
      durable_name: options.consumerName,
      ack_policy: AckPolicy.Explicit,
      ...consumer,
    });
  }
}

async function exists(info: () => Promise<unknown>): Promise<boolean> {
  try {
    await info();
    return true;
  } catch (error) {
    // 10059: stream not found; 10014: consumer not found.
    if (error instanceof JetStreamApiError && (error.code === 10059 || error.code === 10014)) return false;
    throw error;
  }
}

/**
 * The jobs whose lease is still current and will outlast a push, by message id, with their attempt
 * counts and the configuration version this read saw.
 */
async function currentLeases(
  database: Database,
  jobs: readonly PushJob[],
  pushTimeoutMs: number,
): Promise<Map<string, { attempts: number; configVersion: number }>> {
  const result = await sql<{
    subscription_id: string;
    message_seq: string;
    lease_token: string;
    attempts: number;
    config_version: string | number;
  }>`${PREPARED}
    select d.subscription_id, d.message_seq, d.lease_token, d.attempts,
           (select version from exchange.config_version where id = 1) as config_version
      from exchange.delivery d
      join unnest(${jobs.map((job) => job.subscriptionId)}::uuid[], ${jobs.map((job) => String(job.messageSeq))}::bigint[],
                  ${jobs.map((job) => job.leaseToken)}::uuid[]) as job(subscription_id, message_seq, lease_token)
        on d.subscription_id = job.subscription_id and d.message_seq = job.message_seq
       and d.lease_token = job.lease_token
     -- The token alone marks a current lease (delivery.repository.ts says why no status test).
     where d.lease_until > now() + ${pushTimeoutMs} * interval '1 millisecond'`.execute(database.kysely);
  return new Map(
    result.rows.map((row) => [
      pushJobId({
        subscriptionId: row.subscription_id,
        messageSeq: Number(row.message_seq),
        leaseToken: row.lease_token,
        attempts: row.attempts,
      }),
      { attempts: row.attempts, configVersion: Number(row.config_version) },
    ]),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The jobs a message carries (an array, or one job alone as relays before batching sent), or null when malformed. */
function readJobs(message: JsMsg): PushJob[] | null {
  let parsed: unknown;
  try {
    parsed = message.json<unknown>();
  } catch {
    return null;
  }
  const jobs = Array.isArray(parsed) ? parsed : [parsed];
  return jobs.length > 0 && jobs.every(isJob) ? jobs : null;
}

function isJob(value: unknown): value is PushJob {
  const job = value as Partial<PushJob> | null;
  return (
    typeof job === 'object' &&
    job !== null &&
    typeof job.subscriptionId === 'string' &&
    UUID.test(job.subscriptionId) &&
    Number.isSafeInteger(job.messageSeq) &&
    (job.messageSeq as number) > 0 &&
    typeof job.leaseToken === 'string' &&
    UUID.test(job.leaseToken) &&
    Number.isSafeInteger(job.attempts)
  );
}

function groupBySubscription(leases: readonly LeasedDelivery[]): Map<string, LeasedDelivery[]> {
  const groups = new Map<string, LeasedDelivery[]>();
  for (const lease of leases) groups.set(lease.subscriptionId, [...(groups.get(lease.subscriptionId) ?? []), lease]);
  return groups;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
