/**
 * The queue's lease on a real database: only approved subscriptions of enabled members are handed out,
 * one delivery per partition key at a time and in log order, and a lease's outcome needs its token.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { leaseDeliveries, recordPushOutcomes, releaseDeliveries } from './delivery.repository.js';
import { type Exchange, openExchange } from './exchange.js';
import { publish } from './publish.service.js';

let testDatabase: TestDatabase;
let exchange: Exchange;
const db = () => testDatabase.database.kysely;
const subscriptions = new Map<string, string>();

async function member(id: string): Promise<void> {
  await sql`insert into exchange.member (id, name_zh, name_en, owner_org_unit_code, zone)
            values (${id}, '系统', 'System', 'XD1', 'internal')`.execute(db());
}

describe('leaseDeliveries', () => {
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
              values ('lease-std', '标准', 'Standard', 'XD1', 'internal')`.execute(db());
    await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
              values ('lease-std', 1, 'published', '{"type":"object"}'::jsonb, now())`.execute(db());
    await member('lease-pub');
    await sql`insert into exchange.publisher (standard_code, member_id) values ('lease-std', 'lease-pub')`.execute(
      db(),
    );
    for (const name of ['kept', 'disabled', 'revoked']) {
      await member(`lease-${name}`);
      const { rows } = await sql<{ id: string }>`
        insert into exchange.subscription (member_id, standard_code, mode, endpoint, status)
        values (${`lease-${name}`}, 'lease-std', 'push', 'http://127.0.0.1:9/none', 'approved') returning id`.execute(
        db(),
      );
      subscriptions.set(name, rows[0]!.id);
    }
    exchange = await openExchange({
      database: testDatabase.database,
      secrets: secretBox(randomBytes(32)),
      logger: pino({ level: 'silent' }),
      suite: 'international',
      maxDataBytes: 1 << 20,
    });
    // Keys a, b, a, c, b, a and one without a key; routed to all three subscriptions.
    const keys = ['a', 'b', 'a', 'c', 'b', 'a', null];
    await publish(
      exchange.publishing,
      'lease-pub',
      keys.map((key, index) => ({
        specversion: '1.0',
        id: `lease-${index}`,
        source: 'lease-pub',
        type: 'huitong.lease-std.v1',
        datacontenttype: 'application/json',
        data: { index },
        ...(key ? { partitionkey: key } : {}),
      })),
      { batch: true },
    );
    // After routing: one member disabled, one subscription revoked, their rows still open.
    await sql`update exchange.member set status = 'disabled' where id = 'lease-disabled'`.execute(db());
    await sql`update exchange.subscription set status = 'revoked' where id = ${subscriptions.get('revoked')}::uuid`.execute(
      db(),
    );
  });
  afterAll(async () => {
    await exchange?.close();
    await testDatabase?.drop();
  });

  it('hands out the head of each key, in log order, of approved subscriptions of enabled members only', async () => {
    const open = await sql<{ subscription_id: string; n: number }>`
      select subscription_id, count(*)::int as n from exchange.delivery
       where status = 'pending' group by subscription_id`.execute(db());
    expect(open.rows).toHaveLength(3);
    expect(open.rows.every((row) => row.n === 7)).toBe(true);

    const first = await leaseDeliveries(db(), { mode: 'push', limit: 100, leaseMs: 60_000 });
    expect(new Set(first.map((lease) => lease.subscriptionId))).toEqual(new Set([subscriptions.get('kept')]));
    // Heads of a, b, c and the keyless one: the 1st, 2nd, 4th and 7th published.
    expect(first.map((lease) => lease.partitionKey)).toEqual(['a', 'b', 'c', null]);
    const seqs = first.map((lease) => lease.messageSeq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(first.every((lease) => lease.attempts === 1 && lease.configVersion > 0)).toBe(true);

    // While they are leased, the next of their keys stays back.
    expect(await leaseDeliveries(db(), { mode: 'push', limit: 100, leaseMs: 60_000 })).toEqual([]);
    // A pull lease does not take push rows.
    expect(await leaseDeliveries(db(), { mode: 'pull', limit: 100, leaseMs: 60_000 })).toEqual([]);

    // A stale token changes nothing; the right ones release the next of each key.
    await recordPushOutcomes(
      db(),
      first.map((lease) => ({
        lease: { ...lease, leaseToken: '00000000-0000-4000-8000-000000000000' },
        outcome: { delivered: true },
      })),
    );
    expect(await leaseDeliveries(db(), { mode: 'push', limit: 100, leaseMs: 60_000 })).toEqual([]);
    await recordPushOutcomes(
      db(),
      first.map((lease) => ({ lease, outcome: { delivered: true } })),
    );
    const second = await leaseDeliveries(db(), { mode: 'push', limit: 100, leaseMs: 60_000 });
    expect(second.map((lease) => lease.partitionKey)).toEqual(['a', 'b']);
  });

  it('hands out the waiting rows once the member is enabled and the subscription approved again', async () => {
    await sql`update exchange.member set status = 'enabled' where id = 'lease-disabled'`.execute(db());
    await sql`update exchange.subscription set status = 'approved' where id = ${subscriptions.get('revoked')}::uuid`.execute(
      db(),
    );
    const leased = await leaseDeliveries(db(), { mode: 'push', limit: 100, leaseMs: 60_000 });
    const bySubscription = (name: string) =>
      leased.filter((lease) => lease.subscriptionId === subscriptions.get(name)).map((lease) => lease.partitionKey);
    expect(bySubscription('disabled')).toEqual(['a', 'b', 'c', null]);
    expect(bySubscription('revoked')).toEqual(['a', 'b', 'c', null]);
  });

  it('hands out a lease that ran out again, keeps a failed one back until its retry, and a released one at once', async () => {
    const subscriptionId = subscriptions.get('disabled')!;
    const open = () =>
      leaseDeliveries(db(), { mode: 'push', subscriptionId, limit: 100, leaseMs: 60_000 }).then((leases) =>
        leases.map((lease) => lease.partitionKey),
      );
    // Its four heads are leased (the test before); two of those leases run out.
    await sql`update exchange.delivery set lease_until = now() - interval '1 second',
                     next_attempt_at = now() - interval '1 second'
               where subscription_id = ${subscriptionId}::uuid and status = 'leased' and partition_key in ('a', 'b')`.execute(
      db(),
    );
    const again = await leaseDeliveries(db(), { mode: 'push', subscriptionId, limit: 100, leaseMs: 60_000 });
    expect(again.map((lease) => [lease.partitionKey, lease.attempts])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);

    const [a, b] = again;
    await recordPushOutcomes(db(), [
      {
        lease: a!,
        outcome: { delivered: false, error: 'HTTP 503', retryAt: new Date(Date.now() + 3_600_000), dead: false },
      },
    ]);
    await releaseDeliveries(db(), subscriptionId, [b!]);
    // a waits for its retry an hour from now; b is due at once, its attempt not counted.
    const released = await leaseDeliveries(db(), { mode: 'push', subscriptionId, limit: 100, leaseMs: 60_000 });
    expect(released.map((lease) => [lease.partitionKey, lease.attempts])).toEqual([['b', 2]]);
    expect(await open()).toEqual([]);
  });
});
