/**
 * Publishing: from a member's CloudEvents to signed log entries. Everything that can refuse a
 * message runs before the log is touched (who sends it, whether it may, its mapping, its schema), so a
 * refused message leaves nothing behind, and a batch is taken whole or not at all.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson, type JsonValue } from '../../platform/audit/canonical-json.js';
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, ForbiddenError, PayloadTooLargeError, ValidationError } from '../../platform/errors.js';
import { type InboundEvent, isJson, readCloudEvent } from './cloud-event.js';
import { digest, type SigningAlgorithm, signBytes } from './exchange-crypto.js';
import './exchange-messages.messages.js';
import { parseEventType } from './event-type.js';
import { inboundMapping } from './mapping.service.js';
import { type Member, mayPublish, memberOfClient } from './member.service.js';
import { messageHeader, type PreparedMessage } from './message.js';
import type { Appended, MessageLog } from './message-log.js';
import type { SigningKey } from './signing-key.service.js';
import { payloadValidator, publishedStandard } from './standard-validator.js';

export interface PublishDeps {
  database: Executor;
  log: MessageLog;
  signingKey: () => Promise<SigningKey>;
  /** Largest standard payload accepted, as canonical JSON bytes. */
  maxDataBytes: number;
}

export const MAX_BATCH_EVENTS = 500;

/**
 * Publishes events sent by one member (the client a token was issued to): all of them or none.
 * @throws ForbiddenError `exchange.not_a_member` / `exchange.member_disabled` / `exchange.source_mismatch` / `exchange.publish_not_permitted`; ValidationError `exchange.event_invalid` (each bad attribute, `/i/…` in a batch)
 */
export async function publish(
  deps: PublishDeps,
  clientId: string,
  events: readonly unknown[],
  options: { batch: boolean; requestId?: string },
): Promise<Appended[]> {
  const member = await sendingMember(deps.database, clientId);
  if (events.length === 0) throw new ValidationError('exchange.event_invalid', [{ pointer: '/', reason: 'empty' }]);
  if (events.length > MAX_BATCH_EVENTS) {
    throw new PayloadTooLargeError('exchange.batch_too_large', { limit: MAX_BATCH_EVENTS });
  }
  const key = await deps.signingKey();
  // A batch is mostly one standard: its publication right and mapping are looked up once per request.
  const lookups = requestLookups(deps.database, member.id);
  const prepared: PreparedMessage[] = [];
  const errors: FieldError[] = [];
  for (const [index, input] of events.entries()) {
    const pointer = options.batch ? `/${index}` : '';
    const reading = readCloudEvent(input, pointer);
    if (!reading.event) {
      errors.push(...reading.errors);
      continue;
    }
    const outcome = await prepare(deps, member, reading.event, key, pointer, lookups);
    if ('errors' in outcome) errors.push(...outcome.errors);
    else prepared.push(outcome.message);
  }
  if (errors.length > 0) throw new ValidationError('exchange.event_invalid', errors, { count: errors.length });
  return deps.log.append(prepared, options.requestId);
}

