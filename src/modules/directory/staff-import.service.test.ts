import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { makePerson, TEST_ACTOR } from '../../../test/support/people.js';
import { upsertOrgUnits } from './org-unit.service.js';
import { createPerson, findPersonByStaffNo, updatePerson } from './person.service.js';
import { importStaffCsv } from './staff-import.service.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const options = { actor: TEST_ACTOR, effectiveDate: '2025-01-01' };
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
    expect(report).toEqual({ ok: false, errors: [{ row: 3, field: 'mobile', reason: 'format' }] });
    expect(JSON.stringify(report)).not.toMatch(/周杰|1390000000X/);
    expect(await writes()).toEqual(before);
  });

  it('finds duplicates and disagreements within the file and conflicts with the directory', async () => {
    const holder = await createPerson(db(), makePerson({ mobile: '13900000099' }), { actor: TEST_ACTOR });
    const gone = await createPerson(db(), makePerson({ staffNo: 'HT000098' }), { actor: TEST_ACTOR });
    await updatePerson(db(), gone.id, { status: 'left' }, { actor: TEST_ACTOR });
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
      { row: 3, field: 'name', reason: 'differs_from_earlier_row' },
      { row: 3, field: 'primary', reason: 'more_than_one' },
      { row: 4, field: 'title', reason: 'duplicate' },
      { row: 5, field: 'mobile', reason: 'duplicate' },
      { row: 6, field: 'email', reason: 'format' },
      { row: 6, field: 'mobile', reason: 'taken' },
      { row: 6, field: 'org_unit_code', reason: 'dissolved' },
      { row: 6, field: 'primary', reason: 'one_of' },
      { row: 6, field: 'title', reason: 'required' },
      { row: 7, field: 'org_unit_code', reason: 'not_found' },
      { row: 7, field: 'staff_no', reason: 'left' },
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
