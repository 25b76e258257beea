/**
 * An exchange message as the log keeps it, and the header its hash covers. The header is canonical
 * JSON (RFC 8785) of the message's identity and routing facts plus its payload's hash, so anyone with
 * the public key can recompute and check an entry, in any language.
 */
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
