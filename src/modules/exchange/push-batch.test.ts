/**
 * Batched push on both transports: a subscription with `pushBatchSize` above 1 receives signed
 * `application/cloudevents-batch+json` arrays, never two deliveries of one key in a batch, per-key
 * order across batches, and a refused batch comes again. And the pushes' cached endpoints follow the
 * configuration's version: a subscription changed by hand is pushed to as changed at once.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { deleteTestStream, type TestNatsNames, testNatsNames, testNatsUrl } from '../../../test/support/nats.js';
import type { JsonValue } from '../../platform/audit/canonical-json.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { verifyDelivery } from './delivery-event.js';
import { type Exchange, openExchange } from './exchange.js';
import { openNatsTransport } from './nats-transport.js';
import { PostgresTransport } from './pg-transport.js';
import { publish } from './publish.service.js';
import type { DeliveryPolicy } from './push-delivery.js';

const logger = pino({ level: 'silent' });
const secrets = secretBox(randomBytes(32));
let testDatabase: TestDatabase;
let names: TestNatsNames | undefined;
const db = () => testDatabase.database.kysely;
const servers: Server[] = [];

interface Batch {
  contentType: string;
  status: number;
  signed: boolean;
  events: Array<{ id: string; key: string | null; seq: number }>;
}

/** An endpoint on 127.0.0.1 recording each POST; `respond` decides the status from the count so far. */
async function endpoint(exchange: () => Exchange, respond: (count: number) => number | Promise<number>) {
  const batches: Batch[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(body) as JsonValue;
      const events = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, string>>;
      const key = await exchange().signingKey();
      const keys = new Map([[key.id, { algorithm: key.algorithm, key: createPublicKey(key.privateKey) }]]);
      const count = batches.length;
      batches.push({ contentType: '', status: 0, signed: false, events: [] });
      const status = await respond(count);
      batches[count] = {
        contentType: String(request.headers['content-type']),
        status,
        signed: verifyDelivery(String(request.headers['huitong-signature'] ?? ''), body, keys),
        events: events.map((event) => ({
          id: event.id!,
          key: event.partitionkey ?? null,
          seq: Number(event.huitongseq),
        })),
      };
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, batches };
}

async function scenario(code: string, url: string, pushBatchSize: number) {
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values (${code}, ${`标准${code}`}, ${`Standard ${code}`}, 'XD1', 'internal')`.execute(db());
  await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
            values (${code}, 1, 'published', '{"type":"object"}'::jsonb, now())`.execute(db());
  for (const member of [`${code}-pub`, `${code}-sub`]) {
    await sql`insert into exchange.member (id, name_zh, name_en, owner_org_unit_code, zone)
              values (${member}, '系统', 'System', 'XD1', 'internal')`.execute(db());
  }
  await sql`insert into exchange.publisher (standard_code, member_id) values (${code}, ${`${code}-pub`})`.execute(db());
  const { rows } = await sql<{ id: string }>`
    insert into exchange.subscription (member_id, standard_code, mode, endpoint, status, push_batch_size)
    values (${`${code}-sub`}, ${code}, 'push', ${url}, 'approved', ${pushBatchSize}) returning id`.execute(db());
  return { publisher: `${code}-pub`, subscriptionId: rows[0]!.id };
}

