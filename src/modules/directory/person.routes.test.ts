import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { upsertOrgUnits } from './org-unit.service.js';
import type { Person } from './person.js';
import { personRoutes } from './person.routes.js';
import { createPerson } from './person.service.js';
import { assignPost } from './post.service.js';
import { SYSTEM_ONLY_POLICY } from './system-only-policy.js';

// 测试区 XX: departments XD1 and XD2, street XT1 with its centre XC1.
const policy = grantTablePolicy({
  'admin-xd1': { 'directory.read': ['XD1'], 'directory.manage': ['XD1'] },
  'reader-xd1': { 'directory.read': ['XD1'] },
  'admin-xt1': { 'directory.read': ['XT1'], 'directory.manage': ['XT1'] },
  'admin-all': { 'directory.read': ['XX'], 'directory.manage': ['XX'] },
});
const SYSTEM = { actor: SYSTEM_ACTOR, policy: SYSTEM_ONLY_POLICY };

let platform: TestPlatform;
const people: Record<'p1' | 'p2' | 'p3' | 'p4', Person> = {} as never;
const db = () => platform.runtime.database.kysely;
const count = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db())).rows[0]!.n;
const writes = async () => ({
  people: await count('directory.person'),
  posts: await count('directory.post'),
  history: await count('directory.person_history'),
  audit: await count('platform.audit_log'),
});

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => {
      runtime.authenticators.push(testStaffAuthenticator);
      return [personRoutes({ database: runtime.database, policy })];
    },
  });
  await upsertOrgUnits(db(), smallDistrict());
  const person = (staffNo: string, name: string, mobile: string, orgUnitCode: string) =>
    createPerson(db(), { staffNo, name, mobile, firstPost: { orgUnitCode, title: '科员' } }, SYSTEM);
  people.p1 = await person('HT200001', '张三', '13900000001', 'XD1');
  people.p2 = await person('HT200002', '李四', '13900000002', 'XD2');
  people.p3 = await person('HT200003', '欧阳娜娜', '13900000003', 'XD2');
  await assignPost(db(), people.p3.id, { orgUnitCode: 'XD1', title: '挂职' }, SYSTEM);
  people.p4 = await person('HT200004', '王五', '13900000004', 'XC1');
  await platform.app.ready();
});
afterAll(() => platform.close());

const get = (url: string, staff?: string) =>
  platform.app.inject({ method: 'GET', url, headers: staff ? asStaff(staff) : {} });
const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, staff: string, payload?: object) =>
  platform.app.inject({ method, url, headers: asStaff(staff), ...(payload ? { payload } : {}) });
const postsOf = async (personId: string) =>
  (await get(`/api/directory/v1/people/${personId}`, 'admin-all')).json().posts as Array<{
    id: string;
    orgUnitCode: string;
    isPrimary: boolean;
  }>;

describe('GET /api/directory/v1/people', () => {
  it('lists only the people within the actor’s subtrees, unmasked where it manages', async () => {
    const response = await get('/api/directory/v1/people', 'admin-xd1');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.items.map((item: { staffNo: string }) => item.staffNo)).toEqual(['HT200001', 'HT200003']);
    expect(body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(body.items[1]).toMatchObject({ name: '欧阳娜娜', mobile: '13900000003', masked: false });
    expect(body.items[1].posts.map((post: { orgUnitCode: string }) => post.orgUnitCode)).toEqual(['XD2', 'XD1']);
  });

  it('masks names and mobiles for an actor who may read but not manage', async () => {
    const body = (await get('/api/directory/v1/people?q=HT20000', 'reader-xd1')).json();
    expect(body.items).toMatchObject([
      { staffNo: 'HT200001', name: '张*', mobile: '139****0001', masked: true },
      { staffNo: 'HT200003', name: '欧阳**', mobile: '139****0003', masked: true },
    ]);
  });

  it('refuses a unit outside the actor’s scope, and serves one within, with its subtree', async () => {
    const refused = await get('/api/directory/v1/people?orgUnit=XD2', 'admin-xd1');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'access.denied', status: 403 });
    const street = (await get('/api/directory/v1/people?orgUnit=XT1&includeSubtree=true', 'admin-xt1')).json();
    expect(street.items.map((item: { staffNo: string }) => item.staffNo)).toEqual(['HT200004']);
    expect((await get('/api/directory/v1/people?orgUnit=XT1', 'admin-xt1')).json().items).toEqual([]);
    const everyone = (await get('/api/directory/v1/people?status=active', 'admin-all')).json();
    expect(everyone.total).toBe(4);
  });

  it('answers 401 without a staff principal and 422 for a bad query, as problem+json', async () => {
    expect((await get('/api/directory/v1/people')).json()).toMatchObject({ status: 401, code: 'auth.unauthenticated' });
    const bad = await get('/api/directory/v1/people?limit=0&status=gone', 'admin-all');
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((error: { pointer: string }) => error.pointer)
        .sort(),
    ).toEqual(['/querystring/limit', '/querystring/status']);
  });
});

