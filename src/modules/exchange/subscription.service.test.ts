import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { upsertOrgUnits } from '../directory/index.js';
import { disableMember, enableMember, registerMember } from './member.service.js';
import {
  approveSubscription,
  changePushBatchSize,
  getSubscription,
  listSubscriptions,
  rejectSubscription,
  requestSubscription,
  revokeSubscription,
  routeTargets,
  subscriptionOfMember,
} from './subscription.service.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const secrets = secretBox(randomBytes(32));
// XD1 owns the population standard and the police system; XD2 owns the case standard and the app.
const policy = grantTablePolicy({
  'admin-xd1': { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'], 'identity.client.manage': ['XD1'] },
  'admin-xd2': { 'exchange.manage': ['XD2'], 'exchange.read': ['XD2'], 'identity.client.manage': ['XD2'] },
  'reader-xt1': { 'exchange.read': ['XT1'] },
});
const deps = { policy };
const adminXd1: Actor = { type: 'user', id: 'admin-xd1' };
const adminXd2: Actor = { type: 'user', id: 'admin-xd2' };
const police: Actor = { type: 'machine', id: 'gaj-rkxt' };
const app: Actor = { type: 'machine', id: 'bmfw-app' };

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  await makeStandard('population-basic', 'XD1', 'sensitive');
  await makeStandard('secret-files', 'XD1', 'classified');
  await makeStandard('case-record', 'XD2', 'internal');
  const member = (id: string, owner: string, zone: string) =>
    registerMember(
      db(),
      owner === 'XD1' ? adminXd1 : adminXd2,
      { id, nameZh: id, nameEn: id, ownerOrgUnitCode: owner, zone },
      {
        policy,
        secrets,
      },
    );
  await member('gaj-rkxt', 'XD1', 'internal');
  await member('bmfw-app', 'XD2', 'external');
  await member('mz-sys', 'XD2', 'internal');
});
afterAll(() => testDatabase.drop());

async function makeStandard(code: string, owner: string, classification: string): Promise<void> {
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values (${code}, ${code}, ${code}, ${owner}, ${classification})`.execute(db());
}

async function subscriptionCount(): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from exchange.subscription`.execute(db())).rows[0]!.n;
}

