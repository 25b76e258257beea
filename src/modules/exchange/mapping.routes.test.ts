import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { upsertOrgUnits } from '../directory/index.js';
import { mappingRoutes } from './mapping.routes.js';

const CLIENT_HEADER = 'x-test-client';
const asClient = (id: string) => ({ [CLIENT_HEADER]: id, 'accept-language': 'en' });
const staff = (id: string) => asStaff(id, { 'accept-language': 'en' });

const RKXX = '<RKXX><XM>张三</XM><GMSFHM>11010519491231002X</GMSFHM><XB>1</XB></RKXX>';
const INBOUND = 'RKXX.{ "name": XM, "idNumber": GMSFHM, "sex": XB }';
const URL_INBOUND = '/api/exchange/v1/members/gaj-rkxt/mappings/population-basic/1/inbound';

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const mappingCount = async () =>
  Number((await sql<{ n: number }>`select count(*)::int as n from exchange.mapping`.execute(db())).rows[0]!.n);

beforeAll(async () => {
  const policy = grantTablePolicy({
    'admin-xd1': { 'exchange.manage': ['XD1'], 'exchange.read': ['XD1'] },
    'auditor-xx': { 'exchange.read': ['XX'] },
    'admin-xd2': { 'exchange.manage': ['XD2'], 'exchange.read': ['XD2'] },
  });
  platform = await createTestPlatform({ routes: (runtime) => [mappingRoutes({ database: runtime.database, policy })] });
  platform.runtime.authenticators.push(testStaffAuthenticator, async (request) => {
    const id = request.headers[CLIENT_HEADER];
    return typeof id === 'string' ? { kind: 'client', id, scopes: ['exchange'], via: 'test' } : null;
  });
  await platform.app.ready();
  await upsertOrgUnits(db(), smallDistrict());
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code)
            values ('population-basic', '人口基本信息', 'Population basic', 'XD2')`.execute(db());
  const schema = {
    type: 'object',
    required: ['name', 'idNumber', 'sex'],
    properties: { name: { type: 'string' }, idNumber: { type: 'string' }, sex: { enum: ['0', '1', '2', '9'] } },
  };
  await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
            values ('population-basic', 1, 'published', ${JSON.stringify(schema)}::jsonb, now())`.execute(db());
  await sql`insert into exchange.member (id, name_zh, name_en, owner_org_unit_code)
            values ('gaj-rkxt', '公安人口系统', 'Police population system', 'XD1'),
                   ('mzj-dbxt', '民政低保系统', 'Civil affairs assistance system', 'XD1')`.execute(db());
});
afterAll(() => platform.close());

