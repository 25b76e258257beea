import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { upsertOrgUnits } from '../directory/index.js';
import { registerClient } from '../identity/index.js';
import {
  disableMember,
  enableMember,
  getMember,
  grantPublisher,
  listMembers,
  listPublishers,
  mayPublish,
  memberOfClient,
  registerMember,
  revokePublisher,
  rotateMemberSecret,
  updateMember,
} from './member.service.js';
import { approveSubscription, requestSubscription, routeTargets } from './subscription.service.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const secrets = secretBox(randomBytes(32));
// XD1's admin manages exchange and systems in XD1; XD2's in XD2; the auditor reads everywhere.
const policy = grantTablePolicy({
  'admin-xd1': { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'], 'identity.client.manage': ['XD1'] },
  'admin-xd2': { 'exchange.manage': ['XD2'], 'exchange.read': ['XD2'], 'identity.client.manage': ['XD2'] },
  auditor: { 'exchange.read': ['XX'] },
  'xd1-no-clients': { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'] },
});
const deps = { policy, secrets };
const adminXd1: Actor = { type: 'user', id: 'admin-xd1' };
const adminXd2: Actor = { type: 'user', id: 'admin-xd2' };
const auditor: Actor = { type: 'user', id: 'auditor' };

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  await makeStandard('population-basic', 'XD1', 'sensitive');
  await makeStandard('case-record', 'XD2', 'internal');
});
afterAll(() => testDatabase.drop());

async function makeStandard(code: string, owner: string, classification: string): Promise<void> {
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values (${code}, ${`标准${code}`}, ${`Standard ${code}`}, ${owner}, ${classification})`.execute(db());
  await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
            values (${code}, 1, 'published', '{"type":"object"}'::jsonb, now())`.execute(db());
}

const input = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  nameZh: '公安人口系统',
  nameEn: 'Police population system',
  ownerOrgUnitCode: 'XD1',
  zone: 'internal',
  contacts: [{ name: '王芳', phone: '13812345678', email: 'wangfang@example.gov.cn' }],
  ...overrides,
});

async function counts() {
  const { rows } = await sql<{ members: number; clients: number; audit: number; publishers: number }>`
    select (select count(*)::int from exchange.member) as members,
           (select count(*)::int from identity.oidc_client) as clients,
           (select count(*)::int from platform.audit_log) as audit,
           (select count(*)::int from exchange.publisher) as publishers`.execute(db());
  return rows[0]!;
}

