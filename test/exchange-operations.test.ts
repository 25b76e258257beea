/**
 * Running the exchange: the dead-letter console (a delivery that keeps failing goes dead, says why,
 * and an operator resubmits it once the subscriber is fixed), the message trace, the Prometheus
 * figures, the retention policy (a pruned log still verifies from its signed checkpoint), and the
 * `huitong exchange` command. This platform signs with SM2 and hashes with SM3.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeCommand, verifyMessageLog } from '../src/modules/exchange/index.js';
import { pruneMessageLog } from '../src/modules/exchange/log-retention.js';
import { getMessage, listDeliveries, listMessages, resubmit } from '../src/modules/exchange/message-trace.service.js';
import { SYSTEM_ACTOR } from '../src/platform/authorization.js';
import { populationEvent, seedTestExchange, type TestExchange } from './support/exchange.js';
import { createTestPlatform, type TestPlatform } from './support/runtime.js';

let platform: TestPlatform;
let exchange: TestExchange;
let hook: Server;
let failing = true;
let received = 0;

const db = () => platform.runtime.database.kysely;

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function statuses(): Promise<string[]> {
  const result = await sql<{ status: string }>`select status from exchange.delivery order by message_seq`.execute(db());
  return result.rows.map((row) => row.status);
}

beforeAll(async () => {
  hook = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (failing) response.writeHead(500).end();
      else {
        received += 1;
        response.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  platform = await createTestPlatform({
    // China's national algorithms here (SM2 signatures, SM3 hashes); the end-to-end test runs the international ones.
    env: {
      HUITONG_EXCHANGE_MAX_ATTEMPTS: '2',
      HUITONG_EXCHANGE_RETRY_MAX_MS: '1000',
      HUITONG_EXCHANGE_CRYPTO: 'national',
    },
  });
  exchange = await seedTestExchange(platform, [{ id: 'mz-jzxt', mode: 'push', endpoint }]);
  await platform.runtime.exchange!.transport.start();
}, 120_000);

afterAll(async () => {
  await platform?.close();
  await new Promise((resolve) => hook?.close(resolve));
});

describe('the dead-letter console', () => {
  it('gives up after the attempt limit, shows why, and delivers on resubmit once the subscriber is fixed', async () => {
    const response = await exchange.publish('gaj-rkxt', populationEvent('ops-1', '101'));
    expect(response.statusCode, response.body).toBe(202);
    await waitFor(async () => (await statuses())[0] === 'dead');

    const dead = await listDeliveries(
      db(),
      SYSTEM_ACTOR,
      { status: 'dead', limit: 10, offset: 0 },
      platform.runtime.policy,
    );
    expect(dead.total).toBe(1);
    expect(dead.items[0]).toMatchObject({ status: 'dead', attempts: 2, lastError: 'HTTP 500', memberId: 'mz-jzxt' });

    failing = false;
    const count = await resubmit(
      db(),
      SYSTEM_ACTOR,
      { subscriptionId: dead.items[0]!.subscriptionId, messageSeqs: [dead.items[0]!.messageSeq] },
      platform.runtime.policy,
    );
    expect(count).toBe(1);
    await waitFor(async () => (await statuses())[0] === 'delivered');
    expect(received).toBe(1);
  });

  it('refuses the console to anyone not signed in', async () => {
    const response = await platform.app.inject({ url: '/api/exchange/v1/deliveries?status=dead' });
    expect(response.statusCode).toBe(401);
    const resubmitted = await platform.app.inject({
      method: 'POST',
      url: '/api/exchange/v1/deliveries/resubmit',
      payload: { subscriptionId: '00000000-0000-4000-8000-000000000000', messageSeqs: [1] },
    });
    expect(resubmitted.statusCode).toBe(401);
  });
});

describe('the message trace', () => {
  it('finds messages by member, standard and correlation id, with each one’s proof and deliveries', async () => {
    await exchange.publish('gaj-rkxt', populationEvent('ops-2', '102', { correlationid: 'case-2026-0001' }));
    const byCorrelation = await listMessages(
      db(),
      SYSTEM_ACTOR,
      { correlationId: 'case-2026-0001', limit: 10, offset: 0 },
      platform.runtime.policy,
    );
    expect(byCorrelation.items.map((message) => message.eventId)).toEqual(['ops-2']);
    const bySource = await listMessages(
      db(),
      SYSTEM_ACTOR,
      { source: 'gaj-rkxt', standard: 'population-basic', limit: 10, offset: 0 },
      platform.runtime.policy,
    );
    expect(bySource.total).toBe(2);
    const detail = await getMessage(db(), SYSTEM_ACTOR, byCorrelation.items[0]!.id, platform.runtime.policy);
    expect(detail.proof).toMatchObject({ algorithm: 'sm2-sm3', entryHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(detail.deliveries).toHaveLength(1);
  });

  it('reports bad queries as problems', async () => {
    await expect(
      listMessages(
        db(),
        SYSTEM_ACTOR,
        { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z', limit: 10, offset: 0 },
        platform.runtime.policy,
      ),
    ).rejects.toMatchObject({ code: 'exchange.query_invalid' });
  });
});

describe('metrics', () => {
  it('exposes counts per member and standard, dead letters and lag to Prometheus on loopback', async () => {
    const response = await platform.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('huitong_exchange_messages_total{member="gaj-rkxt",standard="population-basic"} 2');
    expect(response.body).toContain('# TYPE huitong_exchange_lag_seconds gauge');
    const remote = await platform.app.inject({ url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(403);
  });
});

describe('retention and verification', () => {
  it('prunes to a signed checkpoint, never past an open delivery, and the rest still verifies', async () => {
    await waitFor(async () => (await statuses()).every((status) => status === 'delivered'));
    await exchange.publish('gaj-rkxt', populationEvent('ops-3', '103'));
    failing = true; // ops-3 stays open: the cut must stop before it
    const result = await pruneMessageLog(db(), SYSTEM_ACTOR, new Date(Date.now() + 60_000));
    expect(result.prunedSeq).toBe(2);
    expect(result.removed).toBe(2);
    expect(await verifyMessageLog(db())).toMatchObject({ ok: true, firstSeq: 3, lastSeq: 3 });
    failing = false;
  });

  it('`huitong exchange verify` prints the result and exits 3 once the log was altered', async () => {
    let text = '';
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        text += chunk;
        done();
      },
    });
    const run = () =>
      exchangeCommand(
        async () => ({ ...platform.runtime.database, close: async () => {} }),
        async () => ({
          database: { ...platform.runtime.database, close: async () => {} },
          secrets: platform.runtime.secrets,
        }),
        { stdout, stderr: stdout },
      ).parseAsync(['node', 'exchange', 'verify']);
    await run();
    expect(text).toContain('The message log is intact');
    expect(process.exitCode ?? 0).toBe(0);

    await sql`update exchange.message set subject = 'altered' where seq = 3`.execute(db());
    await run();
    expect(text).toContain('failed verification at entry 3 (message_hash)');
    expect(process.exitCode).toBe(3);
    process.exitCode = 0;
  });
});
