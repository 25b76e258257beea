/**
 * Walks the audit log's hash chain and finds the first entry that is not what was written:
 * an edited entry (its hash no longer matches its content), a removed one (a gap in seq, or a
 * link to the entry before that does not hold), and, given an anchor recorded earlier off this
 * machine, a removed or rewritten tail.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { tablesOf } from '../db/database.js';
import { type FieldError, ValidationError } from '../errors.js';
import { registerMessages } from '../i18n/messages.js';
import { type AuditRecord, type AuditTables, GENESIS_HASH, hashAuditRecord, toAuditRecord } from './audit-record.js';

registerMessages({
  'audit.anchor_invalid': { zh: '审计锚点不合要求', en: 'The audit anchor is not valid' },
  'audit.anchor_invalid.detail': {
    zh: '锚点须同时给出序号（正整数）与哈希（64 位十六进制）。',
    en: 'An anchor needs both a seq (a positive integer) and a hash (64 hex digits).',
  },
});

/** An entry's seq and hash, recorded as a checkpoint of the chain's head. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export type AuditDefect =
  /** The entry's content does not match its hash: it was changed. */
  | 'hash_mismatch'
  /** The entry's prev_hash is not the previous entry's hash: it, or the one before it, was changed or replaced. */
  | 'chain_broken'
  /** No entry with this seq though later ones exist: it was removed. */
  | 'sequence_gap'
  /** The log ends before the anchor's seq: entries from this seq on were removed. */
  | 'tail_missing'
  /** The entry at the anchor's seq has another hash: the chain up to it was rewritten. */
  | 'anchor_mismatch';

export type AuditVerification =
  | { ok: true; checked: number; head: AuditAnchor }
  | { ok: false; checked: number; firstBad: { seq: number; reason: AuditDefect } };

export interface VerifyOptions {
  /** Entries read per query; 1000 by default. */
  batchSize?: number;
  /** A head recorded earlier: the log must still reach it, with the same hash. */
  anchor?: AuditAnchor;
  /** Called after each batch with the entries checked so far and the head's seq at the start. */
  onProgress?(checked: number, total: number): void;
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * Checks the whole chain in seq order, in batches (keyset paging, so the cost per batch does not
 * grow with the log). The entries appended while it runs are left for the next run. `head` is the
 * checkpoint to record off this machine and pass as `anchor` next time.
 * @example
 * const result = await verifyAuditLog(database.kysely, { anchor: { seq: 41250, hash: 'a3f…' } });
 * if (!result.ok) console.error(`first bad entry ${result.firstBad.seq}: ${result.firstBad.reason}`);
 */
export async function verifyAuditLog(executor: Executor, options: VerifyOptions = {}): Promise<AuditVerification> {
  const { anchor, onProgress } = options;
  const batchSize = options.batchSize ?? 1000;
  checkOptions(batchSize, anchor);
  const total = await headSeq(executor);
  let head: AuditAnchor = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  onProgress?.(checked, total);
  for (;;) {
    const batch = await entriesAfter(executor, head.seq, total, batchSize);
    if (batch.length === 0) break;
    for (const record of batch) {
      const reason = defectOf(record, head, anchor);
      if (reason)
        return { ok: false, checked, firstBad: { seq: reason === 'sequence_gap' ? head.seq + 1 : record.seq, reason } };
      head = { seq: record.seq, hash: record.hash };
      checked += 1;
    }
    onProgress?.(checked, total);
  }
  if (anchor && head.seq < anchor.seq)
    return { ok: false, checked, firstBad: { seq: head.seq + 1, reason: 'tail_missing' } };
  return { ok: true, checked, head };
}

/** The checks in the order that names the first thing wrong with `record`, following `previous`. */
function defectOf(
  record: AuditRecord,
  previous: AuditAnchor,
  anchor: AuditAnchor | undefined,
): AuditDefect | undefined {
  if (record.seq !== previous.seq + 1) return 'sequence_gap';
  if (record.prevHash !== previous.hash) return 'chain_broken';
  if (hashAuditRecord(record) !== record.hash) return 'hash_mismatch';
  if (anchor && record.seq === anchor.seq && record.hash !== anchor.hash) return 'anchor_mismatch';
  return undefined;
}

async function headSeq(executor: Executor): Promise<number> {
  const { rows } = await sql<{ seq: number }>`
    select coalesce(max(seq), 0)::int8 as seq from platform.audit_log`.execute(executor);
  return rows[0]!.seq;
}

async function entriesAfter(executor: Executor, afterSeq: number, untilSeq: number, limit: number) {
  const rows = await tablesOf<AuditTables>(executor)
    .selectFrom('platform.audit_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .where('seq', '<=', untilSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toAuditRecord);
}

function checkOptions(batchSize: number, anchor: AuditAnchor | undefined): void {
  // A programming error, not an operator's: no catalogue message.
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize ${batchSize} is not a positive integer`);
  if (!anchor) return;
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(anchor.seq) || anchor.seq < 1) errors.push({ pointer: '/anchor/seq', reason: 'range' });
  if (!HASH.test(anchor.hash)) errors.push({ pointer: '/anchor/hash', reason: 'format' });
  if (errors.length > 0) throw new ValidationError('audit.anchor_invalid', errors);
}
