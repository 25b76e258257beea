import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { deleteTestStream, type TestNatsNames, testNatsNames, testNatsUrl } from '../../../test/support/nats.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { leaseDeliveries } from './delivery.repository.js';
import { verifyDelivery } from './delivery-event.js';
import { type Exchange, openExchange } from './exchange.js';
import { type NatsTransportOptions, openNatsTransport, type PushJob, pushJobId } from './nats-transport.js';
import { publish } from './publish.service.js';

if (!testNatsUrl) {
  console.warn('nats-transport.test.ts skipped: set HUITONG_TEST_NATS_URL (e.g. nats://127.0.0.1:4222) to run it');
}

const logger = pino({ level: 'silent' });
const secrets = secretBox(randomBytes(32));
let testDatabase: TestDatabase;
let names: TestNatsNames;
const db = () => testDatabase.database.kysely;
const servers: Server[] = [];
const opened: Exchange[] = [];

interface Receipt {
  id: string;
  key: string | null;
  seq: number;
  status: number;
  signed: boolean;
}

/** A subscriber's endpoint on 127.0.0.1 that records what it receives; `respond` decides the status. */
async function endpoint(respond: (count: number) => number | Promise<number> = () => 200) {
  const receipts: Receipt[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as Record<string, string>;
      const status = await respond(receipts.length);
      receipts.push({
        id: event.id!,
        key: event.partitionkey ?? null,
        seq: Number(event.huitongseq),
        status,
        signed: await verifies(String(request.headers['huitong-signature'] ?? ''), body),
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, receipts };
}

let exchangeForKeys: Exchange | undefined;
async function verifies(header: string, body: string): Promise<boolean> {
  if (!exchangeForKeys) return false;
  const key = await exchangeForKeys.signingKey();
  const keys = new Map([[key.id, { algorithm: key.algorithm, key: createPublicKey(key.privateKey) }]]);
  return verifyDelivery(header, body, keys);
}

async function open(options: { push: boolean; nats?: NatsTransportOptions }): Promise<Exchange> {
  const exchange = await openExchange({
    database: testDatabase.database,
    secrets,
    logger,
    suite: 'international',
    maxDataBytes: 1 << 20,
    delivery: { maxAttempts: 20, timeoutMs: 2_000, backoff: { baseMs: 50, maxMs: 200 } },
    openTransport: openNatsTransport(testNatsUrl!, { ...names, pollMs: 100, ...options.nats }),
  });
  opened.push(exchange);
  exchangeForKeys ??= exchange;
  if (options.push) await exchange.transport.start();
  return exchange;
}

async function close(exchange: Exchange): Promise<void> {
  opened.splice(opened.indexOf(exchange), 1);
  await exchange.close();
}

/** A standard of its own, a publisher and push subscribers for one test; returns their subscription ids. */
async function scenario(code: string, endpoints: string[]): Promise<{ publisher: string; subscriptions: string[] }> {
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values (${code}, ${`标准${code}`}, ${`Standard ${code}`}, 'XD1', 'internal')`.execute(db());
  await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
            values (${code}, 1, 'published', '{"type":"object"}'::jsonb, now())`.execute(db());
  const publisher = `${code}-pub`;
  await addMember(publisher);
  await sql`insert into exchange.publisher (standard_code, member_id) values (${code}, ${publisher})`.execute(db());
  const subscriptions: string[] = [];
  for (const [index, url] of endpoints.entries()) {
    const member = `${code}-sub${index}`;
    await addMember(member);
    const { rows } = await sql<{ id: string }>`
      insert into exchange.subscription (member_id, standard_code, mode, endpoint, status)
      values (${member}, ${code}, 'push', ${url}, 'approved') returning id`.execute(db());
    subscriptions.push(rows[0]!.id);
  }
  return { publisher, subscriptions };
}

async function addMember(id: string): Promise<void> {
  await sql`insert into exchange.member (id, name_zh, name_en, owner_org_unit_code, zone)
            values (${id}, '系统', 'System', 'XD1', 'internal')`.execute(db());
}

function event(publisher: string, code: string, id: string, key: string | null) {
  return {
    specversion: '1.0',
    id,
    source: publisher,
    type: `huitong.${code}.v1`,
    datacontenttype: 'application/json',
    data: { id },
    ...(key ? { partitionkey: key } : {}),
  };
}

async function openRows(subscriptions: string[]): Promise<number> {
  const { rows } = await sql<{ open: number }>`
    select count(*)::int as open from exchange.delivery
     where subscription_id = any(${subscriptions}::uuid[]) and status <> 'delivered'`.execute(db());
  return rows[0]!.open;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const { rows } = await sql<{ status: string; attempts: number; n: number }>`
        select status, attempts, count(*)::int as n from exchange.delivery group by 1, 2`.execute(db());
      throw new Error(`timed out waiting; deliveries: ${JSON.stringify(rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Successful receipts of each key, in the order they arrived, are in log order, and none twice. */
function expectOrderedOnce(receipts: Receipt[], expectedIds: string[]): void {
  const delivered = receipts.filter((receipt) => receipt.status === 200);
  expect(delivered.map((receipt) => receipt.id).sort()).toEqual([...expectedIds].sort());
  const byKey = new Map<string, number[]>();
  for (const receipt of delivered) {
    if (receipt.key === null) continue;
    byKey.set(receipt.key, [...(byKey.get(receipt.key) ?? []), receipt.seq]);
  }
  for (const seqs of byKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
}

describe.skipIf(!testNatsUrl)('NatsTransport', () => {
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    names = testNatsNames();
  });
  // A test that failed half-way must not leave its workers taking the next test's deliveries.
  afterEach(async () => {
    for (const exchange of [...opened]) await close(exchange);
  });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    if (names) await deleteTestStream(testNatsUrl!, names.streamName);
    await testDatabase?.drop();
  });

  it('pushes every message once, signed, in per-key order, to each subscriber', async () => {
    const first = await endpoint();
    const second = await endpoint();
    const { publisher, subscriptions } = await scenario('nats-order', [first.url, second.url]);
    const exchange = await open({ push: true });
    expect(exchange.transport.name).toBe('nats');
    const ids: string[] = [];
    const publishes: Array<Promise<unknown>> = [];
    for (let batch = 0; batch < 6; batch += 1) {
      const events = Array.from({ length: 20 }, (_, index) => {
        const id = `o-${batch}-${index}`;
        ids.push(id);
        return event(publisher, 'nats-order', id, index % 4 === 3 ? null : `key-${index % 3}`);
      });
      publishes.push(publish(exchange.publishing, publisher, events, { batch: true }));
    }
    await Promise.all(publishes);
    await until(async () => (await openRows(subscriptions)) === 0);
    expectOrderedOnce(first.receipts, ids);
    expectOrderedOnce(second.receipts, ids);
    expect(first.receipts.every((receipt) => receipt.signed)).toBe(true);
    await close(exchange);
  });

  it('wakes the pushing process when another process publishes', async () => {
    const subscriber = await endpoint();
    const { publisher, subscriptions } = await scenario('nats-wake', [subscriber.url]);
    // The worker polls rarely: only the wake sent by the web process can make this quick.
    const worker = await open({ push: true, nats: { pollMs: 60_000 } });
    const web = await open({ push: false });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the worker's first (empty) round is over
    await publish(web.publishing, publisher, [event(publisher, 'nats-wake', 'w-1', 'k')], { batch: false });
    await until(async () => (await openRows(subscriptions)) === 0, 5_000);
    expect(subscriber.receipts.map((receipt) => receipt.id)).toEqual(['w-1']);
    await close(web);
    await close(worker);
  });

  it('keeps retrying a failing endpoint and delivers everything in per-key order once it recovers', async () => {
    const flaky = await endpoint((count) => (count < 6 ? 503 : 200));
    const { publisher, subscriptions } = await scenario('nats-retry', [flaky.url]);
    const exchange = await open({ push: true });
    const ids = Array.from({ length: 12 }, (_, index) => `r-${index}`);
    await publish(
      exchange.publishing,
      publisher,
      ids.map((id, index) => event(publisher, 'nats-retry', id, `key-${index % 2}`)),
      { batch: true },
    );
    await until(async () => (await openRows(subscriptions)) === 0);
    expect(flaky.receipts.filter((receipt) => receipt.status === 503)).toHaveLength(6);
    expectOrderedOnce(flaky.receipts, ids);
    // While a key's head was failing, nothing after it in that key went out.
    const firstSuccess = flaky.receipts.findIndex((receipt) => receipt.status === 200);
    expect(new Set(flaky.receipts.slice(0, firstSuccess).map((receipt) => receipt.id))).toEqual(
      new Set(['r-0', 'r-1']),
    );
    const { rows } = await sql<{ attempts: number }>`
      select attempts from exchange.delivery where subscription_id = ${subscriptions[0]}::uuid order by message_seq`.execute(
      db(),
    );
    expect(rows[0]!.attempts).toBeGreaterThan(1);
    await close(exchange);
  });

  it('records a dead letter after the attempt limit, and the rest of the key goes on', async () => {
    const refusing = await endpoint((count) => (count < 3 ? 500 : 200));
    const { publisher, subscriptions } = await scenario('nats-dead', [refusing.url]);
    const exchange = await openExchange({
      database: testDatabase.database,
      secrets,
      logger,
      suite: 'international',
      maxDataBytes: 1 << 20,
      delivery: { maxAttempts: 3, timeoutMs: 2_000, backoff: { baseMs: 20, maxMs: 50 } },
      openTransport: openNatsTransport(testNatsUrl!, { ...names, pollMs: 100 }),
    });
    opened.push(exchange);
    await exchange.transport.start();
    await publish(
      exchange.publishing,
      publisher,
      [event(publisher, 'nats-dead', 'd-1', 'k'), event(publisher, 'nats-dead', 'd-2', 'k')],
      { batch: true },
    );
    await until(async () => (await openRows(subscriptions)) === 1);
    const { rows } = await sql<{ status: string; attempts: number; last_error: string | null }>`
      select status, attempts, last_error from exchange.delivery
       where subscription_id = ${subscriptions[0]}::uuid order by message_seq`.execute(db());
    expect(rows).toEqual([
      { status: 'dead', attempts: 3, last_error: 'HTTP 500' },
      { status: 'delivered', attempts: 1, last_error: null },
    ]);
    await close(exchange);
  });

  it('loses nothing when a relay leased rows and died, or a transport closed mid-push', async () => {
    let hold = true;
    const slow = await endpoint(async () => {
      if (hold) await new Promise((resolve) => setTimeout(resolve, 300));
      return 200;
    });
    const { publisher, subscriptions } = await scenario('nats-crash', [slow.url]);
    const web = await open({ push: false });
    const ids = Array.from({ length: 16 }, (_, index) => `c-${index}`);
    await publish(
      web.publishing,
      publisher,
      ids.map((id, index) => event(publisher, 'nats-crash', id, `key-${index % 4}`)),
      { batch: true },
    );
    // A relay that leased the heads and died before publishing them: nothing is in JetStream.
    const dead = await leaseDeliveries(db(), {
      mode: 'push',
      subscriptionId: subscriptions[0],
      limit: 100,
      leaseMs: 1_000,
    });
    expect(dead).toHaveLength(4);
    const worker = await open({ push: true });
    await until(async () => slow.receipts.length >= 6);
    await close(worker); // mid-burst: waits for the pushes in flight
    const afterClose = slow.receipts.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slow.receipts.length).toBe(afterClose);
    expect(await openRows(subscriptions)).toBeGreaterThan(0);
    hold = false;
    // Whatever the closed worker had leased or relayed comes due again for the next one.
    const next = await open({ push: true });
    // A job the closed worker's consumer had been sent but not yet taken comes back after the ack wait.
    await until(async () => (await openRows(subscriptions)) === 0, 45_000);
    const delivered = new Set(slow.receipts.map((receipt) => receipt.id));
    expect([...delivered].sort()).toEqual([...ids].sort());
    expectOrderedOnce(
      slow.receipts.filter((receipt, index) => slow.receipts.findIndex((other) => other.id === receipt.id) === index),
      ids,
    );
    const { rows } = await sql<{ attempts: number }>`
      select attempts from exchange.delivery where subscription_id = ${subscriptions[0]}::uuid order by message_seq limit 1`.execute(
      db(),
    );
    expect(rows[0]!.attempts).toBe(2); // the dead relay's lease counted, then the next one delivered it
    await close(next);
    await close(web);
  });

  it('pushes a job relayed twice (same message id) once, and drops a job whose lease is stale', async () => {
    const subscriber = await endpoint();
    const { publisher, subscriptions } = await scenario('nats-dup', [subscriber.url]);
    const web = await open({ push: false });
    await publish(
      web.publishing,
      publisher,
      [event(publisher, 'nats-dup', 'u-1', 'k'), event(publisher, 'nats-dup', 'u-2', null)],
      {
        batch: true,
      },
    );
    const [lease, other] = await leaseDeliveries(db(), {
      mode: 'push',
      subscriptionId: subscriptions[0],
      limit: 10,
      leaseMs: 60_000,
    });
    const job: PushJob = {
      subscriptionId: lease!.subscriptionId,
      messageSeq: lease!.messageSeq,
      leaseToken: lease!.leaseToken,
      attempts: lease!.attempts,
    };
    const stale: PushJob = { ...job, messageSeq: other!.messageSeq, leaseToken: randomUUID() };
    const nc = await connect({ servers: testNatsUrl! });
    try {
      const js = jetstream(nc);
      const subject = `${names.subjectPrefix}.push.${job.subscriptionId}`;
      const acks = [];
      // One job alone, as relays sent before they batched (still read); then a batch holding the stale one.
      for (const relayed of [job, job]) {
        acks.push(await js.publish(subject, JSON.stringify(relayed), { msgID: pushJobId(relayed) }));
      }
      acks.push(await js.publish(subject, JSON.stringify([stale]), { msgID: pushJobId(stale) }));
      expect(acks.map((ack) => ack.duplicate)).toEqual([false, true, false]);
      // Malformed work is dropped, not retried for ever.
      await js.publish(subject, 'not json', { msgID: randomUUID() });
    } finally {
      await nc.close();
    }
    const worker = await open({ push: true });
    await until(async () => (await openRows([subscriptions[0]!])) === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(subscriber.receipts.map((receipt) => receipt.id)).toEqual(['u-1']);
    const { rows } = await sql<{ status: string }>`
      select status from exchange.delivery where subscription_id = ${subscriptions[0]}::uuid order by message_seq`.execute(
      db(),
    );
    expect(rows.map((row) => row.status)).toEqual(['delivered', 'leased']);
    await close(worker);
    await close(web);
  });

  it('stops leasing while the stream holds enough unfinished work, and goes on once workers catch up', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const blocked = await endpoint(async () => {
      await released;
      return 200;
    });
    const { publisher, subscriptions } = await scenario('nats-cap', [blocked.url]);
    const worker = await open({ push: true, nats: { batchSize: 2, maxOutstanding: 2 } });
    const ids = Array.from({ length: 12 }, (_, index) => `m-${index}`);
    await publish(
      worker.publishing,
      publisher,
      ids.map((id) => event(publisher, 'nats-cap', id, null)),
      { batch: true },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { rows } = await sql<{ leased: number }>`
      select count(*)::int as leased from exchange.delivery
       where subscription_id = ${subscriptions[0]}::uuid and status = 'leased'`.execute(db());
    // Leasing stops once 2 messages (rounds of at most 2 jobs) are outstanding; one round may add one on top of 1.
    expect(rows[0]!.leased).toBeGreaterThan(0);
    expect(rows[0]!.leased).toBeLessThanOrEqual(6);
    expect(rows[0]!.leased).toBeLessThan(12);
    release();
    await until(async () => (await openRows(subscriptions)) === 0);
    expectOrderedOnce(blocked.receipts, ids);
    await close(worker);
  });

  it('serves pull subscriptions from the rows', async () => {
    const { publisher } = await scenario('nats-pull', []);
    await addMember('nats-pull-reader');
    const { rows } = await sql<{ id: string }>`
      insert into exchange.subscription (member_id, standard_code, mode, status)
      values ('nats-pull-reader', 'nats-pull', 'pull', 'approved') returning id`.execute(db());
    const subscriptionId = rows[0]!.id;
    const exchange = await open({ push: true });
    await publish(
      exchange.publishing,
      publisher,
      [event(publisher, 'nats-pull', 'p-1', 'k'), event(publisher, 'nats-pull', 'p-2', 'k')],
      {
        batch: true,
      },
    );
    const pulled = await exchange.transport.fetch(subscriptionId, 10, 30_000);
    expect(pulled.map((delivery) => delivery.event.id)).toEqual(['p-1']); // per-key order: p-2 waits
    expect(await exchange.transport.ack(subscriptionId, [pulled[0]!.ackId, 'garbage'])).toBe(1);
    const next = await exchange.transport.fetch(subscriptionId, 10, 30_000);
    expect(next.map((delivery) => delivery.event.id)).toEqual(['p-2']);
    expect(await exchange.transport.nack(subscriptionId, [next[0]!.ackId])).toBe(1);
    expect(await openRows([subscriptionId])).toBe(1);
    await close(exchange);
  });
});
