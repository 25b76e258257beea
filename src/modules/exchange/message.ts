/**
 * An exchange message as the log keeps it, and the header its hash covers. The header is canonical
 * JSON (RFC 8785) of the message's identity and routing facts plus its payload's hash, so anyone with
 * the public key can recompute and check an entry, in any language.
 */
import { sql } from 'kysely';
import { canonicalJson } from '../../platform/audit/canonical-json.js';
import { digest, type SigningAlgorithm, signBytes } from './exchange-crypto.js';
import type { SigningKey } from './signing-key.service.js';
import type { Classification } from './standard.js';

export interface MessageFacts {
  id: string;
  source: string;
  eventId: string;
  standardCode: string;
  standardVersion: number;
  classification: Classification;
  partitionKey: string | null;
  correlationId: string | null;
  subject: string | null;
  eventTime: Date | null;
  receivedAt: Date;
  dataSize: number;
  dataRef: string | null;
  dataRefType: string | null;
  dataRefSize: number | null;
  algorithm: SigningAlgorithm;
  keyId: string;
  dataHash: Buffer;
}

/** The columns of `exchange.message` that hold a message's facts, as the driver returns them. */
export interface MessageFactsRow {
  id: string;
  source: string;
  event_id: string;
  standard_code: string;
  standard_version: number;
  classification: Classification;
  partition_key: string | null;
  correlation_id: string | null;
  subject: string | null;
  event_time: Date | null;
  received_at: Date;
  data_size: number;
  data_ref: string | null;
  data_ref_type: string | null;
  data_ref_size: string | null;
}

/** Those columns of `exchange.message m`, for a query that reads a `MessageFactsRow`. */
export const MESSAGE_FACT_COLUMNS = sql.raw(
  'm.id, m.source, m.event_id, m.standard_code, m.standard_version, m.classification, m.partition_key, ' +
    'm.correlation_id, m.subject, m.event_time, m.received_at, m.data_size, m.data_ref, m.data_ref_type, m.data_ref_size',
);

/** A stored message's facts from its row, all but how it was signed. */
export function storedFacts(row: MessageFactsRow): Omit<MessageFacts, 'algorithm' | 'keyId' | 'dataHash'> {
  return {
    id: row.id,
    source: row.source,
    eventId: row.event_id,
    standardCode: row.standard_code,
    standardVersion: row.standard_version,
    classification: row.classification,
    partitionKey: row.partition_key,
    correlationId: row.correlation_id,
    subject: row.subject,
    eventTime: row.event_time,
    receivedAt: row.received_at,
    dataSize: row.data_size,
    dataRef: row.data_ref,
    dataRefType: row.data_ref_type,
    dataRefSize: row.data_ref_size === null ? null : Number(row.data_ref_size),
  };
}

/** A message ready for the log: mapped, validated, hashed and signed; its seq comes on append. */
export interface PreparedMessage extends MessageFacts {
  /** The standard payload. */
  data: unknown;
  /** Its canonical JSON, what `dataHash` was taken over and what is stored. */
  dataJson: string;
  messageHash: Buffer;
  signature: Buffer;
  /**
   * Only these subscriptions take it: an operator's corrected resubmit goes to the subscription whose
   * delivery it replaces, not to everyone subscribed (the zone rule and the filter still apply).
   */
  routeTo?: readonly string[];
}

export interface LoggedMessage extends PreparedMessage {
  seq: number;
  prevHash: Buffer;
  entryHash: Buffer;
}

/**
 * The bytes a message's hash is taken over.
 * @example messageHeader(facts) // '{"classification":"sensitive","correlationId":null,…}'
 */
export function messageHeader(message: MessageFacts): string {
  return canonicalJson({
    id: message.id,
    source: message.source,
    eventId: message.eventId,
    standard: message.standardCode,
    version: message.standardVersion,
    classification: message.classification,
    partitionKey: message.partitionKey,
    correlationId: message.correlationId,
    subject: message.subject,
    time: message.eventTime ? message.eventTime.toISOString() : null,
    receivedAt: message.receivedAt.toISOString(),
    dataSize: message.dataSize,
    dataHash: message.dataHash.toString('hex'),
    dataRef: message.dataRef,
    dataRefType: message.dataRefType,
    dataRefSize: message.dataRefSize,
    algorithm: message.algorithm,
    keyId: message.keyId,
  });
}

/**
 * A message's facts and payload, hashed and signed with the platform's key: what a publish and a
 * corrected resubmit both hand to the log.
 * @example const message = signedMessage({ id: randomUUID(), source, eventId, … }, payload, canonicalJson(payload), key);
 */
export function signedMessage(
  facts: Omit<MessageFacts, 'algorithm' | 'keyId' | 'dataHash'>,
  data: unknown,
  dataJson: string,
  key: SigningKey,
): PreparedMessage {
  const hashed: MessageFacts = {
    ...facts,
    algorithm: key.algorithm,
    keyId: key.id,
    dataHash: digest(key.algorithm, dataJson),
  };
  const messageHash = digest(key.algorithm, messageHeader(hashed));
  return { ...hashed, data, dataJson, messageHash, signature: signBytes(key.algorithm, key.privateKey, messageHash) };
}
