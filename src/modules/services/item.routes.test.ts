import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { upsertOrgUnits } from '../directory/index.js';
import { itemCode, makeItemContent } from './item.fixtures.js';
import { serviceItemRoutes } from './item.routes.js';

const policy = grantTablePolicy({
  admin: { 'services.manage': ['XX'] },
  d1: { 'services.manage': ['XD1'] },
  d2: { 'services.manage': ['XD2'] },
});

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;

async function call(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
) {
  const response = await platform.app.inject({
    method,
    url: `/api/services/v1${url}`,
    headers: { 'accept-language': 'en', ...options.headers },
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  return { status: response.statusCode, type: response.headers['content-type'], body: response.json() };
}
const pointers = (body: { errors?: Array<{ pointer: string; reason: string }> }) =>
  (body.errors ?? []).map((error) => `${error.pointer} ${error.reason}`).sort();
const written = async () =>
  (
    await sql<{ n: string }>`select (select count(*) from services.item_version)
      + (select count(*) from platform.audit_log where action like 'services.%') as n`.execute(db())
  ).rows[0]!.n;

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => [serviceItemRoutes({ database: runtime.database, policy })],
  });
  platform.runtime.authenticators.push(testStaffAuthenticator);
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => platform.close());

describe('staff writes', () => {
  const code = itemCode(1);

  it('creates, drafts, publishes and withdraws an item', async () => {
    const created = await call('POST', '/items', { headers: asStaff('d1'), body: { code, ...makeItemContent() } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code, version: 1, status: 'draft', publishedAt: null });
    expect((await call('GET', `/items/${code}`)).status).toBe(404);

    const published = await call('POST', `/items/${code}/versions/1/publish`, { headers: asStaff('d1') });
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    const shown = await call('GET', `/items/${code}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      code,
      version: 1,
      nameZh: '食品经营许可（新办）',
      channels: { centreCodes: ['XC0'] },
    });

    const copied = await call('POST', `/items/${code}/versions/copy`, { headers: asStaff('d1') });
    expect(copied.status).toBe(201);
    expect(copied.body).toMatchObject({ version: 2, status: 'draft', nameZh: '食品经营许可（新办）' });
    const changed = await call('PUT', `/items/${code}/versions/2`, {
      headers: asStaff('d1'),
      body: makeItemContent({ promisedLimitDays: 3 }),
    });
    expect(changed.body.promisedLimitDays).toBe(3);
    expect((await call('GET', `/items/${code}/versions/2`)).status).toBe(404);
    expect((await call('GET', `/items/${code}/versions/2`, { headers: asStaff('d1') })).body.status).toBe('draft');
    await call('POST', `/items/${code}/versions/2/publish`, { headers: asStaff('d1') });
    expect((await call('GET', `/items/${code}`)).body.promisedLimitDays).toBe(3);
    expect((await call('GET', `/items/${code}/versions/1`)).body.status).toBe('superseded');
    const versions = await call('GET', `/items/${code}/versions`, { headers: asStaff('d1') });
    expect(versions.body.items.map((v: { status: string }) => v.status)).toEqual(['superseded', 'published']);

    const withdrawn = await call('POST', `/items/${code}/withdraw`, { headers: asStaff('d1') });
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await call('GET', `/items/${code}`)).status).toBe(404);
    const again = await call('POST', `/items/${code}/withdraw`, { headers: asStaff('d1') });
    expect(again.status).toBe(409);
    expect(again.type).toMatch(/^application\/problem\+json/);
  });

  it('refuses the anonymous and another department’s administrator, writing nothing', async () => {
    const before = await written();
    const body = { code: itemCode(2), ...makeItemContent() };
    const anonymous = await call('POST', '/items', { body });
    expect(anonymous.status).toBe(401);
    const other = await call('POST', '/items', { headers: asStaff('d2'), body });
    expect(other.status).toBe(403);
    expect(other.type).toMatch(/^application\/problem\+json/);
    expect((await call('POST', `/items/${code}/versions/copy`, { headers: asStaff('d2') })).status).toBe(403);
    expect(
      (await call('POST', `/items/${code}/versions`, { headers: asStaff('d2'), body: makeItemContent() })).status,
    ).toBe(403);
    expect((await call('GET', `/items/${code}/versions`, { headers: asStaff('d2') })).status).toBe(403);
    expect(await written()).toBe(before);
  });

  it('answers bad input with problem+json naming every bad field, and writes nothing', async () => {
    const before = await written();
    const shape = await call('POST', '/items', {
      headers: asStaff('d1'),
      body: { ...makeItemContent(), code: { text: 'x' }, statutoryLimitDays: 'ten', colour: 'red', nameEn: undefined },
    });
    expect(shape.status).toBe(422);
    expect(shape.type).toMatch(/^application\/problem\+json/);
    expect(pointers(shape.body)).toEqual([
      '/body/code type',
      '/body/colour additionalProperties',
      '/body/nameEn required',
      '/body/statutoryLimitDays type',
    ]);
    const meaning = await call('POST', '/items', {
      headers: asStaff('d1'),
      body: {
        code: itemCode(3),
        ...makeItemContent({
          departmentCode: 'NOPE',
          promisedLimitDays: 30,
          channels: { online: false, anyCentre: false, centreCodes: [] },
        }),
      },
    });
    expect(meaning.status).toBe(422);
    expect(meaning.body.code).toBe('services.item_invalid');
    expect(pointers(meaning.body)).toEqual([
      '/channels nowhere',
      '/departmentCode not_found',
      '/promisedLimitDays above_statutory',
    ]);
    expect(await written()).toBe(before);
  });
});

describe('the public catalogue', () => {
  beforeAll(async () => {
    for (let n = 10; n < 15; n++) {
      const code = itemCode(n, n % 2 === 0 ? 'public_service' : 'administrative_licence');
      const content = makeItemContent({
        nameZh: `事项${n}`,
        nameEn: `Item ${n}`,
        type: n % 2 === 0 ? 'public_service' : 'administrative_licence',
        departmentCode: n < 13 ? 'XD1' : 'XD2',
        channels: { online: n % 3 === 0, anyCentre: n === 14, centreCodes: n === 14 ? [] : ['XC1'] },
      });
      await call('POST', '/items', { headers: asStaff('admin'), body: { code, ...content } });
      await call('POST', `/items/${code}/versions/1/publish`, { headers: asStaff('admin') });
    }
  });

  it('lists published items without sign-in, paged, with the total', async () => {
    const page = await call('GET', '/items?limit=2&offset=1&q=事项');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.body.items.map((item: { nameZh: string }) => item.nameZh)).toEqual(['事项11', '事项12']);
    expect((await call('GET', '/items')).body.limit).toBe(20);
  });

  it('filters by department, type, online and centre', async () => {
    const names = async (query: string) =>
      (await call('GET', `/items?q=${encodeURIComponent('事项')}&${query}`)).body.items.map(
        (i: { nameZh: string }) => i.nameZh,
      );
    expect(await names('department=XD2')).toEqual(['事项13', '事项14']);
    expect(await names('type=public_service')).toEqual(['事项10', '事项12', '事项14']);
    expect(await names('online=true')).toEqual(['事项12']);
    expect(await names('centre=XC2')).toEqual(['事项14']);
    expect(await names('centre=XC1&online=false&department=XD1')).toEqual(['事项10', '事项11']);
  });

  it('answers 404 for unknown or malformed codes and 422 for bad queries', async () => {
    const unknown = await call('GET', `/items/${itemCode(99)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.type).toMatch(/^application\/problem\+json/);
    expect(unknown.body.code).toBe('services.item_not_found');
    expect((await call('GET', '/items/not-a-code')).status).toBe(404);
    expect((await call('GET', `/items/${itemCode(10, 'public_service')}/versions/9`)).status).toBe(404);
    const bad = await call('GET', '/items?limit=0&offset=-1&type=licence&online=maybe');
    expect(bad.status).toBe(422);
    expect(bad.type).toMatch(/^application\/problem\+json/);
    expect(pointers(bad.body)).toEqual([
      '/querystring/limit minimum',
      '/querystring/offset minimum',
      '/querystring/online type',
      '/querystring/type enum',
    ]);
  });
});