describe('GET /api/directory/v1/people/{id} and its history', () => {
  it('reads a person the actor reaches through any post, and refuses one it does not', async () => {
    const shared = await get(`/api/directory/v1/people/${people.p3.id}`, 'admin-xd1');
    expect(shared.statusCode).toBe(200);
    expect(shared.json()).toMatchObject({ staffNo: 'HT200003', name: '欧阳娜娜', masked: false });
    expect((await get(`/api/directory/v1/people/${people.p3.id}`, 'reader-xd1')).json().masked).toBe(true);
    const other = await get(`/api/directory/v1/people/${people.p2.id}`, 'admin-xd1');
    expect(other.statusCode).toBe(403);
    expect(JSON.stringify(other.json())).not.toContain('李四');
    expect((await get('/api/directory/v1/people/00000000-0000-4000-8000-000000000000', 'admin-all')).statusCode).toBe(
      404,
    );
  });

  it('gives the history, masked as stored, to a reader only', async () => {
    const history = await get(`/api/directory/v1/people/${people.p1.id}/history`, 'reader-xd1');
    expect(history.statusCode).toBe(200);
    const [created, assigned] = history.json().items;
    expect(created).toMatchObject({ change: 'created', actor: { type: 'system', id: 'huitong' } });
    expect(created.changes).toContainEqual({ field: 'name', from: null, to: '张*' });
    expect(assigned).toMatchObject({ change: 'post_assigned' });
    expect((await get(`/api/directory/v1/people/${people.p2.id}/history`, 'reader-xd1')).statusCode).toBe(403);
  });
});

