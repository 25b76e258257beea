/**
 * The message log's retention: entries older than the retention period are removed up to a signed
 * checkpoint, never past a message still being delivered, and the head records how far the log was
 * pruned. Verification then starts from that checkpoint, whose signature anchors the chain, so a
 * pruned log still proves the entries it keeps and that the removal was a deliberate cut, not a gap.
 */
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';

export interface PruneResult {
  /** Entries up to here are gone (0: nothing was pruned this time or before). */
  prunedSeq: number;
  removed: number;
}

/**
 * Removes entries received before `before`, up to the latest checkpoint that allows it.
 * @example await pruneMessageLog(db, SYSTEM_ACTOR, new Date(Date.now() - 365 * 86_400_000));
 */
export async function pruneMessageLog(executor: Executor, actor: Actor, before: Date): Promise<PruneResult> {
  return inTransaction(executor, async (tx) => {
    const head = await sql<{ pruned_seq: string }>`
      select pruned_seq from exchange.log_head where id = 1 for update`.execute(tx);
    const prunedBefore = Number(head.rows[0]!.pruned_seq);
    // The cut: the last checkpoint whose entries are all older than `before` and none of whose
    // messages is still open (pending or leased) for any subscriber.
    const cut = await sql<{ seq: string | null }>`
      select max(c.seq) as seq from exchange.log_checkpoint c
      where c.seq > ${prunedBefore}
        and not exists (select 1 from exchange.message m where m.seq <= c.seq and m.seq > ${prunedBefore}
                        and m.received_at >= ${before})
        and not exists (select 1 from exchange.delivery d where d.message_seq <= c.seq
                        and d.status in ('pending', 'leased'))`.execute(tx);
    const seq = cut.rows[0]?.seq === null || cut.rows[0]?.seq === undefined ? null : Number(cut.rows[0].seq);
    if (seq === null) return { prunedSeq: prunedBefore, removed: 0 };
    const removed = await sql`delete from exchange.message where seq <= ${seq}`.execute(tx);
    await sql`delete from exchange.log_checkpoint where seq < ${seq}`.execute(tx);
    await sql`update exchange.log_head set pruned_seq = ${seq} where id = 1`.execute(tx);
    const count = Number(removed.numAffectedRows ?? 0n);
    await recordAudit(tx, {
      actor,
      action: 'exchange.log.pruned',
      target: { type: 'exchange.log', id: 'main' },
      outcome: 'success',
      details: { fromSeq: prunedBefore + 1, toSeq: seq, removed: count, before: before.toISOString() },
    });
    return { prunedSeq: seq, removed: count };
  });
}