async function prepare(
  deps: PublishDeps,
  member: Member,
  event: InboundEvent,
  key: SigningKey,
  pointer: string,
  lookups: RequestLookups,
): Promise<{ message: PreparedMessage } | { errors: FieldError[] }> {
  const executor = deps.database;
  if (event.source !== member.id) throw new ForbiddenError('exchange.source_mismatch', { source: event.source });
  const standardRef = parseEventType(event.type);
  const standard = standardRef && (await publishedStandard(executor, standardRef.code, standardRef.version));
  if (!standardRef || !standard) return { errors: [{ pointer: `${pointer}/type`, reason: 'unknown_standard' }] };
  if (!(await lookups.mayPublish(standard.code))) {
    throw new ForbiddenError('exchange.publish_not_permitted', { standard: standard.code });
  }
  const mapping = await lookups.inboundMapping(standard.code, standard.version);
  let payload: unknown;
  if (mapping) {
    try {
      payload = await mapping.toStandard(event.data);
    } catch (error) {
      if (error instanceof ValidationError) {
        const data = `${pointer}/data`;
        return {
          errors: error.fields.map((entry) => ({
            ...entry,
            pointer: `${data}${entry.pointer === '/' ? '' : entry.pointer}`,
          })),
        };
      }
      throw error;
    }
  } else if (!isJson(event.dataContentType)) {
    return { errors: [{ pointer: `${pointer}/datacontenttype`, reason: 'no_mapping_for_format' }] };
  } else {
    payload = event.data;
  }
  // What is logged is what a later read gives back: JSON's own view of the value, nothing else.
  const normalised = JSON.parse(JSON.stringify(payload ?? null)) as JsonValue;
  const validate = await payloadValidator(executor, standard.code, standard.version);
  const schemaErrors = validate ? validate(normalised) : [];
  if (schemaErrors.length > 0) {
    return { errors: schemaErrors.map((entry) => ({ ...entry, pointer: `${pointer}${entry.pointer}` })) };
  }
  const dataJson = canonicalJson(normalised);
  // PostgreSQL's jsonb cannot hold U+0000; refuse it here rather than fail the whole group later.
  if (dataJson.includes('\\u0000')) return { errors: [{ pointer: `${pointer}/data`, reason: 'nul_character' }] };
  const dataSize = Buffer.byteLength(dataJson);
  if (dataSize > deps.maxDataBytes) {
    throw new PayloadTooLargeError('exchange.data_too_large', { limit: deps.maxDataBytes });
  }
  const attachment = event.dataRef ? await selectAttachment(executor, member.id, event.dataRef) : null;
  if (event.dataRef && !attachment)
    return { errors: [{ pointer: `${pointer}/dataref`, reason: 'unknown_attachment' }] };
  const algorithm: SigningAlgorithm = key.algorithm;
  const facts = {
    id: randomUUID(),
    source: member.id,
    eventId: event.id,
    standardCode: standard.code,
    standardVersion: standard.version,
    classification: standard.classification,
    partitionKey: event.partitionKey,
    correlationId: event.correlationId,
    subject: event.subject,
    eventTime: event.time,
    receivedAt: new Date(),
    dataSize,
    dataRef: event.dataRef,
    dataRefType: attachment?.contentType ?? null,
    dataRefSize: attachment?.size ?? null,
    algorithm,
    keyId: key.id,
    dataHash: digest(algorithm, dataJson),
  };
  const messageHash = digest(algorithm, messageHeader(facts));
  return {
    message: {
      ...facts,
      data: normalised,
      dataJson,
      messageHash,
      signature: signBytes(algorithm, key.privateKey, messageHash),
    },
  };
}

interface RequestLookups {
  mayPublish(standardCode: string): Promise<boolean>;
  inboundMapping(standardCode: string, version: number): ReturnType<typeof inboundMapping>;
}

function requestLookups(executor: Executor, memberId: string): RequestLookups {
  const rights = new Map<string, Promise<boolean>>();
  const mappings = new Map<string, ReturnType<typeof inboundMapping>>();
  return {
    mayPublish: (standardCode) => once(rights, standardCode, () => mayPublish(executor, memberId, standardCode)),
    inboundMapping: (standardCode, version) =>
      once(mappings, `${standardCode}.v${version}`, () => inboundMapping(executor, memberId, standardCode, version)),
  };
}

function once<T>(cache: Map<string, T>, key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key)!;
}

async function selectAttachment(executor: Executor, memberId: string, sha256: string) {
  const result = await sql<{ content_type: string; size: string }>`
    select content_type, size from exchange.attachment where member_id = ${memberId} and sha256 = ${sha256}`.execute(
    executor,
  );
  const row = result.rows[0];
  return row ? { contentType: row.content_type, size: Number(row.size) } : null;
}

/**
 * The enabled member a client sends as: what publishing and uploading an attachment both require.
 * @throws ForbiddenError `exchange.not_a_member` / `exchange.member_disabled`
 */
export async function sendingMember(executor: Executor, clientId: string): Promise<Member> {
  const member = await memberOfClient(executor, clientId);
  if (!member) throw new ForbiddenError('exchange.not_a_member', { clientId });
  if (member.status !== 'enabled') throw new ForbiddenError('exchange.member_disabled', { memberId: member.id });
  return member;
}

/**
 * Records that a member (checked with `sendingMember` before its upload was stored) streamed an attachment in.
 * @example await recordAttachment(db, 'gaj-rk', { sha256, contentType: 'application/pdf', size });
 */
export async function recordAttachment(
  executor: Executor,
  memberId: string,
  attachment: { sha256: string; contentType: string; size: number },
): Promise<void> {
  await sql`insert into exchange.attachment (sha256, member_id, content_type, size)
            values (${attachment.sha256}, ${memberId}, ${attachment.contentType}, ${attachment.size})
            on conflict (member_id, sha256) do nothing`.execute(executor);
}
