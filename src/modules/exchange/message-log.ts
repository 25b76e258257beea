/**
 * The message log's writer: appends prepared messages to the hash chain and routes them, in one
 * transaction. Concurrent publishes share that transaction (group commit): while one transaction
 * commits, the next callers queue, and the next transaction takes all of them. So the one lock the
 * chain needs (the head row) and the one fsync per commit are paid once per group, not per message,
 * and throughput grows with concurrency instead of collapsing on the lock.
 *
 * A group that fails as a whole (it should not: every message was validated before it got here) is
 * retried one caller at a time, so one bad message cannot fail its neighbours.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Executor } from '../../platform/db/database.js';
import { ConflictError } from '../../platform/errors.js';
import { digest, signBytes } from './exchange-crypto.js';
import type { LoggedMessage, PreparedMessage } from './message.js';
import { type RoutedDelivery, routeMessages } from './routing.js';
import type { SigningKey } from './signing-key.service.js';

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
}

interface Pending {
  messages: PreparedMessage[];
  requestId: string | undefined;
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
   */
  append(messages: PreparedMessage[], requestId?: string): Promise<Appended[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ messages, requestId, resolve, reject });
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
    let routed: RoutedDelivery[] = [];
    const results = await this.#deps.database.transaction(async (tx) => {
      const head = await lockHead(tx);
      const all = group.flatMap((pending) => pending.messages);
      const existing = await selectExisting(tx, all);
      const fresh: LoggedMessage[] = [];
      const bySourceEvent = new Map<string, Appended>(existing);
      let prevHash = head.entryHash;
      let seq = head.seq;
      for (const message of all) {
        const identity = `${message.source}\u0000${message.eventId}`;
        if (bySourceEvent.has(identity)) continue;
        seq += 1;
        const entryHash = digest(message.algorithm, prevHash, message.messageHash);
        fresh.push({ ...message, seq, prevHash, entryHash });
        bySourceEvent.set(identity, { id: message.id, seq, duplicate: false, deliveries: 0 });
        prevHash = entryHash;
      }
      if (fresh.length > 0) {
        await insertMessages(tx, fresh);
        routed = await routeMessages(tx, fresh);
        for (const delivery of routed) {
          const message = fresh.find((candidate) => candidate.seq === delivery.messageSeq)!;
          bySourceEvent.get(`${message.source}\u0000${message.eventId}`)!.deliveries += 1;
        }
        const checkpointSignature = signBytes(key.algorithm, key.privateKey, prevHash);
        await sql`update exchange.log_head set seq = ${seq}, entry_hash = ${prevHash} where id = 1`.execute(tx);
        await sql`insert into exchange.log_checkpoint (seq, entry_hash, key_id, signature)
                  values (${seq}, ${prevHash}, ${key.id}, ${checkpointSignature})`.execute(tx);
      }
      const freshIds = new Set(fresh.map((message) => message.id));
      return group.map((pending) =>
        pending.messages.map((message) => {
          const result = bySourceEvent.get(`${message.source}\u0000${message.eventId}`)!;
          // The same event twice in one request: the second is a duplicate of the first.
          const first = freshIds.has(result.id) && result.id === message.id;
          if (first) freshIds.delete(result.id);
          return { ...result, duplicate: !first };
        }),
      );
    });
    for (const [index, pending] of group.entries()) pending.resolve(results[index]!);
    if (routed.length > 0) this.#deps.onRouted(routed);
  }
}

async function lockHead(tx: Executor): Promise<{ seq: number; entryHash: Buffer }> {
  const result = await sql<{ seq: string; entry_hash: Uint8Array }>`
    select seq, entry_hash from exchange.log_head where id = 1 for update`.execute(tx);
  const row = result.rows[0];
  if (!row) throw new ConflictError('exchange.log_missing');
  return { seq: Number(row.seq), entryHash: Buffer.from(row.entry_hash) };
}

async function selectExisting(tx: Executor, messages: PreparedMessage[]): Promise<Array<[string, Appended]>> {
  const sources = messages.map((message) => message.source);
  const eventIds = messages.map((message) => message.eventId);
  const result = await sql<{ id: string; seq: string; source: string; event_id: string; deliveries: number }>`
    select m.id, m.seq, m.source, m.event_id,
           (select count(*)::int from exchange.delivery d where d.message_seq = m.seq) as deliveries
    from exchange.message m
    join unnest(${sources}::text[], ${eventIds}::text[]) as wanted(source, event_id)
      on m.source = wanted.source and m.event_id = wanted.event_id`.execute(tx);
  return result.rows.map((row) => [
    `${row.source}\u0000${row.event_id}`,
    { id: row.id, seq: Number(row.seq), duplicate: true, deliveries: row.deliveries },
  ]);
}

async function insertMessages(tx: Executor, messages: LoggedMessage[]): Promise<void> {
  await tx
    .insertInto('exchange.message')
    .values(
      messages.map((message) => ({
        seq: message.seq,
        id: message.id,
        source: message.source,
        event_id: message.eventId,
        standard_code: message.standardCode,
        standard_version: message.standardVersion,
        classification: message.classification,
        partition_key: message.partitionKey,
        correlation_id: message.correlationId,
        subject: message.subject,
        event_time: message.eventTime,
        received_at: message.receivedAt,
        data: message.dataJson,
        data_size: message.dataSize,
        data_ref: message.dataRef,
        data_ref_type: message.dataRefType,
        data_ref_size: message.dataRefSize,
        algorithm: message.algorithm,
        key_id: message.keyId,
        data_hash: message.dataHash,
        message_hash: message.messageHash,
        signature: message.signature,
        prev_hash: message.prevHash,
        entry_hash: message.entryHash,
      })),
    )
    .execute();
}
