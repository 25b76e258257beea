import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { upsertOrgUnits } from '../directory/index.js';
import { standardRoutes } from './standard.routes.js';

const policy = grantTablePolicy({
  admin: { 'exchange.manage': ['XX'], 'exchange.read': ['XX'] },
  d1: { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'] },
  reader: { 'exchange.read': ['XD2'] },
});
const CLIENT_HEADER = 'x-test-client';
const asClient = (id: string) => ({ [CLIENT_HEADER]: id });

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;

async function call(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
) {
  const response = await platform.app.inject({
    method,
    url: `/api/exchange/v1${url}`,
    headers: { 'accept-language': 'en', ...options.headers },
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  return { status: response.statusCode, type: response.headers['content-type'], body: response.json() };
}
const pointers = (body: { errors?: Array<{ pointer: string; reason: string }> }) =>
  (body.errors ?? []).map((error) => `${error.pointer} ${error.reason}`).sort();
const auditCount = async () =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from platform.audit_log where action like 'exchange.%'`.execute(
        db(),
      )
    ).rows[0]!.n,
  );

const schemaV1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['name', 'sex'],
  properties: {
    name: { type: 'string', maxLength: 50, 'x-data-element': 'DE00002' },
    sex: { type: 'string', 'x-code-list': 'gb-t-2261.1' },
  },
};

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => [standardRoutes({ database: runtime.database, policy })],
  });
  platform.runtime.authenticators.push(testStaffAuthenticator, async (request) => {
    const id = request.headers[CLIENT_HEADER];
    return typeof id === 'string' ? { kind: 'client', id, via: 'test', scopes: [] } : null;
  });
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => platform.close());

describe('code lists and data elements', () => {
  it('creates a code list with an id from its source, reads it, and replaces its entries', async () => {
    const created = await call('POST', '/code-lists', {
      headers: asStaff('admin'),
      body: {
        source: 'GB/T 2261.1',
        nameZh: '人的性别代码',
        nameEn: 'Sex of human',
        entries: [
          { value: '1', labelZh: '男性', labelEn: 'Male' },
          { value: '2', labelZh: '女性', labelEn: 'Female' },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'gb-t-2261.1', entryCount: 2, source: 'GB/T 2261.1' });

    const replaced = await call('PUT', '/code-lists/gb-t-2261.1/entries', {
      headers: asStaff('admin'),
      body: {
        entries: [
          { value: '0', labelZh: '未知的性别', labelEn: 'Not known' },
          { value: '1', labelZh: '男性', labelEn: 'Male' },
          { value: '2', labelZh: '女性', labelEn: 'Female' },
          { value: '9', labelZh: '未说明的性别', labelEn: 'Not stated' },
        ],
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.entries.map((entry: { value: string }) => entry.value)).toEqual(['0', '1', '2', '9']);

    const listed = await call('GET', '/code-lists', { headers: asClient('hospital-his') });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: 'gb-t-2261.1', entryCount: 4 })]);
    expect((await call('GET', '/code-lists/gb-t-2261.1', { headers: asStaff('reader') })).body.entries).toHaveLength(4);
    expect((await call('GET', '/code-lists/nope', { headers: asStaff('reader') })).status).toBe(404);
  });

  it('refuses bad entries with every field listed, and writers below the root', async () => {
    const before = await auditCount();
    const bad = await call('PUT', '/code-lists/gb-t-2261.1/entries', {
      headers: asStaff('admin'),
      body: {
        entries: [
          { value: '1', labelZh: '' },
          { value: '1', labelZh: '男', parentValue: 'x' },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.type).toMatch(/^application\/problem\+json/);
    expect(pointers(bad.body)).toEqual([
      '/entries/0/labelZh required',
      '/entries/1/parentValue not_found',
      '/entries/1/value duplicate',
    ]);
    const denied = await call('PUT', '/code-lists/gb-t-2261.1/entries', {
      headers: asStaff('d1'),
      body: { entries: [{ value: '1', labelZh: '男' }] },
    });
    expect(denied.status).toBe(403);
    expect(await auditCount()).toBe(before);
  });

  it('creates, lists and reads data elements', async () => {
    const created = await call('POST', '/data-elements', {
      headers: asStaff('admin'),
      body: { id: 'DE00002', nameZh: '姓名', nameEn: 'Name', dataType: 'string', definitionZh: '姓名。' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'DE00002', dataType: 'string', codeListId: null });
    expect((await call('GET', '/data-elements', { headers: asStaff('reader') })).body.items).toHaveLength(1);
    expect((await call('GET', '/data-elements/DE00002', { headers: asClient('oa') })).status).toBe(200);
    expect((await call('GET', '/data-elements/DE09999', { headers: asClient('oa') })).status).toBe(404);
    const bad = await call('POST', '/data-elements', {
      headers: asStaff('admin'),
      body: { id: 'X', nameZh: '', nameEn: 'N', dataType: 'string' },
    });
    expect(bad.status).toBe(422);
    expect(pointers(bad.body)).toEqual(['/id pattern', '/nameZh required']);
  });
});

describe('standards and versions', () => {
  it('refuses anonymous callers (401), callers without exchange.read (403) and systems writing (401)', async () => {
    const anonymous = await call('GET', '/standards');
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toMatch(/^application\/problem\+json/);
    const nobody = await call('GET', '/standards', { headers: asStaff('nobody') });
    expect(nobody.status).toBe(403);
    expect(nobody.body.code).toBe('exchange.catalogue_denied');
    const system = await call('POST', '/standards', {
      headers: asClient('hospital-his'),
      body: { code: 'x', nameZh: 'x', nameEn: 'x', ownerOrgUnitCode: 'XD1', classification: 'public' },
    });
    expect(system.status).toBe(401);
  });

  it('creates a standard, refusing bad input field by field and other departments’ units', async () => {
    const bad = await call('POST', '/standards', {
      headers: asStaff('d1'),
      body: { code: '1bad', nameZh: ' ', nameEn: 'Student', ownerOrgUnitCode: 'XD1', classification: 'open' },
    });
    expect(bad.status).toBe(422);
    expect(pointers(bad.body)).toEqual(['/classification one_of', '/code pattern', '/nameZh required']);
    const elsewhere = await call('POST', '/standards', {
      headers: asStaff('d1'),
      body: { code: 'student', nameZh: '学生', nameEn: 'Student', ownerOrgUnitCode: 'XD2', classification: 'public' },
    });
    expect(elsewhere.status).toBe(403);
    const created = await call('POST', '/standards', {
      headers: asStaff('d1'),
      body: {
        code: 'student',
        nameZh: '学生',
        nameEn: 'Student',
        ownerOrgUnitCode: 'XD1',
        classification: 'sensitive',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: 'student',
      classification: 'sensitive',
      versions: [],
      latestPublishedVersion: null,
    });
    expect((await call('GET', '/standards/nope', { headers: asStaff('reader') })).status).toBe(404);
  });

  it('drafts, publishes and guards a version, with the breaking report as a 409 problem', async () => {
    const staff = asStaff('d1');
    const invalid = await call('POST', '/standards/student/versions', {
      headers: staff,
      body: { schema: { type: 'object', properties: { a: { $ref: 'http://example.com/a.json' } } } },
    });
    expect(invalid.status).toBe(422);
    expect(pointers(invalid.body)).toEqual(['/schema/properties/a/$ref remote_ref']);

    const draft = await call('POST', '/standards/student/versions', { headers: staff, body: { schema: schemaV1 } });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ version: 1, status: 'draft', eventType: 'huitong.student.v1' });
    const published = await call('POST', '/standards/student/versions/1/publish', { headers: staff, body: {} });
    expect(published.status).toBe(200);
    expect(published.body.report).toMatchObject({ previousVersion: null, breaking: false });
    const frozen = await call('PUT', '/standards/student/versions/1', {
      headers: staff,
      body: { schema: { type: 'object' } },
    });
    expect(frozen.status).toBe(409);
    expect(frozen.body.code).toBe('exchange.version_immutable');

    const narrower = structuredClone(schemaV1);
    narrower.properties.name.maxLength = 20;
    await call('POST', '/standards/student/versions', {
      headers: staff,
      body: { schema: narrower, changeNote: '姓名限 20 字' },
    });
    const report = await call('GET', '/standards/student/versions/2/compatibility', { headers: asClient('edu-sys') });
    expect(report.body).toMatchObject({ previousVersion: 1, breaking: true });
    const refused = await call('POST', '/standards/student/versions/2/publish', { headers: staff, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.type).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'exchange.breaking_change', report: { version: 2, breaking: true } });
    expect(refused.body.report.changes).toEqual([
      {
        path: '/name',
        change: 'limit_tightened',
        breaking: true,
        message: { zh: '/name 的 maxLength 由 50 收紧为 20', en: 'maxLength of /name tightened from 50 to 20' },
      },
    ]);
    const accepted = await call('POST', '/standards/student/versions/2/publish', {
      headers: staff,
      body: { acknowledgeBreaking: true },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.version).toMatchObject({ status: 'published', breaking: true });

    // A publish without a body is a publish without acknowledgement.
    await call('POST', '/standards/student/versions', { headers: staff, body: { schema: narrower } });
    const bare = await call('POST', '/standards/student/versions/3/publish', { headers: staff });
    expect(bare.status).toBe(200);
    expect(bare.body.report).toEqual({
      standardCode: 'student',
      version: 3,
      previousVersion: 2,
      breaking: false,
      changes: [],
    });

    // Deprecating is the owner's, as the workbench's deprecate action assumes; done once, it is not done again.
    expect((await call('POST', '/standards/student/versions/1/deprecate', { headers: asStaff('reader') })).status).toBe(
      403,
    );
    const deprecated = await call('POST', '/standards/student/versions/1/deprecate', { headers: staff });
    expect(deprecated.body).toMatchObject({ status: 'deprecated', deprecatedAt: expect.any(String) });
    const again = await call('POST', '/standards/student/versions/1/deprecate', { headers: staff });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'exchange.version_not_published' });
    const standard = await call('GET', '/standards/student', { headers: asClient('edu-sys') });
    expect(standard.body).toMatchObject({
      latestPublishedVersion: 3,
      versions: [
        { version: 1, status: 'deprecated' },
        { version: 2, status: 'published', breaking: true },
        { version: 3, status: 'published', breaking: false },
      ],
    });
    const versions = await call('GET', '/standards/student/versions', { headers: asStaff('reader') });
    expect(versions.body.items).toHaveLength(3);
    const one = await call('GET', '/standards/student/versions/2', { headers: asStaff('reader') });
    expect(one.body.schema).toEqual(narrower);
    expect((await call('GET', '/standards/student/versions/9', { headers: asStaff('reader') })).status).toBe(404);
    expect(
      (await call('POST', '/standards/student/versions/2/publish', { headers: asStaff('reader'), body: {} })).status,
    ).toBe(403);
  });

  it('lists the catalogue for staff and systems, with filters', async () => {
    const all = await call('GET', '/standards', { headers: asClient('hospital-his') });
    expect(all.body.items.map((standard: { code: string }) => standard.code)).toEqual(['student']);
    const none = await call('GET', '/standards?classification=public', { headers: asStaff('reader') });
    expect(none.body.items).toEqual([]);
    expect((await call('GET', '/standards?classification=secret', { headers: asStaff('reader') })).status).toBe(422);
  });
});
