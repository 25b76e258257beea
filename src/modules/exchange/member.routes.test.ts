/**
 * Members, publication rights, subscriptions and the catalogue over HTTP, with the real OpenID
 * Provider issuing client-credentials tokens: the app listens on 127.0.0.1 and is called with fetch.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { upsertOrgUnits } from '../directory/index.js';
import {
  accessTokenAuthenticator,
  type InteractionPages,
  OpenIdProvider,
  oidcProviderRoutes,
} from '../identity/index.js';
import { catalogueRoutes } from './catalogue.routes.js';
import { memberRoutes } from './member.routes.js';
import { subscriptionRoutes } from './subscription.routes.js';

const policy = grantTablePolicy({
  'admin-xd1': { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'], 'identity.client.manage': ['XD1'] },
  'admin-xd2': { 'exchange.manage': ['XD2'], 'exchange.read': ['XD2'], 'identity.client.manage': ['XD2'] },
  auditor: { 'exchange.read': ['XX'] },
});
// Client credentials never show a page.
const noPage = () => '<main></main>';
const pages: InteractionPages = {
  login: noPage,
  secondFactor: noPage,
  consent: noPage,
  logout: noPage,
  loggedOut: noPage,
  error: noPage,
};

let platform: TestPlatform;
let oidc: OpenIdProvider;
let base: string;
const secrets: Record<string, string> = {};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  platform = await createTestPlatform({
    env: { HUITONG_PUBLIC_URL: base },
    routes: (runtime) => {
      const { database } = runtime;
      runtime.authenticators.push(accessTokenAuthenticator({ database }), testStaffAuthenticator);
      const mount: FastifyPluginAsync = async (instance) => {
        oidc = await OpenIdProvider.open({
          database,
          secrets: runtime.secrets,
          issuer: base,
          rolesOf: async () => [],
          pages,
        });
        await instance.register(oidcProviderRoutes({ oidc }));
        await instance.register(memberRoutes({ database, policy, secrets: runtime.secrets }));
        await instance.register(subscriptionRoutes({ database, policy }));
        await instance.register(catalogueRoutes({ database, policy }));
      };
      return [mount];
    },
  });
  await platform.app.listen({ port, host: '127.0.0.1' });
  const db = platform.runtime.database.kysely;
  await upsertOrgUnits(db, smallDistrict());
  for (const [code, owner, classification] of [
    ['population-basic', 'XD1', 'sensitive'],
    ['case-record', 'XD2', 'internal'],
  ] as const) {
    await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
              values (${code}, ${code}, ${code}, ${owner}, ${classification})`.execute(db);
    for (const version of [1, 2]) {
      await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
                values (${code}, ${version}, 'published', '{"type":"object"}'::jsonb, now())`.execute(db);
    }
  }
  await sql`insert into exchange.standard_version (standard_code, version, status, schema)
            values ('case-record', 3, 'draft', '{"type":"object"}'::jsonb)`.execute(db);
  // A draft-only standard is not in the catalogue.
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code) values ('geo-feature', 'g', 'g', 'XD1')`.execute(
    db,
  );
});

afterAll(async () => {
  await oidc?.close();
  await platform?.close();
});

function call(
  method: string,
  path: string,
  options: { staff?: string; token?: string; body?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = options.staff ? asStaff(options.staff) : {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function token(clientId: string, secret = secrets[clientId]!): Promise<Response> {
  return fetch(`${base}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'exchange' }).toString(),
  });
}

async function accessToken(clientId: string): Promise<string> {
  const response = await token(clientId);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function memberCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from exchange.member`.execute(
    platform.runtime.database.kysely,
  );
  return rows[0]!.n;
}

const register = (staff: string, body: Record<string, unknown>) =>
  call('POST', '/api/exchange/v1/members', { staff, body });

describe('members over HTTP', () => {
  it('registers a member; its client-credentials token reads the catalogue', async () => {
    const response = await register('admin-xd1', {
      id: 'gaj-rkxt',
      nameZh: '公安人口系统',
      nameEn: 'Police population system',
      ownerOrgUnitCode: 'XD1',
      zone: 'internal',
      contacts: [{ name: '王芳', phone: '13812345678' }],
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { member: { id: string; status: string }; clientSecret: string };
    expect(body.member).toMatchObject({ id: 'gaj-rkxt', status: 'enabled', contactsMasked: false });
    secrets['gaj-rkxt'] = body.clientSecret;

    const bearer = await accessToken('gaj-rkxt');
    const catalogue = await call('GET', '/api/exchange/v1/catalogue', { token: bearer });
    expect(catalogue.status).toBe(200);
    expect(await catalogue.json()).toMatchObject({
      member: { id: 'gaj-rkxt', zone: 'internal', status: 'enabled' },
      standards: [
        {
          code: 'case-record',
          latestVersion: 2,
          eventType: 'huitong.case-record.v2',
          classification: 'internal',
          mayPublish: false,
          maySubscribe: true,
          subscription: null,
        },
        {
          code: 'population-basic',
          latestVersion: 2,
          classification: 'sensitive',
          mayPublish: false,
          maySubscribe: true,
        },
      ],
    });
  });

  it('refuses bad input with every bad field, and another department with 403, writing nothing', async () => {
    const before = await memberCount();
    const bad = await register('admin-xd1', {
      id: 'X',
      nameZh: '',
      nameEn: 'n',
      ownerOrgUnitCode: 'XD1',
      zone: 'mars',
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await bad.json()).toMatchObject({
      code: 'exchange.member_invalid',
      errors: [
        { pointer: '/id', reason: 'pattern' },
        { pointer: '/nameZh', reason: 'required' },
        { pointer: '/zone', reason: 'one_of' },
      ],
    });
    const malformed = await register('admin-xd1', { id: 'abc', unexpected: true });
    expect(malformed.status).toBe(422);
    const other = await register('admin-xd2', {
      id: 'gaj-other',
      nameZh: 'a',
      nameEn: 'a',
      ownerOrgUnitCode: 'XD1',
      zone: 'internal',
    });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(await memberCount()).toBe(before);

    for (const [method, path] of [
      ['GET', '/api/exchange/v1/members/gaj-rkxt'],
      ['POST', '/api/exchange/v1/members/gaj-rkxt/disable'],
      ['POST', '/api/exchange/v1/members/gaj-rkxt/rotate-secret'],
    ] as const) {
      expect((await call(method, path, { staff: 'admin-xd2' })).status).toBe(403);
    }
    expect(
      (await call('PATCH', '/api/exchange/v1/members/gaj-rkxt', { staff: 'admin-xd2', body: { nameZh: '改' } })).status,
    ).toBe(403);
    expect((await call('GET', '/api/exchange/v1/members/gaj-rkxt')).status).toBe(401);
    expect((await call('GET', '/api/exchange/v1/members/nobody-here', { staff: 'admin-xd1' })).status).toBe(404);
  });

  it('lists scoped and paged, masking contacts for readers who do not manage the owner', async () => {
    await register('admin-xd2', {
      id: 'bmfw-app',
      nameZh: '便民服务',
      nameEn: 'Citizen app',
      ownerOrgUnitCode: 'XD2',
      zone: 'external',
    }).then(async (response) => {
      expect(response.status).toBe(201);
      secrets['bmfw-app'] = ((await response.json()) as { clientSecret: string }).clientSecret;
    });
    const mine = await call('GET', '/api/exchange/v1/members?limit=10', { staff: 'admin-xd1' });
    expect(await mine.json()).toMatchObject({ total: 1, limit: 10, offset: 0, items: [{ id: 'gaj-rkxt' }] });
    const all = (await (
      await call('GET', '/api/exchange/v1/members?limit=1&offset=1', { staff: 'auditor' })
    ).json()) as {
      total: number;
      items: Array<{ id: string }>;
    };
    expect(all).toMatchObject({ total: 2, items: [{ id: 'gaj-rkxt' }] });
    const read = await (await call('GET', '/api/exchange/v1/members/gaj-rkxt', { staff: 'auditor' })).json();
    expect(read).toMatchObject({
      contactsMasked: true,
      contacts: [{ name: '王*', phone: '138****5678', email: null }],
    });
    expect((await call('GET', '/api/exchange/v1/members?zone=dmz', { staff: 'auditor' })).status).toBe(422);
  });
});

describe('publication rights, subscriptions and the zone rule over HTTP', () => {
  it('the standard’s owner grants a right, the member subscribes, the owner approves; the catalogue follows', async () => {
    const grant = await call('POST', '/api/exchange/v1/standards/population-basic/publishers', {
      staff: 'admin-xd1',
      body: { memberId: 'gaj-rkxt' },
    });
    expect(grant.status).toBe(201);
    expect(await grant.json()).toMatchObject({
      memberId: 'gaj-rkxt',
      member: { id: 'gaj-rkxt', nameZh: '公安人口系统', nameEn: 'Police population system' },
    });
    expect(
      (
        await call('POST', '/api/exchange/v1/standards/case-record/publishers', {
          staff: 'admin-xd1',
          body: { memberId: 'gaj-rkxt' },
        })
      ).status,
    ).toBe(403);
    const publishers = await call('GET', '/api/exchange/v1/standards/population-basic/publishers', {
      staff: 'auditor',
    });
    // Each right names its member, so the list reads as systems rather than client ids.
    expect(await publishers.json()).toEqual({
      items: [
        {
          standardCode: 'population-basic',
          memberId: 'gaj-rkxt',
          member: { id: 'gaj-rkxt', nameZh: '公安人口系统', nameEn: 'Police population system' },
          grantedBy: 'user:admin-xd1',
          grantedAt: expect.any(String),
        },
      ],
    });
    // Reading the rights still needs exchange.read over the standard's owner unit.
    const elsewhere = await call('GET', '/api/exchange/v1/standards/population-basic/publishers', {
      staff: 'admin-xd2',
    });
    expect(elsewhere.status).toBe(403);
    expect((await call('GET', '/api/exchange/v1/standards/population-basic/publishers')).status).toBe(401);

    const bearer = await accessToken('gaj-rkxt');
    const asked = await call('POST', '/api/exchange/v1/subscriptions', {
      token: bearer,
      body: {
        standardCode: 'case-record',
        mode: 'push',
        endpoint: 'https://rkxt.example.gov.cn/inbox',
        filter: "status = 'done'",
      },
    });
    expect(asked.status).toBe(201);
    const subscription = (await asked.json()) as { id: string; status: string };
    expect(subscription.status).toBe('pending');
    expect(
      (await call('POST', `/api/exchange/v1/subscriptions/${subscription.id}/approve`, { token: bearer })).status,
    ).toBe(401);
    expect(
      (await call('POST', `/api/exchange/v1/subscriptions/${subscription.id}/approve`, { staff: 'admin-xd1' })).status,
    ).toBe(403);
    const approved = await call('POST', `/api/exchange/v1/subscriptions/${subscription.id}/approve`, {
      staff: 'admin-xd2',
    });
    expect(await approved.json()).toMatchObject({ status: 'approved' });

    const catalogue = (await (await call('GET', '/api/exchange/v1/catalogue', { token: bearer })).json()) as {
      standards: Array<{ code: string; mayPublish: boolean; subscription: { status: string } | null }>;
    };
    expect(catalogue.standards.find((entry) => entry.code === 'population-basic')?.mayPublish).toBe(true);
    expect(catalogue.standards.find((entry) => entry.code === 'case-record')?.subscription).toMatchObject({
      id: subscription.id,
      status: 'approved',
      mode: 'push',
    });
    const own = await (await call('GET', '/api/exchange/v1/subscriptions', { token: bearer })).json();
    expect(own).toMatchObject({ total: 1, items: [{ id: subscription.id }] });
    expect((await call('GET', `/api/exchange/v1/subscriptions/${subscription.id}`, { token: bearer })).status).toBe(
      200,
    );
  });

  it('refuses an external member a sensitive standard at request and at approval, with problem+json', async () => {
    const bearer = await accessToken('bmfw-app');
    const catalogue = (await (await call('GET', '/api/exchange/v1/catalogue', { token: bearer })).json()) as {
      standards: Array<{ code: string; maySubscribe: boolean }>;
    };
    expect(catalogue.standards.map((entry) => [entry.code, entry.maySubscribe])).toEqual([
      ['case-record', true],
      ['population-basic', false],
    ]);
    const refused = await call('POST', '/api/exchange/v1/subscriptions', {
      token: bearer,
      body: { standardCode: 'population-basic', mode: 'pull' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ code: 'exchange.zone_forbidden' });

    // At approval: asked while internal, the member then moved outside behind the service's back.
    const db = platform.runtime.database.kysely;
    await sql`update exchange.member set zone = 'internal' where id = 'bmfw-app'`.execute(db);
    const asked = await call('POST', '/api/exchange/v1/subscriptions', {
      staff: 'admin-xd2',
      body: { memberId: 'bmfw-app', standardCode: 'population-basic', mode: 'pull' },
    });
    expect(asked.status).toBe(201);
    const { id } = (await asked.json()) as { id: string };
    await sql`update exchange.member set zone = 'external' where id = 'bmfw-app'`.execute(db);
    const approval = await call('POST', `/api/exchange/v1/subscriptions/${id}/approve`, { staff: 'admin-xd1' });
    expect(approval.status).toBe(403);
    expect(await approval.json()).toMatchObject({ code: 'exchange.zone_forbidden' });
    const rejected = await call('POST', `/api/exchange/v1/subscriptions/${id}/reject`, {
      staff: 'admin-xd1',
      body: { reason: '外部区域不得订阅敏感数据' },
    });
    expect(await rejected.json()).toMatchObject({ status: 'rejected', reason: '外部区域不得订阅敏感数据' });

    const staffView = await call('GET', '/api/exchange/v1/catalogue?member=bmfw-app', { staff: 'auditor' });
    expect(staffView.status).toBe(200);
    expect((await call('GET', '/api/exchange/v1/catalogue', { staff: 'auditor' })).status).toBe(422);
    expect((await call('GET', '/api/exchange/v1/catalogue?member=bmfw-app', { staff: 'admin-xd1' })).status).toBe(403);
  });

  it('revokes without a body, and refuses bad subscription input with every field', async () => {
    const list = (await (
      await call('GET', '/api/exchange/v1/subscriptions?status=approved', { staff: 'admin-xd2' })
    ).json()) as {
      items: Array<{ id: string }>;
    };
    const revoked = await call('POST', `/api/exchange/v1/subscriptions/${list.items[0]!.id}/revoke`, {
      staff: 'admin-xd2',
    });
    expect(await revoked.json()).toMatchObject({ status: 'revoked' });
    const bad = await call('POST', '/api/exchange/v1/subscriptions', {
      staff: 'admin-xd1',
      body: {
        memberId: 'gaj-rkxt',
        standardCode: 'case-record',
        mode: 'push',
        endpoint: 'http://rkxt.example.gov.cn/',
        filter: '(',
      },
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      code: 'exchange.subscription_invalid',
      errors: [
        { pointer: '/endpoint', reason: 'https_required' },
        { pointer: '/filter', reason: 'syntax' },
      ],
    });
  });
});

describe('credentials', () => {
  it('a disabled member’s tokens stop working and it gets no new ones; re-enabled and rotated, the new secret works', async () => {
    const bearer = await accessToken('gaj-rkxt');
    const disabled = await call('POST', '/api/exchange/v1/members/gaj-rkxt/disable', { staff: 'admin-xd1' });
    expect(await disabled.json()).toMatchObject({ status: 'disabled' });
    const refused = await call('GET', '/api/exchange/v1/catalogue', { token: bearer });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await token('gaj-rkxt')).status).toBe(401);

    expect((await call('POST', '/api/exchange/v1/members/gaj-rkxt/enable', { staff: 'admin-xd1' })).status).toBe(200);
    expect((await token('gaj-rkxt')).status).toBe(200);
    const rotated = await call('POST', '/api/exchange/v1/members/gaj-rkxt/rotate-secret', { staff: 'admin-xd1' });
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const { clientSecret } = (await rotated.json()) as { clientSecret: string };
    expect((await token('gaj-rkxt')).status).toBe(401);
    expect((await token('gaj-rkxt', clientSecret)).status).toBe(200);
  });
});
