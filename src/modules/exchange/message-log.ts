/**
 * The message log's writer: appends prepared messages to the hash chain and routes them, in one
 * transaction. Concurrent publishes share that transaction (group commit): while one transaction
 * commits, the next callers queue, and the next transaction takes all of them. So the one lock the
 * chain needs (the head row) and the one fsync per commit are paid once per group, not per message,
 * and throughput grows with concurrency instead of collapsing on the lock.
 *
 * A group that fails as a whole (it should not: every message was validated before it got here) is
 * retried one caller at a time, so one bad message cannot fail its neighbours.
 *
 * Each message comes with the configuration version it was prepared under (config-cache.ts). The
 * transaction reads the current version once the head is locked: a caller whose version is not
 * current is handed `ConfigMovedError` and nothing of it is written, so it prepares again with
 * fresh rows. The rest is written in one statement (messages, deliveries, head and checkpoint), so a
 * group costs three round trips whatever its size.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { type Database, type Executor, PREPARED } from '../../platform/db/database.js';
import { ConflictError } from '../../platform/errors.js';
import { type ConfigCache, ConfigMovedError } from './config-cache.js';
import { digest, signBytes } from './exchange-crypto.js';
import type { LoggedMessage, PreparedMessage } from './message.js';
import { type RoutedDelivery, routeMessages } from './routing.js';
import type { SigningKey } from './signing-key.service.js';
import { routeTargets } from './subscription.service.js';

export interface Appended {
  id: string;
  seq: number;
  duplicate: boolean;
  /** How many subscriptions the message was routed to (for a duplicate: the first time). */
  deliveries: number;
}

export interface MessageLogDeps {
  database: Database;
  /** The key checkpoints are signed with: the same suite the messages are signed with. */
  signingKey: () => Promise<SigningKey>;
  /** Told after each commit what was routed, so the transport can hand it out at once. */
  onRouted: (deliveries: RoutedDelivery[]) => void;
  logger: Logger;
  /** The process's configuration cache: route targets come from it, and it learns of new versions. */
  config: ConfigCache;
}

/**
 * Work of one append's own that must commit with its messages or not at all (a corrected resubmit
 * resolving the delivery it replaces). It runs in the log's transaction after the messages are
 * written; if it throws, the group is taken apart and this append alone fails, nothing of it written.
 */
export type WithinCommit = (tx: Executor, appended: Appended[]) => Promise<void>;

interface Pending {
  messages: PreparedMessage[];
  requestId: string | undefined;
  configVersion: number | undefined;
  within: WithinCommit | undefined;
  resolve: (results: Appended[]) => void;
  reject: (error: unknown) => void;
}

/** Most messages one transaction takes: keeps its statement under PostgreSQL's parameter limit. */
export const MAX_GROUP_MESSAGES = 1000;

export class MessageLog {
  readonly #deps: MessageLogDeps;
  readonly #queue: Pending[] = [];
  #flushing: Promise<void> | null = null;

  constructor(deps: MessageLogDeps) {
    this.#deps = deps;
  }

