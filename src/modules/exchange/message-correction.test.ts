/**
 * Correct and resubmit, through the service and over HTTP: a dead delivery's payload is corrected,
 * logged as a new message linked both ways to the original, routed only to that subscription, and
 * the log still verifies. Bad input is problem+json and leaves the log alone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { populationEvent, seedTestExchange, type TestExchange } from '../../../test/support/exchange.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { verifyMessageLog } from './log-verify.js';
import { messageRoutes } from './message.routes.js';
import { correctDelivery, correctionDraft, correctionEventId } from './message-correction.service.js';
import { getMessage, listMessages } from './message-trace.service.js';
import { publish } from './publish.service.js';

const policy = grantTablePolicy({
  // Manages the subscribers (D01, D02); reads the publisher's unit (D07) too, so it sees every delivery.
  'ops-d01': { 'exchange.manage': ['D01', 'D02'], 'exchange.read': ['D01', 'D07'] },
  'reader-d01': { 'exchange.read': ['D01'] },
  'reader-d02': { 'exchange.read': ['D02'] },
  'reader-d03': { 'exchange.read': ['D03'] },
});
const ops = { type: 'user', id: 'ops-d01' } as const;
const staff = (id: string) => asStaff(id, { 'accept-language': 'en' });

let platform: TestPlatform;
let exchange: TestExchange;
const db = () => platform.runtime.database.kysely;
const publishing = () => platform.runtime.exchange!.publishing;
let serial = 100;

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => [
      messageRoutes({
        database: runtime.database,
        policy,
        blobs: runtime.blobs,
        publishing: runtime.exchange!.publishing,
        transport: runtime.exchange!.transport,
      }),
    ],
  });
  platform.runtime.authenticators.push(testStaffAuthenticator);
  await platform.app.ready();
  exchange = await seedTestExchange(platform, [
    { id: 'mz-jzxt', mode: 'pull' },
    { id: 'sb-ylxt', mode: 'pull', ownerOrgUnitCode: 'D02' },
  ]);
}, 120_000);
afterAll(() => platform?.close());

/** Publishes one person and makes its delivery to mz-jzxt dead, as the push worker would. */
async function deadDelivery(eventId: string) {
  serial += 1;
  const [appended] = await publish(publishing(), 'gaj-rkxt', [populationEvent(eventId, String(serial))], {
    batch: false,
  });
  const subscriptionId = exchange.subscriptions.get('mz-jzxt')!;
  await sql`update exchange.delivery set status = 'dead', attempts = 8, last_error = 'HTTP 422'
            where subscription_id = ${subscriptionId}::uuid and message_seq = ${appended!.seq}`.execute(db());
  return { subscriptionId, messageSeq: appended!.seq, messageId: appended!.id };
}

async function deliveriesOf(seq: number) {
  const result = await sql<{ subscription_id: string; status: string }>`
    select subscription_id, status from exchange.delivery where message_seq = ${seq}`.execute(db());
  return result.rows;
}

