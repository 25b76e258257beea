/**
 * The log's group commit and an append's own work (`within`): it commits with the append's
 * messages or not at all, and when it fails, the appends it was grouped with still commit.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTestExchange } from '../../../test/support/exchange.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { listAudit, recordAudit } from '../../platform/audit/audit-log.js';
import { canonicalJson } from '../../platform/audit/canonical-json.js';
import { ConflictError } from '../../platform/errors.js';
import { verifyMessageLog } from './log-verify.js';
import { type PreparedMessage, signedMessage } from './message.js';

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const exchange = () => platform.runtime.exchange!;

beforeAll(async () => {
  platform = await createTestPlatform();
  await seedTestExchange(platform, [{ id: 'mz-jzxt', mode: 'pull' }]);
}, 120_000);
afterAll(() => platform?.close());

async function message(eventId: string): Promise<PreparedMessage> {
  const data = { note: eventId };
  const dataJson = canonicalJson(data);
  const facts = {
    id: randomUUID(),
    source: 'gaj-rkxt',
    eventId,
    standardCode: 'population-basic',
    standardVersion: 1,
    classification: 'sensitive' as const,
    partitionKey: null,
    correlationId: null,
    subject: null,
    eventTime: null,
    receivedAt: new Date(),
    dataSize: Buffer.byteLength(dataJson),
    dataRef: null,
    dataRefType: null,
    dataRefSize: null,
  };
  return signedMessage(facts, data, dataJson, await exchange().signingKey());
}

async function logged(eventIds: string[]): Promise<string[]> {
  const result = await sql<{ event_id: string }>`
    select event_id from exchange.message where event_id = any(${eventIds}::text[]) order by seq`.execute(db());
  return result.rows.map((row) => row.event_id);
}

describe('MessageLog.append with work of its own', () => {
  it('runs it in the commit, with the seqs; a failure undoes it and its messages, and spares the rest of the group', async () => {
    const seen: number[] = [];
    const failure = new ConflictError('exchange.delivery_already_corrected');
    const [one, two, three] = [await message('within-1'), await message('within-2'), await message('within-3')];
    // Appended without a pause: the first is committed alone, the other two queue meanwhile and share a group.
    const [first, failing, grouped] = await Promise.allSettled([
      exchange().log.append([one]),
      exchange().log.append([two], {
        within: async (tx, appended) => {
          seen.push(appended[0]!.seq);
          await recordAudit(tx, {
            actor: { type: 'system', id: 'test' },
            action: 'exchange.test.within',
            target: { type: 'exchange.message', id: 'within-2' },
            outcome: 'success',
          });
          throw failure;
        },
      }),
      exchange().log.append([three], {
        within: async (tx, appended) => {
          const row = await sql<{ event_id: string }>`
            select event_id from exchange.message where seq = ${appended[0]!.seq}`.execute(tx);
          expect(row.rows[0]?.event_id).toBe('within-3');
          seen.push(appended[0]!.seq);
        },
      }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(grouped.status).toBe('fulfilled');
    expect(failing).toMatchObject({ status: 'rejected', reason: failure });
    expect(await logged(['within-1', 'within-2', 'within-3'])).toEqual(['within-1', 'within-3']);
    expect(await listAudit(db(), { action: 'exchange.test.within', limit: 5 } as never)).toMatchObject({ entries: [] });
    // In the group the failing one ran first and took the group down; then each was committed alone,
    // the third under the seq the second had had.
    const seq = (grouped as PromiseFulfilledResult<Array<{ seq: number }>>).value[0]!.seq;
    expect(seen).toEqual([seq, seq, seq]);
    expect((await verifyMessageLog(db())).ok).toBe(true);
  });
});