describe('requestSubscription', () => {
  it('a member asks for itself; the request is pending, audited, and a second one conflicts', async () => {
    const subscription = await requestSubscription(db(), police, { standardCode: 'case-record', mode: 'pull' }, deps);
    expect(subscription).toMatchObject({
      memberId: 'gaj-rkxt',
      standardCode: 'case-record',
      mode: 'pull',
      endpoint: null,
      filter: null,
      status: 'pending',
      requestedBy: 'machine:gaj-rkxt',
    });
    const audit = await listAudit(db(), { targetType: 'exchange_subscription', targetId: subscription.id, limit: 5 });
    expect(audit.entries[0]).toMatchObject({
      action: 'exchange.subscription.request',
      actorType: 'machine',
      outcome: 'success',
    });
    await expect(
      requestSubscription(
        db(),
        police,
        { standardCode: 'case-record', mode: 'push', endpoint: 'https://a.example.gov.cn/in' },
        deps,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      requestSubscription(db(), police, { memberId: 'mz-sys', standardCode: 'case-record', mode: 'pull' }, deps),
    ).rejects.toMatchObject({ code: 'exchange.member_other' });
    await expect(
      requestSubscription(
        db(),
        { type: 'machine', id: 'not-a-member' },
        { standardCode: 'case-record', mode: 'pull' },
        deps,
      ),
    ).rejects.toMatchObject({ code: 'exchange.not_a_member' });
  });

  it('lists every bad field and writes nothing', async () => {
    const before = await subscriptionCount();
    const cases: Array<[Record<string, unknown>, Array<{ pointer: string; reason: string }>]> = [
      [
        { standardCode: 'no-such', mode: 'push', endpoint: 'http://example.gov.cn/in', filter: 'a = (' },
        [
          { pointer: '/standardCode', reason: 'not_found' },
          { pointer: '/endpoint', reason: 'https_required' },
          { pointer: '/filter', reason: 'syntax' },
        ],
      ],
      [
        { standardCode: '', mode: 'carrier-pigeon' },
        [
          { pointer: '/standardCode', reason: 'required' },
          { pointer: '/mode', reason: 'one_of' },
        ],
      ],
      [{ standardCode: 'case-record', mode: 'push' }, [{ pointer: '/endpoint', reason: 'required' }]],
      [
        { standardCode: 'case-record', mode: 'pull', endpoint: 'https://a.example.gov.cn' },
        [{ pointer: '/endpoint', reason: 'pull_has_no_endpoint' }],
      ],
      [
        { standardCode: 'case-record', mode: 'push', endpoint: 'ftp://a.example.gov.cn/in' },
        [{ pointer: '/endpoint', reason: 'scheme' }],
      ],
      [
        { standardCode: 'case-record', mode: 'push', endpoint: 'https://u:p@a.example.gov.cn/in' },
        [{ pointer: '/endpoint', reason: 'credentials' }],
      ],
      [
        { standardCode: 'case-record', mode: 'push', endpoint: 'not a url' },
        [{ pointer: '/endpoint', reason: 'not_a_url' }],
      ],
    ];
    for (const [body, fields] of cases) {
      const error = await requestSubscription(db(), adminXd2, { memberId: 'mz-sys', ...body } as never, deps).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map(({ pointer, reason }) => ({ pointer, reason }))).toEqual(fields);
    }
    await expect(
      requestSubscription(db(), adminXd2, { standardCode: 'case-record', mode: 'pull' }, deps),
    ).rejects.toMatchObject({
      fields: [{ pointer: '/memberId', reason: 'required' }],
    });
    await expect(
      requestSubscription(
        db(),
        adminXd2,
        { memberId: 'ghost-member', standardCode: 'case-record', mode: 'pull' },
        deps,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    // Staff act for members of the units they manage only.
    await expect(
      requestSubscription(db(), adminXd1, { memberId: 'mz-sys', standardCode: 'case-record', mode: 'pull' }, deps),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await subscriptionCount()).toBe(before);
  });

  it('accepts a loopback http endpoint for development and a filter that compiles', async () => {
    const subscription = await requestSubscription(
      db(),
      adminXd2,
      {
        memberId: 'mz-sys',
        standardCode: 'case-record',
        mode: 'push',
        endpoint: 'http://127.0.0.1:8080/in',
        filter: "status = 'done'",
      },
      deps,
    );
    expect(subscription).toMatchObject({
      endpoint: 'http://127.0.0.1:8080/in',
      filter: "status = 'done'",
      requestedBy: 'user:admin-xd2',
    });
  });

  it('refuses an external member a sensitive or classified standard at once, and audits the refusal', async () => {
    const before = await subscriptionCount();
    for (const standardCode of ['population-basic', 'secret-files']) {
      const error = await requestSubscription(db(), app, { standardCode, mode: 'pull' }, deps).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ code: 'exchange.zone_forbidden', params: { memberId: 'bmfw-app', standardCode } });
    }
    // Staff cannot ask for it either.
    await expect(
      requestSubscription(
        db(),
        adminXd2,
        { memberId: 'bmfw-app', standardCode: 'population-basic', mode: 'pull' },
        deps,
      ),
    ).rejects.toMatchObject({ code: 'exchange.zone_forbidden' });
    expect(await subscriptionCount()).toBe(before);
    const audit = await listAudit(db(), {
      targetType: 'exchange_member',
      targetId: 'bmfw-app',
      action: 'exchange.subscription.request',
      limit: 10,
    });
    expect(audit.entries).toHaveLength(3);
    expect(audit.entries.every((entry) => entry.outcome === 'denied')).toBe(true);
    expect(audit.entries[0]?.details).toMatchObject({ reason: 'zone', stage: 'request', classification: 'sensitive' });
    // The internal-zone standard is fine.
    expect((await requestSubscription(db(), app, { standardCode: 'case-record', mode: 'pull' }, deps)).status).toBe(
      'pending',
    );
  });
});