describe('PUT a mapping', () => {
  it('creates (201), then replaces (200) with the next revision, audited with the request id', async () => {
    const created = await platform.app.inject({
      method: 'PUT',
      url: URL_INBOUND,
      headers: staff('admin-xd1'),
      payload: { format: 'xml', expression: 'RKXX.{ "name": XM }' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      memberId: 'gaj-rkxt',
      standard: 'population-basic',
      version: 1,
      direction: 'inbound',
      format: 'xml',
      expression: 'RKXX.{ "name": XM }',
      options: {},
      revision: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      updatedBy: 'user:admin-xd1',
    });
    const replaced = await platform.app.inject({
      method: 'PUT',
      url: URL_INBOUND,
      headers: staff('admin-xd1'),
      payload: { format: 'xml', expression: INBOUND },
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ revision: 2, expression: INBOUND });
    const [audit] = (await listAudit(db(), { action: 'exchange.mapping.save', limit: 1 })).entries;
    expect(audit!.requestId).toBe(replaced.headers['x-request-id']);
  });

  it('answers an expression that does not compile with a 422 problem naming /expression, and stores nothing', async () => {
    const before = await mappingCount();
    const response = await platform.app.inject({
      method: 'PUT',
      url: '/api/exchange/v1/members/gaj-rkxt/mappings/population-basic/1/outbound',
      headers: staff('admin-xd1'),
      payload: { format: 'csv', expression: '{ "XM": name' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: 'exchange.mapping_invalid',
      errors: [
        { pointer: '/expression', reason: 'syntax', message: expect.stringMatching(/^JSONata S0203 at position 12/) },
      ],
    });
    expect(await mappingCount()).toBe(before);
  });

  it('answers a body or path the schema refuses with a 422 problem', async () => {
    const response = await platform.app.inject({
      method: 'PUT',
      url: '/api/exchange/v1/members/gaj-rkxt/mappings/population-basic/1/sideways',
      headers: staff('admin-xd1'),
      payload: { format: 'yaml', expression: '$' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('http.validation_failed');
  });

  it('answers 401 without a staff session (a member system too), 403 out of scope, 404 for unknowns', async () => {
    const put = (headers: Record<string, string>, url = URL_INBOUND) =>
      platform.app.inject({ method: 'PUT', url, headers, payload: { format: 'json', expression: '$' } });
    const before = await mappingCount();
    expect((await put({ 'accept-language': 'en' })).statusCode).toBe(401);
    const client = await put(asClient('gaj-rkxt'));
    expect(client.statusCode).toBe(401);
    expect(client.json().code).toBe('auth.wrong_principal_kind');
    const outOfScope = await put(staff('admin-xd2'));
    expect(outOfScope.statusCode).toBe(403);
    expect(outOfScope.json()).toMatchObject({ code: 'access.denied' });
    expect((await put(staff('auditor-xx'))).statusCode).toBe(403);
    const noMember = await put(
      staff('admin-xd1'),
      '/api/exchange/v1/members/nobody/mappings/population-basic/1/inbound',
    );
    expect(noMember.statusCode).toBe(404);
    expect(noMember.json().code).toBe('exchange.mapping_member_unknown');
    const noVersion = await put(
      staff('admin-xd1'),
      '/api/exchange/v1/members/gaj-rkxt/mappings/population-basic/3/inbound',
    );
    expect(noVersion.statusCode).toBe(404);
    expect(noVersion.json().code).toBe('exchange.mapping_standard_unknown');
    expect(await mappingCount()).toBe(before);
  });
});

describe('GET a member’s mappings', () => {
  it('serves staff with exchange.read and the member system itself, no one else', async () => {
    const url = '/api/exchange/v1/members/gaj-rkxt/mappings';
    const asAuditor = await platform.app.inject({ url, headers: staff('auditor-xx') });
    expect(asAuditor.statusCode).toBe(200);
    expect(asAuditor.json().items).toEqual([expect.objectContaining({ direction: 'inbound', revision: 2 })]);
    const asMember = await platform.app.inject({ url, headers: asClient('gaj-rkxt') });
    expect(asMember.json()).toEqual(asAuditor.json());
    expect((await platform.app.inject({ url, headers: asClient('mzj-dbxt') })).statusCode).toBe(403);
    expect((await platform.app.inject({ url, headers: staff('admin-xd2') })).statusCode).toBe(403);
    expect((await platform.app.inject({ url, headers: { 'accept-language': 'en' } })).statusCode).toBe(401);
    const unknown = await platform.app.inject({
      url: '/api/exchange/v1/members/nobody/mappings',
      headers: staff('auditor-xx'),
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('POST /api/exchange/v1/mappings/dry-run', () => {
  const dryRun = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    platform.app.inject({ method: 'POST', url: '/api/exchange/v1/mappings/dry-run', headers, payload });
  const key = { memberId: 'gaj-rkxt', standard: 'population-basic', version: 1, direction: 'inbound' };

  it('maps a sample with the saved mapping, for the member system itself', async () => {
    const response = await dryRun(asClient('gaj-rkxt'), { ...key, sample: RKXX });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ok: true,
      result: { name: '张三', idNumber: '11010519491231002X', sex: '1' },
      errors: [],
      schemaChecked: true,
    });
  });

  it('shows the schema errors of a draft expression, and stores nothing', async () => {
    const before = await mappingCount();
    const response = await dryRun(staff('auditor-xx'), {
      ...key,
      expression: 'RKXX.{ "name": XM, "sex": "男" }',
      sample: RKXX,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      ok: false,
      result: { name: '张三', sex: '男' },
      errors: expect.arrayContaining([
        expect.objectContaining({ pointer: '/data/idNumber', reason: 'required' }),
        expect.objectContaining({ pointer: '/data/sex', reason: 'one_of' }),
      ]),
    });
    expect(await mappingCount()).toBe(before);
  });

  it('renders an outbound sample as the member’s XML', async () => {
    const response = await dryRun(staff('admin-xd1'), {
      ...key,
      memberId: 'mzj-dbxt',
      direction: 'outbound',
      format: 'xml',
      expression: '{ "XM": name, "SFZH": idNumber }',
      options: { xmlRootElement: 'DBRY' },
      sample: { name: '张三', idNumber: '11010519491231002X', sex: '1' },
    });
    expect(response.json()).toEqual({
      ok: true,
      result: {
        contentType: 'application/xml',
        body: '<?xml version="1.0" encoding="UTF-8"?>\n<DBRY><XM>张三</XM><SFZH>11010519491231002X</SFZH></DBRY>',
      },
      errors: [],
      schemaChecked: false,
    });
  });

  it('answers 401, 403 and 404 as problems', async () => {
    expect((await dryRun({ 'accept-language': 'en' }, { ...key, sample: RKXX })).statusCode).toBe(401);
    expect((await dryRun(asClient('mzj-dbxt'), { ...key, sample: RKXX })).statusCode).toBe(403);
    const missing = await dryRun(staff('admin-xd1'), { ...key, direction: 'outbound', sample: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'exchange.mapping_not_found', title: 'Mapping not found' });
    expect((await dryRun(staff('admin-xd1'), { ...key, sample: undefined })).statusCode).toBe(422);
  });
});

describe('DELETE a mapping', () => {
  it('removes it (204, audited), then answers 404', async () => {
    const before = await mappingCount();
    const denied = await platform.app.inject({ method: 'DELETE', url: URL_INBOUND, headers: staff('admin-xd2') });
    expect(denied.statusCode).toBe(403);
    expect(await mappingCount()).toBe(before);
    const removed = await platform.app.inject({ method: 'DELETE', url: URL_INBOUND, headers: staff('admin-xd1') });
    expect(removed.statusCode).toBe(204);
    expect(await mappingCount()).toBe(before - 1);
    const [audit] = (await listAudit(db(), { action: 'exchange.mapping.delete', limit: 1 })).entries;
    expect(audit).toMatchObject({
      targetId: 'gaj-rkxt/population-basic/1/inbound',
      requestId: removed.headers['x-request-id'],
    });
    const again = await platform.app.inject({ method: 'DELETE', url: URL_INBOUND, headers: staff('admin-xd1') });
    expect(again.statusCode).toBe(404);
  });
});