describe('correctDelivery', () => {
  it('logs the corrected payload as a new linked message, routed to that subscription only', async () => {
    const dead = await deadDelivery('rk-corr-1');
    const draft = await correctionDraft(db(), ops, dead, policy);
    expect(draft).toMatchObject({ status: 'dead', lastError: 'HTTP 422', eventId: 'rk-corr-1', version: 1 });
    const data = { ...(draft.data as Record<string, unknown>), name: '张三丰' };

    const correction = await correctDelivery(publishing(), ops, { ...dead, data, reason: '姓名有误' }, policy);
    expect(correction).toMatchObject({
      eventId: 'rk-corr-1#fix-1',
      correlationId: dead.messageId,
      deliveries: 1,
      corrects: dead,
    });
    expect(await deliveriesOf(correction.seq)).toEqual([{ subscription_id: dead.subscriptionId, status: 'pending' }]);
    const pulled = await platform.runtime.exchange!.transport.fetch(dead.subscriptionId, 10, 30_000);
    const event = pulled.map((delivery) => delivery.event).find((candidate) => candidate.id === 'rk-corr-1#fix-1');
    expect(event?.data).toMatchObject({ name: '张三丰' });

    const original = await getMessage(db(), ops, dead.messageId, policy);
    const replaced = original.deliveries.find((delivery) => delivery.subscriptionId === dead.subscriptionId);
    expect(replaced).toMatchObject({
      status: 'superseded',
      supersededBy: { seq: correction.seq, messageId: correction.id },
      resolvedBy: 'user:ops-d01',
    });
    const corrected = await getMessage(db(), ops, correction.id, policy);
    expect(corrected.corrects).toMatchObject({ ...dead, resolvedBy: 'user:ops-d01' });

    const audit = await listAudit(db(), { action: 'exchange.delivery.corrected', limit: 5 } as never);
    const entry = audit.entries.find((candidate) => candidate.targetId === dead.subscriptionId);
    expect(entry).toMatchObject({ actorId: 'ops-d01', outcome: 'success' });
    expect(JSON.stringify(entry?.details)).toContain('姓名有误');
    expect(JSON.stringify(entry?.details)).not.toContain('张三丰');
    expect(await verifyMessageLog(db())).toMatchObject({ ok: true });
  });

  it('refuses a payload the schema refuses, naming the fields, and logs nothing', async () => {
    const dead = await deadDelivery('rk-corr-2');
    const before = await sql<{ n: number }>`select count(*)::int as n from exchange.message`.execute(db());
    const error = await correctDelivery(
      publishing(),
      ops,
      { ...dead, data: { name: '李四', sex: '7' }, reason: '更正' },
      policy,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const pointers = (error as ValidationError).fields.map((field) => field.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/data/idNumber', '/data/sex']));
    const after = await sql<{ n: number }>`select count(*)::int as n from exchange.message`.execute(db());
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect((await deliveriesOf(dead.messageSeq)).find((row) => row.subscription_id === dead.subscriptionId)).toEqual({
      subscription_id: dead.subscriptionId,
      status: 'dead',
    });
  });

  it('refuses a delivered one, a second correction, and an operator without exchange.manage', async () => {
    const dead = await deadDelivery('rk-corr-3');
    const draft = await correctionDraft(db(), ops, dead, policy);
    const reader = { type: 'user', id: 'reader-d01' } as const;
    await expect(correctionDraft(db(), reader, dead, policy)).rejects.toBeInstanceOf(ForbiddenError);
    await correctDelivery(publishing(), ops, { ...dead, data: draft.data, reason: '重发' }, policy);
    await expect(
      correctDelivery(publishing(), ops, { ...dead, data: draft.data, reason: '再次' }, policy),
    ).rejects.toMatchObject({ code: 'exchange.delivery_not_correctable' });
    const other = { ...dead, subscriptionId: exchange.subscriptions.get('sb-ylxt')! };
    await sql`update exchange.delivery set status = 'delivered', delivered_at = now()
              where subscription_id = ${other.subscriptionId}::uuid and message_seq = ${other.messageSeq}`.execute(
      db(),
    );
    await expect(
      correctDelivery(publishing(), ops, { ...other, data: draft.data, reason: 'x' }, policy),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('shows a subscriber’s operator the messages routed to its members, with only their deliveries', async () => {
    serial += 1;
    const [appended] = await publish(publishing(), 'gaj-rkxt', [populationEvent('rk-trace-1', String(serial))], {
      batch: false,
    });
    const id = appended!.id;
    const asReader = (staffId: string) => ({ type: 'user', id: staffId }) as const;
    for (const [staffId, memberId] of [
      ['reader-d01', 'mz-jzxt'],
      ['reader-d02', 'sb-ylxt'],
    ] as const) {
      const listed = await listMessages(db(), asReader(staffId), { source: 'gaj-rkxt', limit: 100, offset: 0 }, policy);
      expect(listed.items.find((message) => message.id === id)?.deliveries).toMatchObject({ total: 1, pending: 1 });
      const detail = await getMessage(db(), asReader(staffId), id, policy);
      expect(detail.deliveries.map((delivery) => delivery.memberId)).toEqual([memberId]);
      expect(detail.message.deliveries.total).toBe(1);
    }
    // The publisher's side sees every delivery; a unit with no member on the route sees nothing of it.
    expect((await getMessage(db(), ops, id, policy)).deliveries).toHaveLength(2);
    await expect(getMessage(db(), asReader('reader-d03'), id, policy)).rejects.toBeInstanceOf(NotFoundError);
    const outside = await listMessages(db(), asReader('reader-d03'), { limit: 100, offset: 0 }, policy);
    expect(outside.items.map((message) => message.id)).not.toContain(id);
  });

  it('derives event ids that stay within 200 characters', () => {
    expect(correctionEventId('a', 2)).toBe('a#fix-2');
    const long = correctionEventId('x'.repeat(200), 1);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith('#fix-1')).toBe(true);
  });
});

describe('correction routes', () => {
  const url = (key: { subscriptionId: string; messageSeq: number }) =>
    `/api/exchange/v1/deliveries/${key.subscriptionId}/${key.messageSeq}/correction`;

  it('gives the draft, takes the correction (201), and answers bad input with problem+json', async () => {
    const dead = await deadDelivery('rk-corr-http');
    const draft = await platform.app.inject({ url: url(dead), headers: staff('ops-d01') });
    expect(draft.statusCode, draft.body).toBe(200);
    const data = draft.json().data;

    const invalid = await platform.app.inject({
      method: 'POST',
      url: url(dead),
      headers: staff('ops-d01'),
      payload: { data: { ...data, birthDate: 'yesterday' }, reason: 'fix' },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.headers['content-type']).toContain('application/problem+json');
    expect(invalid.json().errors.map((field: { pointer: string }) => field.pointer)).toContain('/data/birthDate');

    const forbidden = await platform.app.inject({
      method: 'POST',
      url: url(dead),
      headers: staff('reader-d01'),
      payload: { data, reason: 'fix' },
    });
    expect(forbidden.statusCode).toBe(403);
    const unknown = await platform.app.inject({
      method: 'POST',
      url: url({ ...dead, messageSeq: 999_999 }),
      headers: staff('ops-d01'),
      payload: { data, reason: 'fix' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    const noReason = await platform.app.inject({
      method: 'POST',
      url: url(dead),
      headers: staff('ops-d01'),
      payload: { data },
    });
    expect(noReason.statusCode).toBe(422);

    const done = await platform.app.inject({
      method: 'POST',
      url: url(dead),
      headers: staff('ops-d01'),
      payload: { data, reason: 'fix' },
    });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({ eventId: 'rk-corr-http#fix-1', corrects: dead });
    const again = await platform.app.inject({
      method: 'POST',
      url: url(dead),
      headers: staff('ops-d01'),
      payload: { data, reason: 'fix' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');

    const trace = await platform.app.inject({
      url: `/api/exchange/v1/messages/${done.json().id}`,
      headers: staff('ops-d01'),
    });
    expect(trace.json().corrects).toMatchObject({ messageSeq: dead.messageSeq, resolvedBy: 'user:ops-d01' });
  });
});
