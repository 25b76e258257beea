/**
 * Proving the message log unaltered: every entry's payload hash, header hash and signature are
 * recomputed and checked, the chain is followed from its start (or from the signed checkpoint the
 * retention policy pruned up to) without gaps, every checkpoint's signature is checked against the
 * chain, and the head must be the last entry. Any altered byte, removed entry or forged checkpoint
 * fails here, with the first seq where it shows. Used by `huitong exchange verify` and the auditor's API.
 */
import { sql } from 'kysely';
import { canonicalJson, type JsonValue } from '../../platform/audit/canonical-json.js';
import type { Executor } from '../../platform/db/database.js';
import { digest, type SigningAlgorithm, verifyBytes } from './exchange-crypto.js';
import { type MessageFacts, type MessageFactsRow, messageHeader, storedFacts } from './message.js';
import { publicKeysById } from './signing-key.service.js';

export type LogVerification =
  | { ok: true; checked: number; firstSeq: number; lastSeq: number; checkpoints: number }
  | { ok: false; checked: number; seq: number; reason: LogFailure };

export type LogFailure =
  | 'gap'
  | 'data_hash'
  | 'message_hash'
  | 'signature'
  | 'unknown_key'
  | 'chain'
  | 'checkpoint_hash'
  | 'checkpoint_signature'
  | 'checkpoint_missing'
  | 'head';

const PAGE = 1000;

/**
 * Verifies the whole log; `onProgress` is told how far it got (for a progress bar).
 * @example const result = await verifyMessageLog(db); if (!result.ok) console.error(result.seq, result.reason);
 */
export async function verifyMessageLog(
  executor: Executor,
  onProgress?: (checked: number, total: number) => void,
): Promise<LogVerification> {
  const keys = await publicKeysById(executor);
  const head = (
    await sql<{ seq: string; entry_hash: Uint8Array; pruned_seq: string }>`
      select seq, entry_hash, pruned_seq from exchange.log_head where id = 1`.execute(executor)
  ).rows[0]!;
  const headSeq = Number(head.seq);
  const prunedSeq = Number(head.pruned_seq);
  const checkpoints = await loadCheckpoints(executor, prunedSeq);
  let running: Buffer = Buffer.alloc(32);
  if (prunedSeq > 0) {
    const anchor = checkpoints.get(prunedSeq);
    if (!anchor) return { ok: false, checked: 0, seq: prunedSeq, reason: 'checkpoint_missing' };
    const key = keys.get(anchor.keyId);
    if (!key || !verifyBytes(key.algorithm, key.key, anchor.entryHash, anchor.signature)) {
      return { ok: false, checked: 0, seq: prunedSeq, reason: 'checkpoint_signature' };
    }
    running = anchor.entryHash;
  }
  let expected = prunedSeq + 1;
  let checked = 0;
  let checkpointsSeen = 0;
  const total = headSeq - prunedSeq;
  for (;;) {
    const rows = await loadPage(executor, expected - 1);
    for (const row of rows) {
      const seq = Number(row.seq);
      const fail = (reason: LogFailure): LogVerification => ({ ok: false, checked, seq, reason });
      if (seq !== expected) return { ok: false, checked, seq: expected, reason: 'gap' };
      const key = keys.get(row.key_id);
      if (!key || key.algorithm !== row.algorithm) return fail('unknown_key');
      const algorithm = row.algorithm;
      const data = typeof row.data === 'string' ? (JSON.parse(row.data) as JsonValue) : row.data;
      const dataHash = digest(algorithm, canonicalJson(data));
      if (!dataHash.equals(Buffer.from(row.data_hash))) return fail('data_hash');
      const messageHash = digest(algorithm, messageHeader(factsOf(row, dataHash)));
      if (!messageHash.equals(Buffer.from(row.message_hash))) return fail('message_hash');
      if (!verifyBytes(algorithm, key.key, messageHash, Buffer.from(row.signature))) return fail('signature');
      if (!running.equals(Buffer.from(row.prev_hash))) return fail('chain');
      running = digest(algorithm, running, messageHash);
      if (!running.equals(Buffer.from(row.entry_hash))) return fail('chain');
      const checkpoint = checkpoints.get(seq);
      if (checkpoint) {
        if (!checkpoint.entryHash.equals(running)) return fail('checkpoint_hash');
        const checkpointKey = keys.get(checkpoint.keyId);
        if (!checkpointKey || !verifyBytes(checkpointKey.algorithm, checkpointKey.key, running, checkpoint.signature)) {
          return fail('checkpoint_signature');
        }
        checkpointsSeen += 1;
      }
      expected += 1;
      checked += 1;
    }
    onProgress?.(checked, total);
    if (rows.length < PAGE) break;
  }
  // The head must be the last entry and carry its hash: a removed tail shows here, and the tail's
  // own signed checkpoint (every appending transaction leaves one) must be there too.
  if (expected - 1 !== headSeq || !running.equals(Buffer.from(head.entry_hash))) {
    return { ok: false, checked, seq: expected - 1, reason: 'head' };
  }
  if (headSeq > prunedSeq && !checkpoints.has(headSeq)) {
    return { ok: false, checked, seq: headSeq, reason: 'checkpoint_missing' };
  }
  return { ok: true, checked, firstSeq: prunedSeq + 1, lastSeq: headSeq, checkpoints: checkpointsSeen };
}

interface MessageRow extends MessageFactsRow {
  seq: string;
  data: JsonValue;
  algorithm: SigningAlgorithm;
  key_id: string;
  data_hash: Uint8Array;
  message_hash: Uint8Array;
  signature: Uint8Array;
  prev_hash: Uint8Array;
  entry_hash: Uint8Array;
}

async function loadPage(executor: Executor, afterSeq: number): Promise<MessageRow[]> {
  const result = await sql<MessageRow>`
    select * from exchange.message where seq > ${afterSeq} order by seq limit ${PAGE}`.execute(executor);
  return result.rows;
}

async function loadCheckpoints(executor: Executor, fromSeq: number) {
  const result = await sql<{ seq: string; entry_hash: Uint8Array; key_id: string; signature: Uint8Array }>`
    select seq, entry_hash, key_id, signature from exchange.log_checkpoint where seq >= ${fromSeq}`.execute(executor);
  return new Map(
    result.rows.map((row) => [
      Number(row.seq),
      { entryHash: Buffer.from(row.entry_hash), keyId: row.key_id, signature: Buffer.from(row.signature) },
    ]),
  );
}

function factsOf(row: MessageRow, dataHash: Buffer): MessageFacts {
  return { ...storedFacts(row), algorithm: row.algorithm, keyId: row.key_id, dataHash };
}
