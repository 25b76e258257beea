import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { writeXlsx, XLSX_CONTENT_TYPE, type XlsxCell } from '../../platform/spreadsheets/xlsx-writer.js';
import { upsertOrgUnits } from './org-unit.service.js';
import { createPerson, findPersonByStaffNo } from './person.service.js';
import { staffImportRoutes } from './staff-import.routes.js';
import { SYSTEM_ONLY_POLICY } from './system-only-policy.js';

const policy = grantTablePolicy({
  'admin-xd1': { 'directory.read': ['XD1'], 'directory.manage': ['XD1'] },
  'reader-xd1': { 'directory.read': ['XD1'] },
});
const HEADER = ['工号', '姓名', '手机', '机构代码', '职务', '主岗'];

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const count = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db())).rows[0]!.n;
const writes = async () => ({
  people: await count('directory.person'),
  posts: await count('directory.post'),
  history: await count('directory.person_history'),
  audit: await count('platform.audit_log'),
  events: await count('platform.outbox_event'),
});
const workbook = (...rows: XlsxCell[][]) => writeXlsx([{ name: '人员', rows: [HEADER, ...rows] }]);
const upload = (body: Buffer | string, query = '', contentType = XLSX_CONTENT_TYPE, staff = 'admin-xd1') =>
  platform.app.inject({
    method: 'POST',
    url: `/api/directory/v1/imports${query}`,
    headers: asStaff(staff, { 'content-type': contentType }),
    payload: body,
  });

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => {
      runtime.authenticators.push(testStaffAuthenticator);
      return [staffImportRoutes({ database: runtime.database, policy })];
    },
  });
  await upsertOrgUnits(db(), smallDistrict());
  await platform.app.ready();
});
beforeEach(async () => {
  await sql`truncate directory.person_history, directory.post, directory.person`.execute(db());
});
afterAll(() => platform.close());

describe('POST /api/directory/v1/imports', () => {
  it('imports a good XLSX file into the actor’s units, and a dry run of it keeps nothing', async () => {
    const file = workbook(
      ['HT300001', '张三', 13900000001, 'XD1', '科员', '是'],
      ['HT300002', '李四', null, 'xd1', '科长', null],
    );
    const before = await writes();
    const dryRun = await upload(file, '?dryRun=true');
    expect(dryRun.statusCode).toBe(200);
    expect(dryRun.json()).toEqual({ dryRun: true, people: 2, created: 2, updated: 0, unchanged: 0 });
    expect(await writes()).toEqual(before);

    const response = await upload(file);
    expect(response.json()).toEqual({ dryRun: false, people: 2, created: 2, updated: 0, unchanged: 0 });
    expect(await findPersonByStaffNo(db(), 'HT300001')).toMatchObject({ name: '张三', mobile: '13900000001' });
    expect((await upload(file, '?format=xlsx')).json()).toMatchObject({ created: 0, unchanged: 2 });
  });

  it('takes CSV as text/csv, in UTF-8 or in the GB18030 Chinese Excel saves', async () => {
    const text = `${HEADER.join(',')}\r\nHT300003,王五,,XD1,科员,\r\n`;
    expect((await upload(text, '', 'text/csv; charset=utf-8')).json()).toMatchObject({ created: 1 });
    // 工号,姓名,机构代码,职务 / HT300004,赵六,XD1,科员 in GB18030 (what Excel's plain "CSV" writes in zh-CN).
    const gb18030 = Buffer.from(
      'b9a4bac52cd0d5c3fb2cbbfab9b9b4fac2eb2cd6b0cef10d0a48543330303030342cd5d4c1f92c5844312cbfc6d4b10d0a',
      'hex',
    );
    expect((await upload(gb18030, '?format=csv', 'application/octet-stream')).json()).toMatchObject({ created: 1 });
    expect(await findPersonByStaffNo(db(), 'HT300004')).toMatchObject({ name: '赵六' });
  });

  it('refuses a file with bad rows whole, naming row, column and reason, never a value', async () => {
    const before = await writes();
    const response = await upload(
      workbook(
        ['HT300005', '孙七', '1390000000X', 'XD1', '科员', '是'],
        ['HT300006', '周八', null, 'NOPE', '', '也许'],
      ),
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ code: 'directory.staff_import_invalid', status: 422 });
    expect(problem.errors).toEqual([
      { pointer: '/body/rows/2/mobile', row: 2, field: 'mobile', header: '手机', reason: 'format' },
      {
        pointer: '/body/rows/3/org_unit_code',
        row: 3,
        field: 'org_unit_code',
        header: '机构代码',
        reason: 'not_found',
      },
      { pointer: '/body/rows/3/primary', row: 3, field: 'primary', header: '主岗', reason: 'one_of' },
      { pointer: '/body/rows/3/title', row: 3, field: 'title', header: '职务', reason: 'required' },
    ]);
    expect(JSON.stringify(problem)).not.toMatch(/孙七|1390000000X/);
    expect(await writes()).toEqual(before);
  });

  it('refuses rows outside the actor’s units, and people holding a post it cannot manage', async () => {
    const outsider = await createPerson(
      db(),
      { staffNo: 'HT300009', name: '吴九', firstPost: { orgUnitCode: 'XD2', title: '科员' } },
      { actor: SYSTEM_ACTOR, policy: SYSTEM_ONLY_POLICY },
    );
    const before = await writes();
    const response = await upload(
      workbook(
        ['HT300007', '郑十', null, 'XD1', '科员', null],
        ['HT300008', '冯十一', null, 'XD2', '科员', null],
        [outsider.staffNo, '吴九', null, 'XD1', '科员', null],
      ),
    );
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ row: 3, field: 'org_unit_code', reason: 'out_of_scope' }),
      expect.objectContaining({ row: 4, field: 'staff_no', reason: 'out_of_scope' }),
    ]);
    expect(await writes()).toEqual(before);
    // Reading is not managing.
    const reader = await upload(
      workbook(['HT300007', '郑十', null, 'XD1', '科员', null]),
      '',
      XLSX_CONTENT_TYPE,
      'reader-xd1',
    );
    expect(reader.json().errors).toEqual([expect.objectContaining({ row: 2, reason: 'out_of_scope' })]);
  });

  it('answers a malformed workbook, a missing body and a stranger with problem+json', async () => {
    const broken = await upload(Buffer.from('PK\u0003\u0004 not really a zip'), '?format=xlsx');
    expect(broken.statusCode).toBe(422);
    expect(broken.json()).toMatchObject({
      code: 'spreadsheet.unreadable',
      detail: expect.stringContaining('truncated'),
    });
    const notXlsx = await upload(Buffer.from('工号,姓名'), '?format=xlsx');
    expect(notXlsx.json()).toMatchObject({
      code: 'spreadsheet.unreadable',
      detail: expect.stringContaining('not_zip'),
    });
    const empty = await platform.app.inject({
      method: 'POST',
      url: '/api/directory/v1/imports',
      headers: asStaff('admin-xd1'),
    });
    expect(empty.json()).toMatchObject({ status: 422, code: 'blob.body_missing' });
    const anonymous = await platform.app.inject({
      method: 'POST',
      url: '/api/directory/v1/imports',
      headers: { 'content-type': 'text/csv' },
      payload: 'x',
    });
    expect(anonymous.json()).toMatchObject({ status: 401 });
    expect(await count('directory.person')).toBe(0);
  });
});
