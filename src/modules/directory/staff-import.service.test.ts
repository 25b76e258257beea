import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { makePerson, TEST_ACTOR } from '../../../test/support/people.js';
import { workbookOf } from '../../../test/support/xlsx-files.js';
import { upsertOrgUnits } from './org-unit.service.js';
import { createPerson, findPersonByStaffNo, updatePerson } from './person.service.js';
import { importStaffCsv, importStaffXlsx } from './staff-import.service.js';

const ACTING = {
  actor: TEST_ACTOR,
  policy: grantTablePolicy({ [TEST_ACTOR.id]: { 'directory.read': ['XX'], 'directory.manage': ['XX'] } }),
};

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const options = { ...ACTING, effectiveDate: '2025-01-01' };
const csv = (...lines: string[]) => `\uFEFF${lines.join('\r\n')}\r\n`;
const HEADER = '工号,姓名,手机,邮箱,机构代码,职务,主岗';
const count = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db())).rows[0]!.n;
const writes = async () => ({
  people: await count('directory.person'),
  posts: await count('directory.post'),
  history: await count('directory.person_history'),
  audit: await count('platform.audit_log'),
  events: await count('platform.outbox_event'),
});

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), [...smallDistrict(), makeOrgUnit({ code: 'XD9', status: 'dissolved' })]);
});
beforeEach(async () => {
  // The history is append-only by trigger; truncate (a statement, not rows) clears it between tests.
  await sql`truncate directory.person_history, directory.post, directory.person`.execute(db());
});
afterAll(() => testDatabase.drop());

describe('importStaffCsv', () => {
  it('imports a clean file in one go, and re-importing it changes nothing', async () => {
    const file = csv(
      HEADER,
      'HT000001,王伟,139 0000 0001,wang@example.gov.cn,XD1,局长,是',
      'HT000001,王伟,13900000001,wang@example.gov.cn,XC0,"窗口, 协调",否',
      'ht000002,"李""娜""",,,XT1,科员,',
    );
    const progress: number[] = [];
    const report = await importStaffCsv(testDatabase.database, file, {
      ...options,
      onProgress: ({ done }) => progress.push(done),
    });
    expect(report).toEqual({ ok: true, people: 2, created: 2, updated: 0, unchanged: 0 });
    expect(progress).toEqual([0, 1, 2]);
    const wang = await findPersonByStaffNo(db(), 'HT000001');
    expect(wang).toMatchObject({ name: '王伟', mobile: '13900000001', status: 'active', statusFrom: '2025-01-01' });
    expect(wang!.posts.map((post) => [post.orgUnitCode, post.title, post.isPrimary])).toEqual([
      ['XD1', '局长', true],
      ['XC0', '窗口, 协调', false],
    ]);
    expect(await findPersonByStaffNo(db(), 'HT000002')).toMatchObject({ name: '李"娜"', mobile: null, email: null });

    const before = await writes();
    const again = await importStaffCsv(testDatabase.database, Readable.from([Buffer.from(file)]), options);
    expect(again).toEqual({ ok: true, people: 2, created: 0, updated: 0, unchanged: 2 });
    expect(await writes()).toEqual(before);
  });

  it('accepts English headers in any order and updates people by HR number', async () => {
    await importStaffCsv(testDatabase.database, csv(HEADER, 'HT000003,赵敏,13900000003,,XD1,科员,'), options);
    const report = await importStaffCsv(
      testDatabase.database,
      csv('title,org_unit_code,name,staff_no,mobile', '科长,XD2,赵敏,HT000003,13900000033'),
      { ...options, effectiveDate: '2025-03-01' },
    );
    expect(report).toEqual({ ok: true, people: 1, created: 0, updated: 1, unchanged: 0 });
    const person = await findPersonByStaffNo(db(), 'HT000003');
    expect(person).toMatchObject({ mobile: '13900000033' });
    expect(person!.posts).toMatchObject([
      { orgUnitCode: 'XD2', title: '科长', isPrimary: true, validFrom: '2025-03-01' },
    ]);
    const { rows } = await sql<{ valid_to: string }>`
      select to_char(valid_to, 'YYYY-MM-DD') as valid_to from directory.post
      where person_id = ${person!.id} and valid_to is not null`.execute(db());
    expect(rows).toEqual([{ valid_to: '2025-03-01' }]);
  });

  it('writes nothing when one row is bad, and reports its row and column without the values', async () => {
    const before = await writes();
    const report = await importStaffCsv(
      testDatabase.database,
      csv(
        HEADER,
        'HT000004,孙丽,13900000004,,XD1,科员,是',
        'HT000005,周杰,1390000000X,,XD1,科员,是',
        'HT000006,吴芳,,,XD1,科员,',
      ),
      options,
    );
    expect(report).toEqual({ ok: false, errors: [{ row: 3, field: 'mobile', header: '手机', reason: 'format' }] });
    expect(JSON.stringify(report)).not.toMatch(/周杰|1390000000X/);
    expect(await writes()).toEqual(before);
  });

  it('finds duplicates and disagreements within the file and conflicts with the directory', async () => {
    const holder = await createPerson(db(), makePerson({ mobile: '13900000099' }), ACTING);
    const gone = await createPerson(db(), makePerson({ staffNo: 'HT000098' }), ACTING);
    await updatePerson(db(), gone.id, { status: 'left' }, ACTING);
    const report = await importStaffCsv(
      testDatabase.database,
      csv(
        HEADER,
        'HT000007,郑强,13900000007,,XD1,科员,是',
        'HT000007,郑强强,13900000007,,XD2,科员,是',
        'HT000007,郑强,13900000007,,XD1,科员,',
        'HT000008,冯军,13900000007,,XD1,科员,',
        'HT000009,陈静,13900000099,not-mail,XD9,,也许',
        'HT000098,某某,,,NOPE,科员,',
      ),
      options,
    );
    expect(report.ok).toBe(false);
    expect(!report.ok && report.errors).toEqual([
      { row: 3, field: 'name', header: '姓名', reason: 'differs_from_earlier_row' },
      { row: 3, field: 'primary', header: '主岗', reason: 'more_than_one' },
      { row: 4, field: 'title', header: '职务', reason: 'duplicate' },
      { row: 5, field: 'mobile', header: '手机', reason: 'duplicate' },
      { row: 6, field: 'email', header: '邮箱', reason: 'format' },
      { row: 6, field: 'mobile', header: '手机', reason: 'taken' },
      { row: 6, field: 'org_unit_code', header: '机构代码', reason: 'dissolved' },
      { row: 6, field: 'primary', header: '主岗', reason: 'one_of' },
      { row: 6, field: 'title', header: '职务', reason: 'required' },
      { row: 7, field: 'org_unit_code', header: '机构代码', reason: 'not_found' },
      { row: 7, field: 'staff_no', header: '工号', reason: 'left' },
    ]);
    expect(holder.mobile).toBe('13900000099');
    expect(await count('directory.person')).toBe(2);
  });

  it('reports a bad header and a CSV syntax error by row', async () => {
    expect(await importStaffCsv(testDatabase.database, csv('工号,姓名,职务,部门'), options)).toEqual({
      ok: false,
      errors: [
        { row: 1, field: '部门', reason: 'unknown_column' },
        { row: 1, field: 'org_unit_code', reason: 'missing_column' },
      ],
    });
    expect(await importStaffCsv(testDatabase.database, csv(HEADER, 'HT000010,"钱,XD1,科员,'), options)).toEqual({
      ok: false,
      errors: [{ row: 2, field: '', reason: 'unclosed_quote' }],
    });
  });
});