describe('registerMember', () => {
  it('registers the OIDC client and the member in one go, returns the secret once, audits without contacts', async () => {
    const { member, clientSecret } = await registerMember(db(), adminXd1, input('gaj-rkxt'), deps);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(member).toMatchObject({
      id: 'gaj-rkxt',
      ownerOrgUnitCode: 'XD1',
      zone: 'internal',
      status: 'enabled',
      contacts: [{ name: '王芳', phone: '13812345678', email: 'wangfang@example.gov.cn' }],
    });
    const { rows } = await sql<{ grant_types: string[]; scopes: string[]; enabled: boolean }>`
      select grant_types, scopes, enabled from identity.oidc_client where client_id = 'gaj-rkxt'`.execute(db());
    expect(rows[0]).toEqual({ grant_types: ['client_credentials'], scopes: ['exchange'], enabled: true });
    const audit = await listAudit(db(), { targetType: 'exchange_member', targetId: 'gaj-rkxt', limit: 10 });
    expect(audit.entries.map((entry) => entry.action)).toEqual(['exchange.member.register']);
    const text = JSON.stringify(audit.entries);
    expect(text).not.toContain('王芳');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain(clientSecret);
    expect(await memberOfClient(db(), 'gaj-rkxt')).toEqual({
      id: 'gaj-rkxt',
      nameZh: '公安人口系统',
      nameEn: 'Police population system',
      ownerOrgUnitCode: 'XD1',
      zone: 'internal',
      status: 'enabled',
    });
    expect(await memberOfClient(db(), 'nobody-here')).toBeUndefined();
    expect(await memberOfClient(db(), 'NOT VALID')).toBeUndefined();
  });

  it('lists every bad field and writes nothing', async () => {
    const before = await counts();
    const error = await registerMember(
      db(),
      adminXd1,
      input('9bad id', {
        nameZh: ' ',
        nameEn: 'x'.repeat(101),
        zone: 'dmz',
        contacts: [{ name: '', phone: 'call me', email: 'not-an-email' }],
      }),
      deps,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('exchange.member_invalid');
    expect((error as ValidationError).fields).toEqual([
      { pointer: '/id', reason: 'pattern' },
      { pointer: '/nameZh', reason: 'required' },
      { pointer: '/nameEn', reason: 'too_long' },
      { pointer: '/zone', reason: 'one_of' },
      { pointer: '/contacts/0/name', reason: 'required' },
      { pointer: '/contacts/0/phone', reason: 'pattern' },
      { pointer: '/contacts/0/email', reason: 'pattern' },
    ]);
    const unknownUnit = await registerMember(
      db(),
      adminXd1,
      input('zrzy-gis', { ownerOrgUnitCode: 'NOPE' }),
      deps,
    ).catch((caught: unknown) => caught);
    expect((unknownUnit as ValidationError).fields).toEqual([{ pointer: '/ownerOrgUnitCode', reason: 'not_found' }]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a taken id, whether a member or an OIDC client already holds it', async () => {
    await registerClient(
      db(),
      adminXd1,
      {
        clientId: 'oa-system',
        nameZh: '协同办公',
        nameEn: 'OA',
        ownerOrgUnitCode: 'XD1',
        grantTypes: ['client_credentials'],
        scopes: [],
      },
      deps,
    );
    const before = await counts();
    for (const id of ['gaj-rkxt', 'oa-system']) {
      const error = await registerMember(db(), adminXd1, input(id), deps).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([{ pointer: '/id', reason: 'taken' }]);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses an administrator of another department, and one who may not register systems, writing nothing', async () => {
    const before = await counts();
    await expect(registerMember(db(), adminXd2, input('scjg-qydj'), deps)).rejects.toBeInstanceOf(ForbiddenError);
    // exchange.manage alone is not enough: the member is an OIDC client too.
    await expect(
      registerMember(db(), { type: 'user', id: 'xd1-no-clients' }, input('scjg-qydj'), deps),
    ).rejects.toMatchObject({ code: 'access.denied', params: { permission: 'identity.client.manage' } });
    expect(await counts()).toEqual(before);
  });
});

describe('reading members', () => {
  it('masks contacts for a reader who does not manage the owner unit', async () => {
    const asManager = await getMember(db(), adminXd1, 'gaj-rkxt', deps);
    expect(asManager.contactsMasked).toBe(false);
    expect(asManager.contacts[0]).toEqual({ name: '王芳', phone: '13812345678', email: 'wangfang@example.gov.cn' });
    const asAuditor = await getMember(db(), auditor, 'gaj-rkxt', deps);
    expect(asAuditor.contactsMasked).toBe(true);
    expect(asAuditor.contacts[0]).toEqual({ name: '王*', phone: '138****5678', email: 'w***@example.gov.cn' });
    await expect(getMember(db(), adminXd2, 'gaj-rkxt', deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getMember(db(), adminXd1, 'no-such-member', deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists the members of the reader’s units only, a page at a time', async () => {
    await registerMember(db(), adminXd2, input('mz-app', { ownerOrgUnitCode: 'XD2', contacts: [] }), deps);
    await registerMember(db(), adminXd1, input('jy-sys', { contacts: [] }), deps);
    const xd1 = await listMembers(db(), adminXd1, { limit: 1, offset: 0 }, deps);
    expect(xd1).toMatchObject({ total: 2, items: [{ id: 'gaj-rkxt' }] });
    const next = await listMembers(db(), adminXd1, { limit: 1, offset: 1 }, deps);
    expect(next.items.map((member) => member.id)).toEqual(['jy-sys']);
    const all = await listMembers(db(), auditor, { limit: 50, offset: 0 }, deps);
    expect(all.items.map((member) => member.id)).toEqual(['gaj-rkxt', 'jy-sys', 'mz-app']);
    expect(all.items.every((member) => member.contactsMasked)).toBe(true);
    await expect(listMembers(db(), adminXd1, { limit: 0, offset: -1, zone: 'dmz' }, deps)).rejects.toMatchObject({
      fields: [
        { pointer: '/limit', reason: 'range' },
        { pointer: '/offset', reason: 'range' },
        { pointer: '/zone', reason: 'one_of' },
      ],
    });
  });
});

describe('changing members', () => {
  it('updates names on the client too, and only what changed is audited', async () => {
    const updated = await updateMember(
      db(),
      adminXd1,
      'jy-sys',
      { nameZh: '教育管理系统', contacts: [{ name: '李雷' }] },
      deps,
    );
    expect(updated).toMatchObject({ nameZh: '教育管理系统', contacts: [{ name: '李雷', phone: null, email: null }] });
    const { rows } = await sql<{
      name_zh: string;
    }>`select name_zh from identity.oidc_client where client_id = 'jy-sys'`.execute(db());
    expect(rows[0]?.name_zh).toBe('教育管理系统');
    const audit = await listAudit(db(), { targetType: 'exchange_member', targetId: 'jy-sys', limit: 10 });
    expect(audit.entries[0]).toMatchObject({
      action: 'exchange.member.update',
      details: { fields: ['nameZh', 'contacts'] },
    });
    await expect(updateMember(db(), adminXd1, 'jy-sys', { zone: 'dmz', nameEn: '' }, deps)).rejects.toMatchObject({
      fields: [
        { pointer: '/nameEn', reason: 'required' },
        { pointer: '/zone', reason: 'one_of' },
      ],
    });
    await expect(updateMember(db(), adminXd2, 'jy-sys', { nameZh: '别人的' }, deps)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await getMember(db(), adminXd1, 'jy-sys', deps)).nameZh).toBe('教育管理系统');
  });

  it('moving to the external zone revokes subscriptions to sensitive standards in the same change', async () => {
    const machine: Actor = { type: 'machine', id: 'jy-sys' };
    const subscription = await requestSubscription(
      db(),
      machine,
      { standardCode: 'population-basic', mode: 'pull' },
      { policy },
    );
    await approveSubscription(db(), adminXd1, subscription.id, { policy });
    expect((await routeTargets(db(), 'population-basic')).map((target) => target.memberId)).toContain('jy-sys');
    await updateMember(db(), adminXd1, 'jy-sys', { zone: 'external' }, deps);
    expect((await routeTargets(db(), 'population-basic')).map((target) => target.memberId)).not.toContain('jy-sys');
    const { rows } = await sql<{
      status: string;
    }>`select status from exchange.subscription where id = ${subscription.id}`.execute(db());
    expect(rows[0]?.status).toBe('revoked');
    await updateMember(db(), adminXd1, 'jy-sys', { zone: 'internal' }, deps);
  });

  it('disables and re-enables the member with its client, and rotates the secret', async () => {
    const disabled = await disableMember(db(), adminXd1, 'gaj-rkxt', deps);
    expect(disabled.status).toBe('disabled');
    const clientEnabled = async () =>
      (
        await sql<{ enabled: boolean }>`select enabled from identity.oidc_client where client_id = 'gaj-rkxt'`.execute(
          db(),
        )
      ).rows[0]?.enabled;
    expect(await clientEnabled()).toBe(false);
    expect((await memberOfClient(db(), 'gaj-rkxt'))?.status).toBe('disabled');
    expect((await enableMember(db(), adminXd1, 'gaj-rkxt', deps)).status).toBe('enabled');
    expect(await clientEnabled()).toBe(true);
    const secretBefore = (
      await sql<{
        s: string;
      }>`select secret_sealed as s from identity.oidc_client where client_id = 'gaj-rkxt'`.execute(db())
    ).rows[0]?.s;
    const { clientSecret } = await rotateMemberSecret(db(), adminXd1, 'gaj-rkxt', deps);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const secretAfter = (
      await sql<{
        s: string;
      }>`select secret_sealed as s from identity.oidc_client where client_id = 'gaj-rkxt'`.execute(db())
    ).rows[0]?.s;
    expect(secretAfter).not.toBe(secretBefore);
    await expect(disableMember(db(), adminXd2, 'gaj-rkxt', deps)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await clientEnabled()).toBe(true);
    const actions = (
      await listAudit(db(), { targetType: 'exchange_member', targetId: 'gaj-rkxt', limit: 10 })
    ).entries.map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['exchange.member.disable', 'exchange.member.enable', 'exchange.member.rotate_secret']),
    );
  });
});

describe('publication rights', () => {
  it('the standard’s owner grants and takes away; mayPublish follows, and a disabled member may not', async () => {
    expect(await mayPublish(db(), 'gaj-rkxt', 'population-basic')).toBe(false);
    const granted = await grantPublisher(db(), adminXd1, 'population-basic', 'gaj-rkxt', deps);
    expect(granted).toMatchObject({ created: true, publisher: { memberId: 'gaj-rkxt', grantedBy: 'user:admin-xd1' } });
    expect((await grantPublisher(db(), adminXd1, 'population-basic', 'gaj-rkxt', deps)).created).toBe(false);
    expect(await mayPublish(db(), 'gaj-rkxt', 'population-basic')).toBe(true);
    expect(await mayPublish(db(), 'gaj-rkxt', 'case-record')).toBe(false);
    expect((await listPublishers(db(), auditor, 'population-basic', deps)).map((row) => row.memberId)).toEqual([
      'gaj-rkxt',
    ]);

    await disableMember(db(), adminXd1, 'gaj-rkxt', deps);
    expect(await mayPublish(db(), 'gaj-rkxt', 'population-basic')).toBe(false);
    await enableMember(db(), adminXd1, 'gaj-rkxt', deps);

    await revokePublisher(db(), adminXd1, 'population-basic', 'gaj-rkxt', deps);
    expect(await mayPublish(db(), 'gaj-rkxt', 'population-basic')).toBe(false);
    await expect(revokePublisher(db(), adminXd1, 'population-basic', 'gaj-rkxt', deps)).rejects.toMatchObject({
      code: 'exchange.publisher_not_found',
    });
  });

  it('refuses another unit, an unknown standard and an unknown member, writing nothing', async () => {
    const before = await counts();
    // The member belongs to XD1, but the standard to XD2: only XD2 grants it.
    await expect(grantPublisher(db(), adminXd1, 'case-record', 'gaj-rkxt', deps)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(grantPublisher(db(), adminXd1, 'no-such-standard', 'gaj-rkxt', deps)).rejects.toMatchObject({
      code: 'exchange.publisher_standard_not_found',
    });
    await expect(grantPublisher(db(), adminXd2, 'case-record', 'ghost-member', deps)).rejects.toMatchObject({
      code: 'exchange.publisher_invalid',
      fields: [{ pointer: '/memberId', reason: 'not_found' }],
    });
    expect(await counts()).toEqual(before);
  });
});
