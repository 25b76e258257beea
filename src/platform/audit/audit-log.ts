/**
 * Writing and reading the audit log. Every change on the platform appends one entry, in the same
 * transaction as the change, so both commit or neither does. Entries form one linear hash chain
 * (see audit-record.ts); `verifyAuditLog` (audit-verify.ts) walks it.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { tablesOf } from '../db/database.js';
import { type FieldError, ValidationError } from '../errors.js';
import { registerMessages } from '../i18n/messages.js';
import {
  AUDIT_ACTOR_TYPES,
  AUDIT_OUTCOMES,
  type AuditActorType,
  type AuditOutcome,
  type AuditRecord,
  type AuditTables,
  GENESIS_HASH,
  hashAuditRecord,
  toAuditRecord,
} from './audit-record.js';
import { asJsonObject, canonicalJson } from './canonical-json.js';

registerMessages({
  'audit.entry_invalid': { zh: '审计条目不合要求', en: 'The audit entry is not valid' },
  'audit.entry_invalid.detail': {
    zh: '审计条目有 {count} 处不合要求，见 errors。',
    en: '{count} field(s) of the audit entry are not valid; see errors.',
  },
  'audit.query_invalid': { zh: '审计查询条件不合要求', en: 'The audit query is not valid' },
  'audit.query_invalid.detail': {
    zh: '审计查询有 {count} 处不合要求，见 errors。',
    en: '{count} field(s) of the audit query are not valid; see errors.',
  },
});

export interface AuditActor {
  type: AuditActorType;
  /** Required for users and machines (an account or client id); optional for system and anonymous. */
  id?: string;
  /** A masked display name (e.g. 张*明), never a full name or ID number. */
  name?: string;
}

export interface AuditEntry {
  actor: AuditActor;
  /** Dotted `module.entity.verb`, e.g. `directory.person.update`. */
  action: string;
  target?: { type: string; id: string };
  outcome: AuditOutcome;
  requestId?: string;
  /** Ids and masked values that explain the change: never raw input, never personal data in clear. */
  details?: Readonly<Record<string, unknown>>;
}

export interface AuditFilter {
  actorId?: string;
  targetType?: string;
  targetId?: string;
  /** The exact action, e.g. `directory.person.update`. */
  action?: string;
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries before this instant. */
  to?: Date;
  /** Entries per page, 1 to 500. */
  limit: number;
  /** The page after the one that returned `nextBeforeSeq`: only entries with a smaller seq. */
  beforeSeq?: number;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditRecord[];
  /** Pass as `beforeSeq` for the next (older) page; null when this is the last. */
  nextBeforeSeq: number | null;
}

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const MAX_TEXT_LENGTH = 200;
/** An audit entry explains a change; it does not carry the changed document. */
const MAX_DETAILS_LENGTH = 16_384;
const MAX_PAGE = 500;

/**
 * Appends an entry to the audit log. Call it inside the caller's transaction, as late as possible:
 * the chain lock it takes is held until that transaction ends, and every other appender waits for
 * it. A failed or denied attempt, whose own transaction rolls back, is recorded by the caller in a
 * transaction of its own. Needs READ COMMITTED (PostgreSQL's default): under a stricter isolation
 * level a concurrent append fails on the primary key instead of forking the chain.
 * @example
 * await database.transaction(async (tx) => {
 *   await updatePerson(tx, person);
 *   await recordAudit(tx, {
 *     actor: { type: 'user', id: actor.userId },
 *     action: 'directory.person.update',
 *     target: { type: 'person', id: person.id },
 *     outcome: 'success',
 *     requestId,
 *     details: { fields: ['phone'] },
 *   });
 * });
 */
export async function recordAudit(executor: Executor, entry: AuditEntry): Promise<AuditRecord> {
  const fields = validatedEntry(entry);
  // One fixed key: appenders on every connection queue here until the holder's transaction ends.
  await sql`select pg_advisory_xact_lock(hashtext('huitong.audit_log'))`.execute(executor);
  // A statement of its own: under READ COMMITTED each statement sees what committed before it
  // began, so only a statement after the lock sees the previous holder's entry. The clock is the
  // database's (one clock for every app process), never earlier than the previous entry's.
  const { rows } = await sql<{ seq: number | null; hash: string | null; at: Date }>`
    select head.seq, head.hash, greatest(date_trunc('milliseconds', clock_timestamp()), head.at) as at
    from (values (1)) as always (one)
    left join (select seq, hash, at from platform.audit_log order by seq desc limit 1) as head on true
  `.execute(executor);
  const head = rows[0]!;
  const unhashed = { ...fields, seq: (head.seq ?? 0) + 1, at: head.at, prevHash: head.hash ?? GENESIS_HASH };
  const record: AuditRecord = { ...unhashed, hash: hashAuditRecord(unhashed) };
  await tablesOf<AuditTables>(executor)
    .insertInto('platform.audit_log')
    .values({
      seq: record.seq,
      at: record.at,
      actor_type: record.actorType,
      actor_id: record.actorId,
      actor_name: record.actorName,
      action: record.action,
      target_type: record.targetType,
      target_id: record.targetId,
      outcome: record.outcome,
      request_id: record.requestId,
      details: canonicalJson(record.details),
      prev_hash: record.prevHash,
      hash: record.hash,
    })
    .execute();
  return record;
}