describe('deciding', () => {
  it('only the standard’s owner approves; approved subscriptions of enabled members are routed', async () => {
    const [police] = (await listSubscriptions(db(), adminXd2, { limit: 50, offset: 0, memberId: 'gaj-rkxt' }, deps))
      .items;
    await expect(approveSubscription(db(), adminXd1, police!.id, deps)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await routeTargets(db(), 'case-record')).toEqual([]);
    const approved = await approveSubscription(db(), adminXd2, police!.id, deps);
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'user:admin-xd2' });
    expect(approved.decidedAt).toBeInstanceOf(Date);
    await expect(approveSubscription(db(), adminXd2, police!.id, deps)).rejects.toMatchObject({
      code: 'exchange.subscription_state',
    });
    expect(await routeTargets(db(), 'case-record')).toEqual([
      {
        subscriptionId: police!.id,
        memberId: 'gaj-rkxt',
        memberZone: 'internal',
        mode: 'pull',
        endpoint: null,
        filter: null,
      },
    ]);
    expect(await subscriptionOfMember(db(), police!.id, 'gaj-rkxt')).toMatchObject({ subscriptionId: police!.id });
    expect(await subscriptionOfMember(db(), police!.id, 'mz-sys')).toBeUndefined();
    expect(await subscriptionOfMember(db(), 'not-a-uuid', 'gaj-rkxt')).toBeUndefined();

    await disableMember(db(), adminXd1, 'gaj-rkxt', { policy, secrets });
    expect(await routeTargets(db(), 'case-record')).toEqual([]);
    expect(await subscriptionOfMember(db(), police!.id, 'gaj-rkxt')).toBeUndefined();
    await enableMember(db(), adminXd1, 'gaj-rkxt', { policy, secrets });
    expect(await routeTargets(db(), 'case-record')).toHaveLength(1);
  });

  it('approval checks the zone again: a member that moved outside is refused, audited, and stays pending', async () => {
    const pending = await requestSubscription(
      db(),
      adminXd1,
      { memberId: 'gaj-rkxt', standardCode: 'population-basic', mode: 'pull' },
      deps,
    );
    // Moved outside by hand (the member service would have revoked the request itself).
    await sql`update exchange.member set zone = 'external' where id = 'gaj-rkxt'`.execute(db());
    await expect(approveSubscription(db(), adminXd1, pending.id, deps)).rejects.toMatchObject({
      code: 'exchange.zone_forbidden',
      params: { memberId: 'gaj-rkxt', standardCode: 'population-basic', classification: 'sensitive' },
    });
    expect((await getSubscription(db(), adminXd1, pending.id, deps)).status).toBe('pending');
    const audit = await listAudit(db(), {
      targetType: 'exchange_member',
      targetId: 'gaj-rkxt',
      action: 'exchange.subscription.approve',
      limit: 5,
    });
    expect(audit.entries[0]).toMatchObject({ outcome: 'denied', details: { stage: 'approval', reason: 'zone' } });
    await sql`update exchange.member set zone = 'internal' where id = 'gaj-rkxt'`.execute(db());
    expect((await approveSubscription(db(), adminXd1, pending.id, deps)).status).toBe('approved');
  });

  it('rejects with a reason, revokes, and refuses what the state does not allow', async () => {
    const [appRequest] = (await listSubscriptions(db(), app, { limit: 50, offset: 0 }, deps)).items;
    await expect(rejectSubscription(db(), adminXd2, appRequest!.id, '  ', deps)).rejects.toMatchObject({
      fields: [{ pointer: '/reason', reason: 'required' }],
    });
    await expect(rejectSubscription(db(), adminXd2, appRequest!.id, 'x'.repeat(501), deps)).rejects.toMatchObject({
      fields: [{ pointer: '/reason', reason: 'too_long' }],
    });
    const rejected = await rejectSubscription(db(), adminXd2, appRequest!.id, '用途说明不充分', deps);
    expect(rejected).toMatchObject({ status: 'rejected', reason: '用途说明不充分' });
    await expect(revokeSubscription(db(), adminXd2, appRequest!.id, null, deps)).rejects.toBeInstanceOf(ConflictError);
    // Rejected, the member may ask again.
    const again = await requestSubscription(db(), app, { standardCode: 'case-record', mode: 'pull' }, deps);
    const approved = await approveSubscription(db(), adminXd2, again.id, deps);
    const revoked = await revokeSubscription(db(), adminXd2, approved.id, undefined, deps);
    expect(revoked).toMatchObject({ status: 'revoked', reason: null });
    expect((await routeTargets(db(), 'case-record')).map((target) => target.memberId)).not.toContain('bmfw-app');
    await expect(
      approveSubscription(db(), adminXd2, '00000000-0000-4000-8000-000000000000', deps),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(approveSubscription(db(), adminXd2, 'nonsense', deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('reading subscriptions', () => {
  it('scopes staff to their units, as owner of the member or of the standard, and members to their own', async () => {
    const ofXd1 = await listSubscriptions(db(), adminXd1, { limit: 50, offset: 0 }, deps);
    // gaj-rkxt (member of XD1) to case-record, and to population-basic (standard of XD1).
    expect(ofXd1.items.map((s) => `${s.memberId}>${s.standardCode}`).sort()).toEqual([
      'gaj-rkxt>case-record',
      'gaj-rkxt>population-basic',
    ]);
    const ofXd2 = await listSubscriptions(db(), adminXd2, { limit: 2, offset: 0 }, deps);
    expect(ofXd2.total).toBe(4);
    expect(ofXd2.items).toHaveLength(2);
    expect(
      (await listSubscriptions(db(), { type: 'user', id: 'reader-xt1' }, { limit: 50, offset: 0 }, deps)).total,
    ).toBe(0);
    const own = await listSubscriptions(db(), app, { limit: 50, offset: 0, status: 'revoked' }, deps);
    expect(own.items.map((s) => s.memberId)).toEqual(['bmfw-app']);
    await expect(
      listSubscriptions(db(), app, { limit: 50, offset: 0, memberId: 'gaj-rkxt' }, deps),
    ).rejects.toMatchObject({
      code: 'exchange.member_other',
    });
    await expect(
      listSubscriptions(db(), adminXd1, { limit: 0, offset: 0, status: 'lost' }, deps),
    ).rejects.toMatchObject({
      fields: [
        { pointer: '/limit', reason: 'range' },
        { pointer: '/status', reason: 'one_of' },
      ],
    });

    const police = ofXd1.items.find((s) => s.standardCode === 'case-record')!;
    // XD2 reads it as owner of the standard, XD1 as owner of the member; the app not at all.
    expect((await getSubscription(db(), adminXd2, police.id, deps)).id).toBe(police.id);
    expect((await getSubscription(db(), { type: 'machine', id: 'gaj-rkxt' }, police.id, deps)).id).toBe(police.id);
    await expect(getSubscription(db(), app, police.id, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getSubscription(db(), { type: 'user', id: 'reader-xt1' }, police.id, deps)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('push batch size', () => {
  it('is asked for with a push subscription, changed by its member or its manager, audited, and checked', async () => {
    await makeStandard('batch-record', 'XD2', 'internal');
    const subscription = await requestSubscription(
      db(),
      police,
      { standardCode: 'batch-record', mode: 'push', endpoint: 'https://a.example.gov.cn/in', pushBatchSize: 100 },
      deps,
    );
    expect(subscription.pushBatchSize).toBe(100);
    await approveSubscription(db(), adminXd2, subscription.id, deps);
    const changed = await changePushBatchSize(db(), police, subscription.id, 500, deps);
    expect(changed).toMatchObject({ pushBatchSize: 500, status: 'approved' });
    expect((await changePushBatchSize(db(), adminXd1, subscription.id, 1, deps)).pushBatchSize).toBe(1);
    const audit = await listAudit(db(), { targetType: 'exchange_subscription', targetId: subscription.id, limit: 5 });
    expect(audit.entries[0]).toMatchObject({
      action: 'exchange.subscription.change',
      details: expect.objectContaining({ pushBatchSize: { from: 500, to: 1 } }),
    });
    // The standard's owner decides what the member receives, not how it receives it.
    await expect(changePushBatchSize(db(), adminXd2, subscription.id, 10, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(changePushBatchSize(db(), app, subscription.id, 10, deps)).rejects.toBeInstanceOf(NotFoundError);
    for (const size of [0, 501, 2.5]) {
      await expect(changePushBatchSize(db(), police, subscription.id, size, deps)).rejects.toMatchObject({
        code: 'exchange.subscription_invalid',
        fields: [{ pointer: '/pushBatchSize', reason: 'range' }],
      });
    }
    await expect(
      requestSubscription(
        db(),
        adminXd2,
        { memberId: 'mz-sys', standardCode: 'batch-record', mode: 'pull', pushBatchSize: 10 },
        deps,
      ),
    ).rejects.toMatchObject({ fields: [{ pointer: '/pushBatchSize', reason: 'pull_has_no_push_batch' }] });
    await revokeSubscription(db(), adminXd2, subscription.id, null, deps);
    await expect(changePushBatchSize(db(), police, subscription.id, 10, deps)).rejects.toBeInstanceOf(ConflictError);
  });
});
