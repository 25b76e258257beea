import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { upsertOrgUnits } from './org-unit.service.js';

let platform: TestPlatform;
const codes = (body: { items: Array<{ code: string }> }) => body.items.map((item) => item.code);

beforeAll(async () => {
  platform = await createTestPlatform();
  const { database } = platform.runtime;
  await platform.app.ready();
  await upsertOrgUnits(database.kysely, smallDistrict());
});
afterAll(() => platform.close());

describe('GET /api/directory/v1/org-units', () => {
  it('lists units a page at a time with the total', async () => {
    const first = await platform.app.inject('/api/directory/v1/org-units?limit=3');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ total: 8, limit: 3, offset: 0 });
    expect(codes(first.json())).toEqual(['XC0', 'XC1', 'XC2']);
    const last = await platform.app.inject('/api/directory/v1/org-units?limit=3&offset=6');
    expect(codes(last.json())).toEqual(['XD1', 'XT2']);
    expect(last.json().total).toBe(8);
  });

  it('presents a unit by code, never by internal id', async () => {
    const response = await platform.app.inject('/api/directory/v1/org-units?parent=XT1');
    const [centre] = response.json().items;
    expect(centre).toEqual({
      code: 'XC1',
      parentCode: 'XT1',
      kind: 'service_centre',
      nameZh: '东街道社区事务受理服务中心',
      nameEn: 'East Centre',
      shortNameZh: null,
      sortOrder: 0,
      status: 'active',
      validFrom: '2020-01-01',
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it('filters by one or several kinds, by parent and by status', async () => {
    const towns = await platform.app.inject('/api/directory/v1/org-units?kind=town');
    expect(codes(towns.json())).toEqual(['XT2']);
    const places = await platform.app.inject('/api/directory/v1/org-units?kind=town&kind=street');
    expect(codes(places.json())).toEqual(['XT1', 'XT2']);
    const centres = await platform.app.inject('/api/directory/v1/org-units?kind=service_centre&parent=XX');
    expect(codes(centres.json())).toEqual(['XC0']);
    const dissolved = await platform.app.inject('/api/directory/v1/org-units?status=dissolved');
    expect(dissolved.json()).toMatchObject({ items: [], total: 0 });
  });

  it('answers a bad query with a 422 problem naming each parameter', async () => {
    const response = await platform.app.inject({
      url: '/api/directory/v1/org-units?kind=planet&limit=0&parent=xx&colour=red',
      headers: { 'accept-language': 'en' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ type: '/problems/http.validation_failed', title: 'The request is not valid' });
    const pointers = new Set(problem.errors.map((error: { pointer: string }) => error.pointer));
    expect(pointers).toEqual(
      new Set(['/querystring/kind/0', '/querystring/limit', '/querystring/parent', '/querystring/colour']),
    );
  });
});

describe('GET /api/directory/v1/org-units/{code}', () => {
  it('gives the unit with its path from the district down to its parent', async () => {
    const response = await platform.app.inject('/api/directory/v1/org-units/XC2');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      code: 'XC2',
      parentCode: 'XT2',
      path: [
        { code: 'XX', kind: 'district', nameZh: '测试区', nameEn: 'Test District' },
        { code: 'XT2', kind: 'town', nameZh: '西镇', nameEn: 'West Town' },
      ],
    });
  });

  it('answers an unknown code with a 404 problem in the reader’s language', async () => {
    const response = await platform.app.inject('/api/directory/v1/org-units/NOPE');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: '/problems/directory.org_unit_not_found',
      status: 404,
      title: '机构不存在',
      detail: '没有代码为 NOPE 的机构。',
    });
  });
});

describe('OpenAPI', () => {
  it('describes both routes, their query and their problem responses', async () => {
    const document = (await platform.app.inject('/docs/json')).json();
    const list = document.paths['/api/directory/v1/org-units'].get;
    expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['kind', 'parent', 'status', 'limit', 'offset']),
    );
    expect(Object.keys(list.responses['422'].content)).toEqual(['application/problem+json']);
    const one = document.paths['/api/directory/v1/org-units/{code}'].get;
    expect(Object.keys(one.responses)).toEqual(expect.arrayContaining(['200', '404']));
  });
});
