/**
 * What a subscriber receives: the message as a CloudEvent in the subscriber's own format (its
 * outbound mapping, if it has one), with the log's proof attached as extension attributes, and the
 * platform's signature over the exact bytes sent, so a subscriber can tell the hub sent them.
 *
 * `Huitong-Signature: t=<unix seconds>,keyid=<key id>,alg=<ed25519|sm2-sm3>,sig=<base64>` signs
 * `<t>.<body>`; the public keys are at GET /api/exchange/v1/signing-keys.
 */

import type { KeyObject } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson, type JsonValue } from '../../platform/audit/canonical-json.js';
import { type Executor, PREPARED } from '../../platform/db/database.js';
import type { ConfigView } from './config-cache.js';
import { eventType } from './event-type.js';
import { type SigningAlgorithm, signBytes, verifyBytes } from './exchange-crypto.js';
import { outboundMapping } from './mapping.service.js';
import type { SigningKey } from './signing-key.service.js';

export const SIGNATURE_HEADER = 'huitong-signature';

export interface StoredMessage {
  seq: number;
  id: string;
  source: string;
  eventId: string;
  standardCode: string;
  standardVersion: number;
  partitionKey: string | null;
  correlationId: string | null;
  subject: string | null;
  eventTime: Date | null;
  data: JsonValue;
  dataRef: string | null;
  algorithm: SigningAlgorithm;
  keyId: string;
  signature: Buffer;
  entryHash: Buffer;
}

/** The stored messages with these seqs, by seq. */
export async function loadMessages(executor: Executor, seqs: readonly number[]): Promise<Map<number, StoredMessage>> {
  if (seqs.length === 0) return new Map();
  const result = await sql<{
    seq: string;
    id: string;
    source: string;
    event_id: string;
    standard_code: string;
    standard_version: number;
    partition_key: string | null;
    correlation_id: string | null;
    subject: string | null;
    event_time: Date | null;
    data: JsonValue;
    data_ref: string | null;
    algorithm: SigningAlgorithm;
    key_id: string;
    signature: Uint8Array;
    entry_hash: Uint8Array;
  }>`${PREPARED} select seq, id, source, event_id, standard_code, standard_version, partition_key, correlation_id, subject,
            event_time, data, data_ref, algorithm, key_id, signature, entry_hash
     from exchange.message where seq = any(${seqs.map(String)}::bigint[])`.execute(executor);
  return new Map(
    result.rows.map((row) => [
      Number(row.seq),
      {
        seq: Number(row.seq),
        id: row.id,
        source: row.source,
        eventId: row.event_id,
        standardCode: row.standard_code,
        standardVersion: row.standard_version,
        partitionKey: row.partition_key,
        correlationId: row.correlation_id,
        subject: row.subject,
        eventTime: row.event_time,
        data: typeof row.data === 'string' ? (JSON.parse(row.data) as JsonValue) : row.data,
        dataRef: row.data_ref,
        algorithm: row.algorithm,
        keyId: row.key_id,
        signature: Buffer.from(row.signature),
        entryHash: Buffer.from(row.entry_hash),
      },
    ]),
  );
}

/**
 * The CloudEvent a subscriber gets for a message, in its own format when it has an outbound mapping.
 * @throws ValidationError `exchange.mapping_failed` when the subscriber's mapping fails on this message
 */
export async function deliveryEvent(
  executor: Executor,
  message: StoredMessage,
  subscriberId: string,
  mappings: OutboundMappings = outboundMappings(executor),
): Promise<Record<string, JsonValue>> {
  const mapping = await mappings(subscriberId, message.standardCode, message.standardVersion);
  let dataContentType = 'application/json';
  let data: JsonValue = message.data;
  if (mapping) {
    const native = await mapping.fromStandard(message.data);
    dataContentType = native.contentType;
    data = native.contentType.includes('json') ? (JSON.parse(native.body) as JsonValue) : native.body;
  }
  const event: Record<string, JsonValue> = {
    specversion: '1.0',
    id: message.eventId,
    source: message.source,
    type: eventType(message.standardCode, message.standardVersion),
    datacontenttype: dataContentType,
    data,
    huitongseq: String(message.seq),
    huitongmsgid: message.id,
    huitongalg: message.algorithm,
    huitongkeyid: message.keyId,
    huitongsig: message.signature.toString('base64'),
  };
  if (message.eventTime) event.time = message.eventTime.toISOString();
  if (message.subject) event.subject = message.subject;
  if (message.partitionKey) event.partitionkey = message.partitionKey;
  if (message.correlationId) event.correlationid = message.correlationId;
  if (message.dataRef) event.dataref = `/api/exchange/v1/attachments/${message.dataRef}`;
  return event;
}

export type OutboundMappings = (
  subscriberId: string,
  standardCode: string,
  version: number,
) => ReturnType<typeof outboundMapping>;

/**
 * Subscribers' outbound mappings, each looked up once for a batch of deliveries, or once for as long
 * as the configuration stays at `view`'s version when a view is given.
 */
export function outboundMappings(executor: Executor, view?: ConfigView): OutboundMappings {
  const cache = new Map<string, ReturnType<typeof outboundMapping>>();
  return (subscriberId, standardCode, version) => {
    const key = `${subscriberId}\u0000${standardCode}\u0000${version}`;
    const load = () => outboundMapping(executor, subscriberId, standardCode, version);
    if (view) return view.lookup(`outbound:${key}`, load);
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key)!;
  };
}

/**
 * The signature header for a body sent now.
 * @example const header = signDelivery(body, key); // 't=1767225600,keyid=ed-…,alg=ed25519,sig=…'
 */
export function signDelivery(body: string, key: SigningKey, now = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  const signature = signBytes(key.algorithm, key.privateKey, `${t}.${body}`).toString('base64');
  return `t=${t},keyid=${key.id},alg=${key.algorithm},sig=${signature}`;
}

/**
 * Whether a delivery's signature header holds for its body under one of the hub's public keys and
 * is fresh (replays older than `maxAgeSeconds` are refused). What a subscriber does on receipt.
 */
export function verifyDelivery(
  header: string,
  body: string,
  keys: ReadonlyMap<string, { algorithm: SigningAlgorithm; key: KeyObject }>,
  options: { now?: Date; maxAgeSeconds?: number } = {},
): boolean {
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const key = keys.get(parts.get('keyid') ?? '');
  const signature = parts.get('sig');
  if (!Number.isInteger(t) || !key || !signature || key.algorithm !== parts.get('alg')) return false;
  const age = (options.now ?? new Date()).getTime() / 1000 - t;
  if (Math.abs(age) > (options.maxAgeSeconds ?? 300)) return false;
  return verifyBytes(key.algorithm, key.key, `${t}.${body}`, Buffer.from(signature, 'base64'));
}

/** The body of a delivery: canonical JSON, so a pull consumer can re-create the signed bytes. */
export function deliveryBody(event: Record<string, JsonValue>): string {
  return canonicalJson(event);
}
