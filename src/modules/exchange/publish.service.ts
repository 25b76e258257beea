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
import {
  type ConfigCache,
  ConfigMovedError,
  type ConfigView,
  configChangingError,
  MAX_CONFIG_ATTEMPTS,
} from './config-cache.js';
import './exchange-messages.messages.js';
import { parseEventType } from './event-type.js';
import { inboundMapping } from './mapping.service.js';
import { type Member, mayPublish, memberOfClient } from './member.service.js';
import { type PreparedMessage, signedMessage } from './message.js';
import type { Appended, MessageLog } from './message-log.js';
import type { SigningKey } from './signing-key.service.js';
import { payloadValidator, publishedStandard } from './standard-validator.js';

export interface PublishDeps {
  database: Executor;
  log: MessageLog;
  signingKey: () => Promise<SigningKey>;
  /** The process's cache of members, rights, mappings and route targets (config-cache.ts). */
  config: ConfigCache;
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
  for (let attempt = 1; ; attempt += 1) {
    const view = await deps.config.current(deps.database);
    let prepared: PreparedMessage[];
    try {
      prepared = await prepareAll(deps, view, clientId, events, options.batch);
    } catch (error) {
      // A refusal read from cached rows stands only if they are still current (one read of the counter).
      const refusal = error instanceof ForbiddenError || error instanceof ValidationError;
      if (refusal && attempt < MAX_CONFIG_ATTEMPTS && (await deps.config.moved(deps.database, view))) continue;
      throw error;
    }
    try {
      return await deps.log.append(prepared, { requestId: options.requestId, configVersion: view.version });
    } catch (error) {
      // The configuration changed after these were prepared: prepare them again under the new one.
      if (!(error instanceof ConfigMovedError)) throw error;
      if (attempt === MAX_CONFIG_ATTEMPTS) throw configChangingError();
    }
  }
}

async function prepareAll(
  deps: PublishDeps,
  view: ConfigView,
  clientId: string,
  events: readonly unknown[],
  batch: boolean,
): Promise<PreparedMessage[]> {
  const member = await cachedSendingMember(deps.database, view, clientId);
  if (events.length === 0) throw new ValidationError('exchange.event_invalid', [{ pointer: '/', reason: 'empty' }]);
  if (events.length > MAX_BATCH_EVENTS) {
    throw new PayloadTooLargeError('exchange.batch_too_large', { limit: MAX_BATCH_EVENTS });
  }
  const key = await deps.signingKey();
  const lookups = configLookups(deps.database, view, member.id);
  const prepared: PreparedMessage[] = [];
  const errors: FieldError[] = [];
  for (const [index, input] of events.entries()) {
    const pointer = batch ? `/${index}` : '';
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
  return prepared;
}

async function prepare(
  deps: PublishDeps,
  member: Member,
  event: InboundEvent,
  key: SigningKey,
  pointer: string,
  lookups: ConfigLookups,
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
  };
  return { message: signedMessage(facts, normalised, dataJson, key) };
}

interface ConfigLookups {
  mayPublish(standardCode: string): Promise<boolean>;
  inboundMapping(standardCode: string, version: number): ReturnType<typeof inboundMapping>;
}

/** A member's publication rights and mappings, through the configuration view the request prepares under. */
function configLookups(executor: Executor, view: ConfigView, memberId: string): ConfigLookups {
  return {
    mayPublish: (standardCode) =>
      view.lookup(`publisher:${memberId}\u0000${standardCode}`, () => mayPublish(executor, memberId, standardCode)),
    inboundMapping: (standardCode, version) =>
      view.lookup(`inbound:${memberId}\u0000${standardCode}\u0000${version}`, () =>
        inboundMapping(executor, memberId, standardCode, version),
      ),
  };
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
  return enabledMember(clientId, await memberOfClient(executor, clientId));
}

async function cachedSendingMember(executor: Executor, view: ConfigView, clientId: string): Promise<Member> {
  const member = await view.lookup(`member:${clientId}`, () => memberOfClient(executor, clientId));
  return enabledMember(clientId, member);
}

function enabledMember(clientId: string, member: Member | undefined): Member {
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