describe('importStaffXlsx', () => {
  it('reads numbers as Excel stores them, skips a title above the header, and reports spreadsheet rows', async () => {
    const strings = [
      '人员名单（2025）',
      '工号',
      '姓名',
      '手机',
      '机构代码',
      '职务',
      '钱多多',
      'XD1',
      '科员',
      '孙少',
      '是否主岗',
    ];
    const s = (reference: string, text: string) => `<c r="${reference}" t="s"><v>${strings.indexOf(text)}</v></c>`;
    const file = (secondMobile: string) =>
      workbookOf({
        sharedStrings: strings.map((text) => `<si><t>${text}</t></si>`),
        sheets: {
          名单: [
            `<row r="1">${s('A1', '人员名单（2025）')}</row>`,
            `<row r="3">${s('A3', '工号')}${s('B3', '姓名')}${s('C3', '手机')}${s('D3', '机构代码')}${s('E3', '职务')}${s('F3', '是否主岗')}</row>`,
            `<row r="4"><c r="A4"><v>20190457</v></c>${s('B4', '钱多多')}<c r="C4"><v>13900000011</v></c>${s('D4', 'XD1')}${s('E4', '科员')}<c r="F4" t="b"><v>1</v></c></row>`,
            `<row r="6"><c r="A6"><v>20190458</v></c>${s('B6', '孙少')}<c r="C6"><v>${secondMobile}</v></c>${s('D6', 'XD1')}${s('E6', '科员')}</row>`,
          ].join(''),
        },
      });
    expect(await importStaffXlsx(testDatabase.database, file('139'), options)).toEqual({
      ok: false,
      errors: [{ row: 6, field: 'mobile', header: '手机', reason: 'format' }],
    });
    expect(await count('directory.person')).toBe(0);
    expect(await importStaffXlsx(testDatabase.database, file('13900000012'), options)).toMatchObject({
      ok: true,
      created: 2,
    });
    expect(await findPersonByStaffNo(db(), '20190457')).toMatchObject({
      name: '钱多多',
      mobile: '13900000011',
      posts: [{ orgUnitCode: 'XD1', title: '科员', isPrimary: true }],
    });
  });
});