describe('writes', () => {
  it('creates a person with a first post only in a unit the actor manages', async () => {
    const before = await writes();
    const body = {
      staffNo: 'HT200010',
      name: '赵六',
      mobile: '139 0000 0010',
      firstPost: { orgUnitCode: 'XD2', title: '科员' },
    };
    const refused = await send('POST', '/api/directory/v1/people', 'admin-xd1', body);
    expect(refused.statusCode).toBe(403);
    expect(await writes()).toEqual(before);

    const created = await send('POST', '/api/directory/v1/people', 'admin-xd1', {
      ...body,
      firstPost: { orgUnitCode: 'XD1', title: '科员' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      staffNo: 'HT200010',
      mobile: '13900000010',
      masked: false,
      posts: [{ orgUnitCode: 'XD1', isPrimary: true }],
    });
    const [history] = (await get(`/api/directory/v1/people/${created.json().id}/history`, 'admin-xd1')).json().items;
    expect(history.actor).toEqual({ type: 'user', id: 'admin-xd1' });
  });

  it('names every bad field of a new person, as pointers into the body, and writes nothing', async () => {
    const before = await writes();
    const response = await send('POST', '/api/directory/v1/people', 'admin-xd1', {
      staffNo: 'bad no',
      name: ' ',
      mobile: '12345',
      firstPost: { orgUnitCode: 'NOPE', title: '' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('directory.person_invalid');
    expect(
      response.json().errors.map(({ pointer, reason }: { pointer: string; reason: string }) => `${pointer}:${reason}`),
    ).toEqual([
      '/body/staffNo:format',
      '/body/name:required',
      '/body/mobile:format',
      '/body/firstPost/title:required',
      '/body/firstPost/orgUnitCode:not_found',
    ]);
    expect(await writes()).toEqual(before);
  });

  it('changes details where the actor manages the primary post, and a departure only over every post', async () => {
    const denied = await send('PATCH', `/api/directory/v1/people/${people.p3.id}`, 'admin-xd1', {
      email: 'x@example.gov.cn',
    });
    expect(denied.statusCode).toBe(403);
    const changed = await send('PATCH', `/api/directory/v1/people/${people.p1.id}`, 'admin-xd1', {
      email: 'Zhang@Example.gov.cn',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ email: 'zhang@example.gov.cn', masked: false });
    const bad = await send('PATCH', `/api/directory/v1/people/${people.p1.id}`, 'admin-xd1', { mobile: '123' });
    expect(bad.json()).toMatchObject({ status: 422, errors: [{ pointer: '/body/mobile', reason: 'format' }] });
    expect((await send('PATCH', `/api/directory/v1/people/${people.p1.id}`, 'admin-xd1', {})).statusCode).toBe(422);
  });

  it('assigns, promotes and ends posts only over the units they change', async () => {
    const p3 = people.p3.id;
    const [home, secondment] = await postsOf(p3);
    expect([home?.orgUnitCode, secondment?.orgUnitCode]).toEqual(['XD2', 'XD1']);
    // Making the XD1 post primary takes the role from XD2, which admin-xd1 does not manage.
    expect(
      (await send('POST', `/api/directory/v1/people/${p3}/posts/${secondment!.id}/primary`, 'admin-xd1')).statusCode,
    ).toBe(403);
    expect(
      (
        await send('POST', `/api/directory/v1/people/${p3}/posts`, 'admin-xd1', {
          orgUnitCode: 'XD1',
          title: '副科长',
          isPrimary: true,
        })
      ).statusCode,
    ).toBe(403);
    const added = await send('POST', `/api/directory/v1/people/${p3}/posts`, 'admin-xd1', {
      orgUnitCode: 'XD1',
      title: '副科长',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ orgUnitCode: 'XD1', title: '副科长', isPrimary: false, validTo: null });
    expect((await send('DELETE', `/api/directory/v1/people/${p3}/posts/${home!.id}`, 'admin-xd1')).statusCode).toBe(
      403,
    );
    const ended = await send(
      'DELETE',
      `/api/directory/v1/people/${p3}/posts/${added.json().id}?validTo=2099-01-01`,
      'admin-xd1',
    );
    expect(ended.statusCode).toBe(200);
    expect(ended.json().validTo).toBe('2099-01-01');
    // A post addressed under someone else is not there.
    expect(
      (await send('DELETE', `/api/directory/v1/people/${people.p1.id}/posts/${home!.id}`, 'admin-all')).statusCode,
    ).toBe(404);
    const promoted = await send('POST', `/api/directory/v1/people/${p3}/posts/${secondment!.id}/primary`, 'admin-all');
    expect(promoted.json()).toMatchObject({ orgUnitCode: 'XD1', isPrimary: true });
  });

  it('lets a departure through only for an actor over every post', async () => {
    const p4 = people.p4.id;
    await assignPost(db(), p4, { orgUnitCode: 'XD1', title: '联络员' }, SYSTEM);
    expect((await send('PATCH', `/api/directory/v1/people/${p4}`, 'admin-xt1', { status: 'left' })).statusCode).toBe(
      403,
    );
    const left = await send('PATCH', `/api/directory/v1/people/${p4}`, 'admin-all', { status: 'left' });
    expect(left.json()).toMatchObject({ status: 'left', posts: [] });
    // Without a post, the person is reached platform-wide only.
    expect((await get(`/api/directory/v1/people/${p4}`, 'admin-xt1')).statusCode).toBe(403);
    expect(policy.denials.at(-1)).toEqual({ actorId: 'admin-xt1', permission: 'directory.read', orgUnitCode: null });
  });
});