  /**
   * Appends messages (all or none of them) and routes them; resolves once committed.
   * A message whose (source, event id) is logged already is not appended again: its first result returns.
   * `configVersion` is the configuration version they were prepared under (config-cache.ts); without
   * it they are taken under whatever version is current.
   * `within` runs in the same transaction, after the messages are written (WithinCommit).
   * @throws ConfigMovedError when the configuration changed since the messages were prepared (nothing written)
   */
  append(
    messages: PreparedMessage[],
    options: { requestId?: string; configVersion?: number; within?: WithinCommit } = {},
  ): Promise<Appended[]> {
    const { requestId, configVersion, within } = options;
    return new Promise((resolve, reject) => {
      this.#queue.push({ messages, requestId, configVersion, within, resolve, reject });
      if (!this.#flushing) this.#flushing = this.#drain();
    });
  }

  /** Resolves when everything queued so far has been committed or refused. */
  async settled(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#takeGroup();
        try {
          await this.#commit(group);
        } catch (error) {
          if (group.length === 1) group[0]!.reject(error);
          else for (const pending of group) await this.#commit([pending]).catch(pending.reject);
        }
      }
    } finally {
      this.#flushing = null;
    }
  }

  #takeGroup(): Pending[] {
    const group: Pending[] = [this.#queue.shift()!];
    let count = group[0]!.messages.length;
    while (this.#queue.length > 0 && count + this.#queue[0]!.messages.length <= MAX_GROUP_MESSAGES) {
      const next = this.#queue.shift()!;
      count += next.messages.length;
      group.push(next);
    }
    return group;
  }

  async #commit(group: Pending[]): Promise<void> {
    const key = await this.#deps.signingKey();
    const config = this.#deps.config;
    let routed: RoutedDelivery[] = [];
    let current: Pending[] = [];
    let moved: { pending: Pending; error: ConfigMovedError }[] = [];
    const results = await this.#deps.database.transaction(async (tx) => {
      const head = await lockHead(tx);
      const all = group.flatMap((pending) => pending.messages);
      const { configVersion, existing } = await selectExisting(tx, all);
      config.observed(configVersion);
      const isCurrent = (pending: Pending) => (pending.configVersion ?? configVersion) === configVersion;
      current = group.filter(isCurrent);
      moved = group
        .filter((pending) => !isCurrent(pending))
        .map((pending) => ({ pending, error: new ConfigMovedError(configVersion) }));
      const fresh: LoggedMessage[] = [];
      const bySourceEvent = new Map<string, Appended>(existing);
      const bySeq = new Map<number, Appended>();
      let prevHash = head.entryHash;
      let seq = head.seq;
      for (const message of current.flatMap((pending) => pending.messages)) {
        const identity = `${message.source}\u0000${message.eventId}`;
        if (bySourceEvent.has(identity)) continue;
        seq += 1;
        const entryHash = digest(message.algorithm, prevHash, message.messageHash);
        fresh.push({ ...message, seq, prevHash, entryHash });
        const appended = { id: message.id, seq, duplicate: false, deliveries: 0 };
        bySourceEvent.set(identity, appended);
        bySeq.set(seq, appended);
        prevHash = entryHash;
      }
      if (fresh.length > 0) {
        const view = config.at(configVersion);
        routed = await routeMessages(tx, fresh, (standardCode) =>
          view
            ? view.lookup(`routes:${standardCode}`, () => routeTargets(tx, standardCode))
            : routeTargets(tx, standardCode),
        );
        for (const delivery of routed) bySeq.get(delivery.messageSeq)!.deliveries += 1;
        const checkpoint = {
          seq,
          entryHash: prevHash,
          keyId: key.id,
          signature: signBytes(key.algorithm, key.privateKey, prevHash),
        };
        await writeAppended(tx, fresh, routed, checkpoint);
      }
      const freshIds = new Set(fresh.map((message) => message.id));
      const results = current.map((pending) =>
        pending.messages.map((message) => {
          const result = bySourceEvent.get(`${message.source}\u0000${message.eventId}`)!;
          // The same event twice in one request: the second is a duplicate of the first.
          const first = freshIds.has(result.id) && result.id === message.id;
          if (first) freshIds.delete(result.id);
          return { ...result, duplicate: !first };
        }),
      );
      for (const [index, pending] of current.entries()) await pending.within?.(tx, results[index]!);
      return results;
    });
    for (const { pending, error } of moved) pending.reject(error);
    for (const [index, pending] of current.entries()) pending.resolve(results[index]!);
    if (routed.length > 0) this.#deps.onRouted(routed);
  }
}

async function lockHead(tx: Executor): Promise<{ seq: number; entryHash: Buffer }> {
  const result = await sql<{ seq: string; entry_hash: Uint8Array }>`${PREPARED}
    select seq, entry_hash from exchange.log_head where id = 1 for update`.execute(tx);
  const row = result.rows[0];
  if (!row) throw new ConflictError('exchange.log_missing');
  return { seq: Number(row.seq), entryHash: Buffer.from(row.entry_hash) };
}

/**
 * The configuration version and the messages logged already, read after the head is locked (a new
 * statement, so it sees every commit made before the lock was granted).
 */
async function selectExisting(
  tx: Executor,
  messages: PreparedMessage[],
): Promise<{ configVersion: number; existing: Array<[string, Appended]> }> {
  const sources = messages.map((message) => message.source);
  const eventIds = messages.map((message) => message.eventId);
  const result = await sql<{
    config_version: string | number;
    id: string | null;
    seq: string | null;
    source: string | null;
    event_id: string | null;
    deliveries: number | null;
  }>`${PREPARED}
    select v.version as config_version, m.id, m.seq, m.source, m.event_id,
           (select count(*)::int from exchange.delivery d where d.message_seq = m.seq) as deliveries
    from exchange.config_version v
    left join (
      exchange.message m
      join unnest(${sources}::text[], ${eventIds}::text[]) as wanted(source, event_id)
        on m.source = wanted.source and m.event_id = wanted.event_id
    ) on true
    where v.id = 1`.execute(tx);
  const first = result.rows[0];
  if (!first) throw new ConflictError('exchange.log_missing');
  return {
    configVersion: Number(first.config_version),
    existing: result.rows
      .filter((row) => row.id !== null)
      .map((row) => [
        `${row.source}\u0000${row.event_id}`,
        { id: row.id!, seq: Number(row.seq), duplicate: true, deliveries: row.deliveries ?? 0 },
      ]),
  };
}

