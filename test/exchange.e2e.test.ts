/**
 * The exchange end to end, over HTTP on the whole platform: a departmental system publishes XML in
 * its own format; one subscriber receives the mapped standard payload by push, another by pull; both
 * verify the hub's signature; a repeat is not delivered twice; a sensitive message never reaches an
 * external-zone member whatever its subscription says; bad messages store nothing; and the log
 * verifies, until someone alters it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryBody } from '../src/modules/exchange/delivery-event.js';
import { publicKeysById, SIGNATURE_HEADER, verifyDelivery, verifyMessageLog } from '../src/modules/exchange/index.js';
import { natsNames } from '../src/modules/exchange/nats-transport.js';
import { listAudit } from '../src/platform/audit/audit-log.js';
import { personXml, populationEvent, residentId, seedTestExchange, type TestExchange } from './support/exchange.js';
import { deleteTestStream, testNatsUrl } from './support/nats.js';
import { createTestPlatform, type TestPlatform } from './support/runtime.js';

let platform: TestPlatform;
let exchange: TestExchange;
let hook: Server;
let natsName: string;
const pushed: Array<{ body: string; signature: string }> = [];

const db = () => platform.runtime.database.kysely;
const event = populationEvent;
const publishAs = (id: string, body: unknown, contentType?: string) => exchange.publish(id, body, contentType);
const token = (id: string) => exchange.token(id);

async function messageCount(): Promise<number> {
  const result = await sql<{ count: number }>`select count(*)::int as count from exchange.message`.execute(db());
  return result.rows[0]!.count;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// The same flow over each transport: the PostgreSQL queue always, NATS JetStream where a server is given.
const TRANSPORTS = testNatsUrl ? (['postgres', 'nats'] as const) : (['postgres'] as const);

describe.each(TRANSPORTS)('over the %s transport', (transport) => {
  beforeAll(async () => {
    pushed.length = 0;
    hook = createServer(async (request, response) => {
      pushed.push({ body: await readBody(request), signature: String(request.headers[SIGNATURE_HEADER]) });
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

    // A name of its own, so another platform on the same NATS server (a bench, another run) cannot
    // take this one's push work.
    natsName = `huitong-test-${randomBytes(5).toString('hex')}`;
    platform = await createTestPlatform({
      env: transport === 'nats' ? { NATS_URL: testNatsUrl!, HUITONG_NATS_NAME: natsName } : {},
    });
    exchange = await seedTestExchange(platform, [
      { id: 'mz-jzxt', mode: 'push', endpoint },
      { id: 'wj-jkxt', mode: 'pull' },
      { id: 'bmfw-app', mode: 'pull', zone: 'external' },
      { id: 'mz-dbxt', mode: 'pull', filter: 'name = "赵六"' },
    ]);
    await platform.runtime.exchange!.transport.start();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    await new Promise((resolve) => hook?.close(resolve));
    if (transport === 'nats') await deleteTestStream(testNatsUrl!, natsNames(natsName).streamName);
  });

  describe('publishing native XML to two subscribers', () => {
    it('maps, validates, logs and routes it; the push subscriber gets the standard payload, signed', async () => {
      const response = await publishAs('gaj-rkxt', event('rk-0001', '0011'));
      expect(response.statusCode, response.body).toBe(202);
      expect(response.json()).toMatchObject({ seq: 1, duplicate: false, deliveries: 2 });
      expect(response.json()).not.toHaveProperty('data');

      await waitFor(() => pushed.length === 1);
      const [delivery] = pushed;
      const keys = await publicKeysById(db());
      expect(verifyDelivery(delivery!.signature, delivery!.body, keys)).toBe(true);
      expect(verifyDelivery(delivery!.signature, delivery!.body.replace('张三', '李四'), keys)).toBe(false);
      const received = JSON.parse(delivery!.body);
      expect(received).toMatchObject({
        specversion: '1.0',
        id: 'rk-0001',
        source: 'gaj-rkxt',
        type: 'huitong.population-basic.v1',
        datacontenttype: 'application/json',
        partitionkey: residentId('0011'),
        data: {
          idNumber: residentId('0011'),
          name: '张三',
          sex: '1',
          birthDate: '1980-01-01',
          domicileDivision: '110105',
        },
      });
    });

    it('the pull subscriber fetches it, verifies the signature and acknowledges it', async () => {
      const subscription = exchange.subscriptions.get('wj-jkxt')!;
      const fetch = () =>
        token('wj-jkxt').then((bearer) =>
          platform.app.inject({
            method: 'POST',
            url: `/api/exchange/v1/subscriptions/${subscription}/fetch`,
            headers: { authorization: `Bearer ${bearer}` },
            payload: { max: 10, leaseSeconds: 30 },
          }),
        );
      const first = await fetch();
      expect(first.statusCode, first.body).toBe(200);
      const { deliveries } = first.json();
      expect(deliveries).toHaveLength(1);
      const keys = await publicKeysById(db());
      expect(verifyDelivery(deliveries[0].signature, deliveryBody(deliveries[0].event), keys)).toBe(true);
      expect(deliveries[0].event.data.name).toBe('张三');

      // Leased: not handed out again while the lease lasts.
      expect((await fetch()).json().deliveries).toHaveLength(0);
      const ack = await platform.app.inject({
        method: 'POST',
        url: `/api/exchange/v1/subscriptions/${subscription}/ack`,
        headers: { authorization: `Bearer ${await token('wj-jkxt')}` },
        payload: { ackIds: [deliveries[0].ackId] },
      });
      expect(ack.json()).toEqual({ count: 1 });
      const states = await sql<{
        status: string;
      }>`select status from exchange.delivery order by subscription_id`.execute(db());
      expect(states.rows.map((row) => row.status)).toEqual(['delivered', 'delivered']);
    });

    it('takes a repeat of the same event id once: the first result comes back, nothing is delivered twice', async () => {
      const repeat = await publishAs('gaj-rkxt', event('rk-0001', '0011'));
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json()).toMatchObject({ seq: 1, duplicate: true, deliveries: 2 });
      expect(await messageCount()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pushed).toHaveLength(1);
    });

    it('takes a batch whole, in order, with per-key order for the subscribers', async () => {
      const batch = ['rk-0002', 'rk-0003', 'rk-0004'].map((id, index) =>
        event(id, '0022', { data: personXml('0022', ['王五', '赵六', '钱七'][index]) }),
      );
      const response = await publishAs('gaj-rkxt', batch, 'application/cloudevents-batch+json');
      expect(response.statusCode, response.body).toBe(202);
      expect(response.json().results.map((result: { seq: number }) => result.seq)).toEqual([2, 3, 4]);
      await waitFor(() => pushed.length === 4);
      expect(pushed.slice(1).map((delivery) => JSON.parse(delivery.body).data.name)).toEqual(['王五', '赵六', '钱七']);
    });

    it('routes to a filtered subscription only what its filter takes', async () => {
      const response = await platform.app.inject({
        method: 'POST',
        url: `/api/exchange/v1/subscriptions/${exchange.subscriptions.get('mz-dbxt')}/fetch`,
        headers: { authorization: `Bearer ${await token('mz-dbxt')}` },
        payload: { max: 10 },
      });
      expect(
        response.json().deliveries.map((delivery: { event: { data: { name: string } } }) => delivery.event.data.name),
      ).toEqual(['赵六']);
    });

    it('streams an attachment in, references it from a message, and lets the subscriber that got the message fetch it', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 7)]);
      const upload = await platform.app.inject({
        method: 'POST',
        url: '/api/exchange/v1/attachments',
        headers: { authorization: `Bearer ${await token('gaj-rkxt')}`, 'content-type': 'application/pdf' },
        payload: pdf,
      });
      expect(upload.statusCode, upload.body).toBe(201);
      const { dataref, sha256 } = upload.json();
      const published = await publishAs('gaj-rkxt', event('rk-att1', '0066', { dataref }));
      expect(published.statusCode, published.body).toBe(202);
      await waitFor(() => pushed.some((delivery) => JSON.parse(delivery.body).id === 'rk-att1'));
      const received = JSON.parse(pushed.find((delivery) => JSON.parse(delivery.body).id === 'rk-att1')!.body);
      expect(received.dataref).toBe(`/api/exchange/v1/attachments/${sha256}`);
      const download = await platform.app.inject({
        url: received.dataref,
        headers: { authorization: `Bearer ${await token('mz-jzxt')}` },
      });
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.rawPayload.equals(pdf)).toBe(true);
      // A member that was not sent the message cannot read the attachment.
      const stranger = await platform.app.inject({
        url: received.dataref,
        headers: { authorization: `Bearer ${await token('bmfw-app')}` },
      });
      expect(stranger.statusCode).toBe(404);
      // Nor can a publisher reference a blob it did not upload itself.
      const borrowed = await publishAs('gaj-rkxt', event('rk-att2', '0067', { dataref: 'a'.repeat(64) }));
      expect(borrowed.statusCode).toBe(422);
      expect(borrowed.json().errors).toEqual([
        expect.objectContaining({ pointer: '/dataref', reason: 'unknown_attachment' }),
      ]);
    });
  });

  describe('the zone rule', () => {
    it('never delivers a sensitive message to an external-zone member, whatever its subscription says, and audits it', async () => {
      // Approval refuses this subscription; a row altered by hand must still not leak.
      await sql`insert into exchange.subscription (id, member_id, standard_code, mode, status)
                values ('00000000-0000-4000-8000-00000000e0e0', 'bmfw-app', 'population-basic', 'pull', 'approved')`.execute(
        db(),
      );
      const response = await publishAs('gaj-rkxt', event('rk-0005', '0033'));
      expect(response.json()).toMatchObject({ duplicate: false, deliveries: 2 });
      const leaked = await sql<{ count: number }>`
        select count(*)::int as count from exchange.delivery where subscription_id = '00000000-0000-4000-8000-00000000e0e0'`.execute(
        db(),
      );
      expect(leaked.rows[0]!.count).toBe(0);
      const audit = await listAudit(db(), { action: 'exchange.delivery.refused', limit: 10 });
      expect(audit.entries).toHaveLength(1);
      expect(audit.entries[0]).toMatchObject({ outcome: 'denied', details: { reason: 'zone', memberId: 'bmfw-app' } });
      await sql`delete from exchange.subscription where id = '00000000-0000-4000-8000-00000000e0e0'`.execute(db());
    });
  });

  describe('refusals store nothing', () => {
    it('refuses an anonymous caller', async () => {
      const before = await messageCount();
      const response = await platform.app.inject({
        method: 'POST',
        url: '/api/exchange/v1/messages',
        headers: { 'content-type': 'application/cloudevents+json' },
        payload: JSON.stringify(event('rk-x1', '0044')),
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(await messageCount()).toBe(before);
    });

    it('refuses a member publishing as another source, or a standard it may not publish', async () => {
      const before = await messageCount();
      const other = await publishAs('mz-jzxt', event('rk-x2', '0044'));
      expect(other.statusCode).toBe(403);
      expect(other.json()).toMatchObject({ code: 'exchange.source_mismatch' });
      const notAllowed = await publishAs('mz-jzxt', event('rk-x3', '0044', { source: 'mz-jzxt' }));
      expect(notAllowed.statusCode).toBe(403);
      expect(notAllowed.json()).toMatchObject({ code: 'exchange.publish_not_permitted' });
      expect(await messageCount()).toBe(before);
    });

    it('refuses malformed events and payloads that break the schema, naming each problem, and takes none of a bad batch', async () => {
      const before = await messageCount();
      const malformed = await publishAs('gaj-rkxt', { specversion: '0.3', id: '', source: 'gaj-rkxt' });
      expect(malformed.statusCode).toBe(422);
      expect(malformed.json().errors.map((error: { pointer: string }) => error.pointer)).toEqual(
        expect.arrayContaining(['/specversion', '/id', '/type', '/data']),
      );
      const badId = await publishAs(
        'gaj-rkxt',
        event('rk-x4', '0044', {
          data: personXml('0044').replace(/<GMSFHM>.*<\/GMSFHM>/, '<GMSFHM>110105198001010000</GMSFHM>'),
        }),
      );
      expect(badId.statusCode).toBe(422);
      expect(badId.json().errors).toEqual([expect.objectContaining({ pointer: '/data/idNumber' })]);
      expect(badId.body).not.toContain('110105198001010000');
      const batch = await publishAs(
        'gaj-rkxt',
        [event('rk-x5', '0055'), { ...event('rk-x6', '0055'), type: 'huitong.nothing.v1' }],
        'application/cloudevents-batch+json',
      );
      expect(batch.statusCode).toBe(422);
      expect(batch.json().errors).toEqual([
        expect.objectContaining({ pointer: '/1/type', reason: 'unknown_standard' }),
      ]);
      const broken = await platform.app.inject({
        method: 'POST',
        url: '/api/exchange/v1/messages',
        headers: { authorization: `Bearer ${await token('gaj-rkxt')}`, 'content-type': 'application/cloudevents+json' },
        payload: '{"specversion": "1.0", ',
      });
      expect(broken.statusCode).toBe(400);
      const huge = await publishAs(
        'gaj-rkxt',
        event('rk-x7', '0077', { data: personXml('0077', '大'.repeat(400_000)) }),
      );
      expect(huge.statusCode).toBe(413);
      expect(huge.headers['content-type']).toContain('application/problem+json');
      expect(await messageCount()).toBe(before);
    });
  });

  describe('the message log', () => {
    it('verifies, and shows the first entry someone altered', async () => {
      const intact = await verifyMessageLog(db());
      expect(intact).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 6, checked: 6 });

      await sql`update exchange.message set data = jsonb_set(data, '{name}', '"李四"') where seq = 3`.execute(db());
      expect(await verifyMessageLog(db())).toMatchObject({ ok: false, seq: 3, reason: 'data_hash' });
    });

    it('shows a removed tail', async () => {
      await sql`delete from exchange.message where seq = 6`.execute(db());
      const result = await verifyMessageLog(db());
      expect(result.ok).toBe(false);
    });
  });
});