async function openRows(subscriptionId: string): Promise<number> {
  const { rows } = await sql<{ open: number }>`
    select count(*)::int as open from exchange.delivery
     where subscription_id = ${subscriptionId}::uuid and status <> 'delivered'`.execute(db());
  return rows[0]!.open;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for deliveries');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A hub on the test database with this delivery policy (and the transport added by each test). */
function exchangeOptions(delivery: Partial<DeliveryPolicy>) {
  return {
    database: testDatabase.database,
    secrets,
    logger,
    suite: 'international' as const,
    maxDataBytes: 1 << 20,
    delivery,
  };
}

const transports = [
  { name: 'postgres', open: undefined },
  ...(testNatsUrl ? [{ name: 'nats', open: () => openNatsTransport(testNatsUrl!, { ...names!, pollMs: 100 }) }] : []),
] as const;

describe('batched push', () => {
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    if (testNatsUrl) names = testNatsNames();
  });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    if (names) await deleteTestStream(testNatsUrl!, names.streamName);
    await testDatabase?.drop();
  });

  it.each(transports)(
    'delivers signed batches in per-key order and retries a refused one ($name)',
    async (transport) => {
      let exchange: Exchange | undefined;
      // The second POST is refused: its deliveries are failed attempts and come again.
      const subscriber = await endpoint(
        () => exchange!,
        (count) => (count === 1 ? 503 : 200),
      );
      const code = `batch-${transport.name}`;
      const { publisher, subscriptionId } = await scenario(code, subscriber.url, 10);
      exchange = await openExchange({
        ...exchangeOptions({ maxAttempts: 20, timeoutMs: 2_000, backoff: { baseMs: 50, maxMs: 200 } }),
        ...(transport.open ? { openTransport: transport.open() } : {}),
      });
      try {
        const ids: string[] = [];
        const events = Array.from({ length: 120 }, (_, index) => {
          const id = `${code}-${index}`;
          ids.push(id);
          return {
            specversion: '1.0',
            id,
            source: publisher,
            type: `huitong.${code}.v1`,
            datacontenttype: 'application/json',
            data: { index },
            ...(index % 7 === 6 ? {} : { partitionkey: `key-${index % 5}` }),
          };
        });
        // Published before pushing starts, so the backlog is there to be batched.
        await publish(exchange.publishing, publisher, events, { batch: true });
        await exchange.transport.start();
        await until(async () => (await openRows(subscriptionId)) === 0);

        const batches = subscriber.batches;
        expect(batches.every((batch) => batch.signed)).toBe(true);
        expect(batches.every((batch) => batch.contentType === 'application/cloudevents-batch+json')).toBe(true);
        expect(batches.every((batch) => batch.events.length >= 1 && batch.events.length <= 10)).toBe(true);
        expect(batches.some((batch) => batch.events.length > 1)).toBe(true);
        for (const batch of batches) {
          const keys = batch.events.flatMap((event) => (event.key ? [event.key] : []));
          expect(new Set(keys).size).toBe(keys.length);
          const seqs = batch.events.map((event) => event.seq);
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        }
        const refused = batches[1]!;
        expect(refused.status).toBe(503);
        const delivered = batches.filter((batch) => batch.status === 200).flatMap((batch) => batch.events);
        for (const event of refused.events) expect(delivered.map((other) => other.id)).toContain(event.id);
        expect(delivered.map((event) => event.id).sort()).toEqual([...ids].sort());
        const byKey = new Map<string, number[]>();
        for (const event of delivered) {
          if (event.key) byKey.set(event.key, [...(byKey.get(event.key) ?? []), event.seq]);
        }
        for (const seqs of byKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      } finally {
        await exchange.close();
      }
    },
  );

  it.each(transports)('pushes to an endpoint changed by hand from the next attempt on ($name)', async (transport) => {
    let exchange: Exchange | undefined;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first push is held until the endpoint has been changed, then refused: its retry, soon after,
    // is the next push, with no publish in between to refresh this process's cached configuration.
    const before = await endpoint(
      () => exchange!,
      async () => {
        await released;
        return 503;
      },
    );
    const after = await endpoint(
      () => exchange!,
      () => 200,
    );
    const code = `moved-${transport.name}`;
    const { publisher, subscriptionId } = await scenario(code, before.url, 1);
    exchange = await openExchange({
      ...exchangeOptions({ maxAttempts: 20, timeoutMs: 5_000, backoff: { baseMs: 50, maxMs: 100 } }),
      ...(transport.open ? { openTransport: transport.open() } : {}),
    });
    try {
      await exchange.transport.start();
      const id = `${code}-1`;
      await publish(
        exchange.publishing,
        publisher,
        [{ specversion: '1.0', id, source: publisher, type: `huitong.${code}.v1`, data: { id } }],
        { batch: false },
      );
      await until(async () => before.batches.length === 1);
      // As another process or an operator's SQL would: this process's services are not told.
      await sql`update exchange.subscription set endpoint = ${after.url} where id = ${subscriptionId}::uuid`.execute(
        db(),
      );
      release();
      await until(async () => (await openRows(subscriptionId)) === 0);
      expect(before.batches.map((batch) => batch.status)).toEqual([503]);
      expect(after.batches.flatMap((batch) => batch.events.map((one) => one.id))).toEqual([id]);
    } finally {
      await exchange.close();
    }
  });

  it('wakes the queue worker of another process at once when a web process commits a push delivery', async () => {
    let worker: Exchange | undefined;
    const subscriber = await endpoint(
      () => worker!,
      () => 200,
    );
    const code = 'woken';
    const { publisher, subscriptionId } = await scenario(code, subscriber.url, 1);
    const options = exchangeOptions({ maxAttempts: 20, timeoutMs: 5_000, backoff: { baseMs: 50, maxMs: 100 } });
    // The worker would not look for rows of its own accord within the test's time.
    worker = await openExchange({
      ...options,
      openTransport: async (deps) => new PostgresTransport({ ...deps, pollMs: 120_000 }),
    });
    const web = await openExchange(options);
    try {
      await worker.transport.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const id = `${code}-1`;
      await publish(
        web.publishing,
        publisher,
        [{ specversion: '1.0', id, source: publisher, type: `huitong.${code}.v1`, data: { id } }],
        { batch: false },
      );
      await until(async () => (await openRows(subscriptionId)) === 0, 10_000);
      expect(subscriber.batches.flatMap((batch) => batch.events.map((one) => one.id))).toEqual([id]);
    } finally {
      await web.close();
      await worker.close();
    }
  });
});