/**
 * One page of audit entries matching the filter, newest first; page on with `nextBeforeSeq`.
 * @example
 * const first = await listAudit(db, { targetType: 'person', targetId: 'p-1', limit: 50 });
 * const next = first.nextBeforeSeq && (await listAudit(db, { targetType: 'person', targetId: 'p-1', limit: 50, beforeSeq: first.nextBeforeSeq }));
 */
export async function listAudit(executor: Executor, filter: AuditFilter): Promise<AuditPage> {
  checkFilter(filter);
  const rows = await tablesOf<AuditTables>(executor)
    .selectFrom('platform.audit_log')
    .selectAll()
    .$if(filter.actorId !== undefined, (q) => q.where('actor_id', '=', filter.actorId!))
    .$if(filter.targetType !== undefined, (q) => q.where('target_type', '=', filter.targetType!))
    .$if(filter.targetId !== undefined, (q) => q.where('target_id', '=', filter.targetId!))
    .$if(filter.action !== undefined, (q) => q.where('action', '=', filter.action!))
    .$if(filter.from !== undefined, (q) => q.where('at', '>=', filter.from!))
    .$if(filter.to !== undefined, (q) => q.where('at', '<', filter.to!))
    .$if(filter.beforeSeq !== undefined, (q) => q.where('seq', '<', filter.beforeSeq!))
    .orderBy('seq', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const entries = rows.slice(0, filter.limit).map(toAuditRecord);
  const more = rows.length > filter.limit;
  return { entries, nextBeforeSeq: more ? entries.at(-1)!.seq : null };
}

type EntryFields = Pick<
  AuditRecord,
  'actorType' | 'actorId' | 'actorName' | 'action' | 'targetType' | 'targetId' | 'outcome' | 'requestId' | 'details'
>;

function validatedEntry(entry: AuditEntry): EntryFields {
  const errors: FieldError[] = [];
  const { actor, target } = entry;
  if (!AUDIT_ACTOR_TYPES.includes(actor.type)) errors.push({ pointer: '/actor/type', reason: 'one_of' });
  if ((actor.type === 'user' || actor.type === 'machine') && !actor.id) {
    errors.push({ pointer: '/actor/id', reason: 'required' });
  }
  if (!ACTION.test(entry.action)) errors.push({ pointer: '/action', reason: 'format' });
  if (!AUDIT_OUTCOMES.includes(entry.outcome)) errors.push({ pointer: '/outcome', reason: 'one_of' });
  if (target && (!target.type || !target.id)) errors.push({ pointer: '/target', reason: 'required' });
  const texts: Array<[string, string | undefined]> = [
    ['/actor/id', actor.id],
    ['/actor/name', actor.name],
    ['/action', entry.action],
    ['/target/type', target?.type],
    ['/target/id', target?.id],
    ['/requestId', entry.requestId],
  ];
  for (const [pointer, text] of texts) {
    if (text !== undefined && text.length > MAX_TEXT_LENGTH) errors.push({ pointer, reason: 'too_long' });
  }
  const details = asJsonObject(entry.details ?? {});
  if (!details) errors.push({ pointer: '/details', reason: 'not_json_object' });
  else if (canonicalJson(details).length > MAX_DETAILS_LENGTH) errors.push({ pointer: '/details', reason: 'too_long' });
  if (errors.length > 0 || !details) throw new ValidationError('audit.entry_invalid', errors, { count: errors.length });
  return {
    actorType: actor.type,
    actorId: actor.id || null,
    actorName: actor.name || null,
    action: entry.action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    outcome: entry.outcome,
    requestId: entry.requestId || null,
    details,
  };
}

function checkFilter(filter: AuditFilter): void {
  const errors: FieldError[] = [];
  if (!Number.isInteger(filter.limit) || filter.limit < 1 || filter.limit > MAX_PAGE) {
    errors.push({ pointer: '/limit', reason: 'range' });
  }
  if (filter.beforeSeq !== undefined && !Number.isSafeInteger(filter.beforeSeq)) {
    errors.push({ pointer: '/beforeSeq', reason: 'integer' });
  }
  for (const [pointer, instant] of [
    ['/from', filter.from],
    ['/to', filter.to],
  ] as const) {
    if (instant !== undefined && Number.isNaN(instant.getTime())) errors.push({ pointer, reason: 'date' });
  }
  if (errors.length > 0) throw new ValidationError('audit.query_invalid', errors, { count: errors.length });
}