interface Checkpoint {
  seq: number;
  entryHash: Buffer;
  keyId: string;
  signature: Buffer;
}

/**
 * Messages, their delivery rows, the new head and its signed checkpoint, in one statement: each
 * column goes as one array parameter, so the statement's size does not grow with the group.
 * (The deliveries' foreign key to the messages is checked at the end of the statement.)
 */
async function writeAppended(
  tx: Executor,
  messages: LoggedMessage[],
  routed: RoutedDelivery[],
  checkpoint: Checkpoint,
): Promise<void> {
  const column = <T>(pick: (message: LoggedMessage) => T) => messages.map(pick);
  const hex = (pick: (message: LoggedMessage) => Buffer) => messages.map((message) => pick(message).toString('hex'));
  await sql`${PREPARED}
    with appended as (
      insert into exchange.message (seq, id, source, event_id, standard_code, standard_version, classification,
        partition_key, correlation_id, subject, event_time, received_at, data, data_size, data_ref, data_ref_type,
        data_ref_size, algorithm, key_id, data_hash, message_hash, signature, prev_hash, entry_hash)
      select seq, id::uuid, source, event_id, standard_code, standard_version, classification,
        partition_key, correlation_id, subject, event_time::timestamptz, received_at::timestamptz, data::jsonb,
        data_size, data_ref, data_ref_type, data_ref_size, algorithm, key_id, decode(data_hash, 'hex'),
        decode(message_hash, 'hex'), decode(signature, 'hex'), decode(prev_hash, 'hex'), decode(entry_hash, 'hex')
      from unnest(
        ${column((m) => m.seq)}::bigint[], ${column((m) => m.id)}::text[], ${column((m) => m.source)}::text[],
        ${column((m) => m.eventId)}::text[], ${column((m) => m.standardCode)}::text[],
        ${column((m) => m.standardVersion)}::int[], ${column((m) => m.classification)}::text[],
        ${column((m) => m.partitionKey)}::text[], ${column((m) => m.correlationId)}::text[],
        ${column((m) => m.subject)}::text[], ${column((m) => m.eventTime?.toISOString() ?? null)}::text[],
        ${column((m) => m.receivedAt.toISOString())}::text[], ${column((m) => m.dataJson)}::text[],
        ${column((m) => m.dataSize)}::int[], ${column((m) => m.dataRef)}::text[],
        ${column((m) => m.dataRefType)}::text[], ${column((m) => m.dataRefSize)}::bigint[],
        ${column((m) => m.algorithm)}::text[], ${column((m) => m.keyId)}::text[], ${hex((m) => m.dataHash)}::text[],
        ${hex((m) => m.messageHash)}::text[], ${hex((m) => m.signature)}::text[], ${hex((m) => m.prevHash)}::text[],
        ${hex((m) => m.entryHash)}::text[]
      ) as m(seq, id, source, event_id, standard_code, standard_version, classification, partition_key,
        correlation_id, subject, event_time, received_at, data, data_size, data_ref, data_ref_type, data_ref_size,
        algorithm, key_id, data_hash, message_hash, signature, prev_hash, entry_hash)
    ),
    routed as (
      insert into exchange.delivery (subscription_id, message_seq, partition_key, mode)
      select subscription_id::uuid, message_seq, partition_key, mode
      from unnest(
        ${routed.map((d) => d.subscriptionId)}::text[], ${routed.map((d) => d.messageSeq)}::bigint[],
        ${routed.map((d) => d.partitionKey)}::text[], ${routed.map((d) => d.mode)}::text[]
      ) as d(subscription_id, message_seq, partition_key, mode)
    ),
    head as (
      update exchange.log_head set seq = ${checkpoint.seq}, entry_hash = ${checkpoint.entryHash} where id = 1
    )
    insert into exchange.log_checkpoint (seq, entry_hash, key_id, signature)
    values (${checkpoint.seq}, ${checkpoint.entryHash}, ${checkpoint.keyId}, ${checkpoint.signature})`.execute(tx);
}
