import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { parseCsv } from '../../platform/spreadsheets/csv-parser.js';
import { readXlsx } from '../../platform/spreadsheets/xlsx-reader.js';
import { upsertOrgUnits } from '../directory/index.js';
import { caseStatistics, periodParts } from './statistics.service.js';
import { exportStatistics } from './statistics-export.js';
import { addTestTally } from './supervision.fixtures.js';

let test: TestDatabase;
const db = () => test.database.kysely;
const policy = grantTablePolicy({
  district: { 'cases.supervise': ['XX'] },
  'sup-d2': { 'cases.supervise': ['XD2'] },
  handler: { 'cases.handle': ['XD1'] },
});
const deps = { policy, clock: () => new Date('2024-03-20T04:00:00Z') };
const district = { type: 'user' as const, id: 'district' };

beforeAll(async () => {
  test = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  // January: XD1 at XC1 (two items) and online; February and March: XD2 at XC2.
  await addTestTally(db(), { day: '2024-01-10' }, { submitted: 3, accepted: 2, rejected: 1 });
  await addTestTally(db(), { day: '2024-01-10', itemCode: 'ITEM-2' }, { submitted: 1, accepted: 1 });
  await addTestTally(
    db(),
    { day: '2024-01-31' },
    { completed: 2, completed_on_time: 1, working_days_sum: 9, granted: 2 },
  );
  await addTestTally(db(), { day: '2024-01-31' }, { ratings: 2, rating_sum: 6, poor_ratings: 1 });
  await addTestTally(db(), { day: '2024-01-15', centreCode: '' }, { submitted: 2, withdrawn: 1 });
  await addTestTally(
    db(),
    { day: '2024-02-01', centreCode: 'XC2', departmentCode: 'XD2' },
    { submitted: 5, accepted: 5 },
  );
  await addTestTally(
    db(),
    { day: '2024-03-01', centreCode: 'XC2', departmentCode: 'XD2' },
    { completed: 4, completed_on_time: 4, working_days_sum: 10, refused: 1, granted: 3 },
  );
});
afterAll(() => test.drop());

describe('periods', () => {
  it('reads whole months from the roll-up and the cut days from the daily tally', () => {
    expect(periodParts('2024-01-15', '2024-04-10')).toEqual({
      months: { from: '2024-02-01', to: '2024-03-01' },
      days: [
        { from: '2024-01-15', to: '2024-01-31' },
        { from: '2024-04-01', to: '2024-04-10' },
      ],
    });
    expect(periodParts('2024-01-01', '2024-12-31')).toEqual({
      months: { from: '2024-01-01', to: '2024-12-01' },
      days: [],
    });
    expect(periodParts('2024-02-03', '2024-02-27')).toEqual({
      months: null,
      days: [{ from: '2024-02-03', to: '2024-02-27' }],
    });
  });

  it('keeps the monthly roll-up equal to the daily tally', async () => {
    const { rows } = await sql<{ daily: number; monthly: number }>`select
      (select sum(submitted + completed + working_days_sum + rating_sum)::int from cases.daily_tally) as daily,
      (select sum(submitted + completed + working_days_sum + rating_sum)::int from cases.monthly_tally) as monthly`.execute(
      db(),
    );
    expect(rows[0]!.monthly).toBe(rows[0]!.daily);
  });
});

