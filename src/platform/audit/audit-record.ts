/**
 * What one audit entry is, as stored in `platform.audit_log`, and how it is hashed into the chain.
 *
 * The hash of an entry is SHA-256 over the canonical JSON (RFC 8785) of every stored column except
 * `hash` itself, under the column names, with `seq` as a number and `at` as an ISO 8601 UTC string
 * with milliseconds. `prev_hash` is among those columns, which is what chains the entries: changing
 * one entry changes its hash, which no longer matches the next entry's `prev_hash`. The first
 * entry's `prev_hash` is 64 zeros. docs/audit.md shows how to recompute a hash by hand.
 */
import { createHash } from 'node:crypto';
import type { ColumnType, Selectable } from 'kysely';
import { canonicalJson, type JsonObject } from './canonical-json.js';

export type AuditActorType = 'user' | 'system' | 'machine' | 'anonymous';
export type AuditOutcome = 'success' | 'failure' | 'denied';

export const AUDIT_ACTOR_TYPES: readonly AuditActorType[] = ['user', 'system', 'machine', 'anonymous'];
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

/** The `prev_hash` of the first entry: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  seq: number;
  at: Date;
  actorType: AuditActorType;
  actorId: string | null;
  /** A masked display name, never personal data in clear. */
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
  /** Ids and masked values only. */
  details: JsonObject;
  prevHash: string;
  hash: string;
}

interface AuditLogTable {
  seq: number;
  at: Date;
  actor_type: AuditActorType;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditOutcome;
  request_id: string | null;
  // Written as canonical JSON text (so both drivers store exactly the hashed value), read as a value.
  details: ColumnType<JsonObject, string, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditTables {
  'platform.audit_log': AuditLogTable;
}

export type AuditRow = Selectable<AuditLogTable>;

/**
 * The SHA-256 (hex) of an entry: canonical JSON of all its stored fields but the hash.
 * @example const hash = hashAuditRecord({ ...record, prevHash: GENESIS_HASH });
 */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  const hashed: JsonObject = {
    seq: record.seq,
    at: record.at.toISOString(),
    actor_type: record.actorType,
    actor_id: record.actorId,
    actor_name: record.actorName,
    action: record.action,
    target_type: record.targetType,
    target_id: record.targetId,
    outcome: record.outcome,
    request_id: record.requestId,
    details: record.details,
    prev_hash: record.prevHash,
  };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/**
 * A stored row as the record the rest of the platform sees.
 * @example const records = rows.map(toAuditRecord);
 */
export function toAuditRecord(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    outcome: row.outcome,
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