describe('statistics', () => {
  it('groups by department with labels and totals', async () => {
    const result = await caseStatistics(
      db(),
      district,
      { from: '2024-01-01', to: '2024-03-31', by: 'department' },
      deps,
    );
    expect(result.rows).toEqual([
      expect.objectContaining({
        key: 'XD1',
        labelZh: '测试区教育局',
        submitted: 6,
        accepted: 3,
        rejected: 1,
        completed: 2,
        onTime: 1,
        onTimeRate: 0.5,
        avgWorkingDays: 4.5,
        withdrawn: 1,
        ratings: 2,
        avgRating: 3,
        poorRatings: 1,
      }),
      expect.objectContaining({
        key: 'XD2',
        submitted: 5,
        completed: 4,
        onTimeRate: 1,
        avgWorkingDays: 2.5,
        refused: 1,
        avgRating: null,
      }),
    ]);
    expect(result.totals).toMatchObject({
      submitted: 11,
      accepted: 8,
      completed: 6,
      onTime: 5,
      onTimeRate: 0.8333,
      granted: 5,
    });
  });

  it('groups by centre (online as its own), item, month and day over cut periods', async () => {
    const byCentre = await caseStatistics(db(), district, { from: '2024-01-01', to: '2024-03-31', by: 'centre' }, deps);
    expect(byCentre.rows.map((row) => [row.key, row.labelZh, row.submitted])).toEqual([
      ['', '网上办理', 2],
      ['XC1', '东街道社区事务受理服务中心', 4],
      ['XC2', '西镇社区事务受理服务中心', 5],
    ]);
    const byItem = await caseStatistics(db(), district, { from: '2024-01-10', to: '2024-01-10', by: 'item' }, deps);
    expect(byItem.rows.map((row) => [row.key, row.submitted])).toEqual([
      ['ITEM-1', 3],
      ['ITEM-2', 1],
    ]);
    const byMonth = await caseStatistics(db(), district, { from: '2024-01-15', to: '2024-03-01', by: 'month' }, deps);
    expect(byMonth.rows.map((row) => [row.key, row.submitted, row.completed])).toEqual([
      ['2024-01', 2, 2],
      ['2024-02', 5, 0],
      ['2024-03', 0, 4],
    ]);
    const byDay = await caseStatistics(db(), district, { from: '2024-01-31', to: '2024-02-01', by: 'day' }, deps);
    expect(byDay.rows.map((row) => [row.key, row.submitted, row.ratings])).toEqual([
      ['2024-01-31', 0, 2],
      ['2024-02-01', 5, 0],
    ]);
    const filtered = await caseStatistics(
      db(),
      district,
      { from: '2024-01-01', to: '2024-03-31', by: 'month', centre: 'XC2' },
      deps,
    );
    expect(filtered.totals.submitted).toBe(5);
  });

  it('cuts to a department supervisor’s scope and refuses those without cases.supervise', async () => {
    const d2 = await caseStatistics(
      db(),
      { type: 'user', id: 'sup-d2' },
      { from: '2024-01-01', to: '2024-03-31' },
      deps,
    );
    expect(d2.rows.map((row) => row.key)).toEqual(['XD2']);
    expect(d2.totals.submitted).toBe(5);
    await expect(caseStatistics(db(), { type: 'user', id: 'handler' }, {}, deps)).rejects.toMatchObject({
      code: 'access.denied',
    });
  });

  it('names the bad field of a bad period', async () => {
    const cases = [
      [{ from: '2024-02-30' }, [{ pointer: '/from', reason: 'date' }]],
      [{ from: '2024-13-01' }, [{ pointer: '/from', reason: 'date' }]],
      [{ from: '2024-03-01', to: '2024-02-01' }, [{ pointer: '/to', reason: 'before_from' }]],
      [{ from: '2019-01-01', to: '2024-01-01' }, [{ pointer: '/to', reason: 'period_too_long' }]],
      [{ from: '2023-01-01', to: '2024-01-02', by: 'day' }, [{ pointer: '/to', reason: 'period_too_long' }]],
      [
        { to: 'yesterday', by: 'week' },
        [
          { pointer: '/by', reason: 'one_of' },
          { pointer: '/to', reason: 'date' },
        ],
      ],
    ] as const;
    for (const [query, fields] of cases) {
      await expect(caseStatistics(db(), district, query, deps)).rejects.toMatchObject({
        code: 'cases.query_invalid',
        fields,
      });
    }
  });
});

describe('export', () => {
  it('writes CSV with a BOM and XLSX that read back the same, headers in Chinese and English', async () => {
    const result = await caseStatistics(db(), district, { from: '2024-01-01', to: '2024-03-31', by: 'centre' }, deps);
    const csv = exportStatistics(result, 'csv');
    expect(csv.filename).toBe('cases-statistics-centre-2024-01-01-2024-03-31.csv');
    expect([...csv.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvRows = parseCsv(csv.body.subarray(3).toString('utf8'));
    expect(csvRows[0]!.slice(0, 4)).toEqual(['服务中心 Centre', '名称 Name', '申请数 Submitted', '受理数 Accepted']);
    expect(csvRows.slice(1).map((row) => [row[0], row[1], row[2]])).toEqual([
      ['', '网上办理', '2'],
      ['XC1', '东街道社区事务受理服务中心', '4'],
      ['XC2', '西镇社区事务受理服务中心', '5'],
      ['合计 Total', '', '11'],
    ]);
    const xlsx = exportStatistics(result, 'xlsx');
    expect(xlsx.filename.endsWith('.xlsx')).toBe(true);
    const sheet = readXlsx(xlsx.body);
    expect(sheet.map((row) => row.slice(0, 3))).toEqual(
      csvRows.filter((row) => row.length > 1).map((row) => row.slice(0, 3)),
    );
  });
});
