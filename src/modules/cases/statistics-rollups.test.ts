import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseWorld, createCaseWorld, newResidentId, TEST_FORM_DATA } from '../../../test/support/case-world.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import type { CaseDetail } from './case.js';
import { takeIn } from './case.service.js';
import { act } from './case-transition.service.js';
import { rateCase } from './rating.service.js';
import { monthlyTableFor } from './statistics.repository.js';
import { caseStatistics, type StatisticsBy, type StatisticsQuery } from './statistics.service.js';
import { addTestTally } from './supervision.fixtures.js';

let test: TestDatabase;
let world: CaseWorld;
const db = () => test.database.kysely;

beforeAll(async () => {
  test = await createTestDatabase();
  world = await createCaseWorld(db());
});
afterAll(async () => {
  await world.close();
  await test.drop();
});

const COUNTS = sql`sum(submitted)::int as submitted, sum(accepted)::int as accepted, sum(rejected)::int as rejected,
  sum(completed)::int as completed, sum(completed_on_time)::int as completed_on_time,
  sum(working_days_sum)::int as working_days_sum, sum(granted)::int as granted, sum(refused)::int as refused,
  sum(withdrawn)::int as withdrawn, sum(ratings)::int as ratings, sum(rating_sum)::int as rating_sum,
  sum(poor_ratings)::int as poor_ratings`;

/** Each monthly table summed by its own key, and daily_tally summed by the same key. */
async function rollUpAndDaily(table: string, keys: string[]) {
  const columns = sql.join(keys.map((key) => sql.ref(key)));
  const daily = sql.join(
    keys.map((key) => (key === 'month' ? sql`date_trunc('month', day)::date as month` : sql.ref(key))),
  );
  const monthly = await sql`select ${columns}, ${COUNTS} from ${sql.table(table)}
    group by ${columns} order by ${columns}`.execute(db());
  const fromDaily = await sql`select ${daily}, ${COUNTS} from cases.daily_tally
    group by ${columns} order by ${columns}`.execute(db());
  return { monthly: monthly.rows, daily: fromDaily.rows };
}

async function application(centreCode: 'XC1' | 'XC2', day: string): Promise<CaseDetail> {
  world.setToday(day);
  return takeIn(
    db(),
    world.actor(centreCode === 'XC2' ? 'clerk2' : 'clerk1'),
    {
      itemCode: world.itemCode,
      centreCode,
      applicant: { kind: 'citizen', name: '王丽娟', idNumber: newResidentId(), mobile: '13912340001' },
      form: TEST_FORM_DATA,
    },
    world.deps,
  );
}

/** Accepts, decides and completes a case on the given days; the clerk of its centre accepts it. */
async function throughToCompletion(c: CaseDetail, clerk: 'clerk1' | 'clerk2', days: [string, string, string]) {
  world.setToday(days[0]);
  let d = await act(db(), world.as(clerk), c.id, 'accept', { version: c.version }, world.deps);
  world.setToday(days[1]);
  d = await act(db(), world.as('handler'), d.id, 'advance', { version: d.version, opinion: '材料齐全' }, world.deps);
  const decision = days[1] < '2024-03-01' ? 'granted' : 'refused';
  d = await act(
    db(),
    world.as('approver'),
    d.id,
    'decide',
    { version: d.version, decision, opinion: '可' },
    world.deps,
  );
  world.setToday(days[2]);
  return act(db(), world.as('handler'), d.id, 'complete', { version: d.version }, world.deps);
}

describe('monthly roll-ups', () => {
  it('keep all three monthly tables equal to the daily tally through transitions and ratings', async () => {
    // Events straddle month ends, two centres and one more unit, so every table gets rows and updates.
    const first = await throughToCompletion(await application('XC1', '2024-01-31'), 'clerk1', [
      '2024-01-31',
      '2024-02-01',
      '2024-02-02',
    ]);
    world.setToday('2024-02-29');
    await rateCase(db(), world.as('clerk1'), first.id, { score: 5 }, { ...world.deps, followUpDays: 5 });
    const second = await throughToCompletion(await application('XC2', '2024-02-28'), 'clerk2', [
      '2024-02-29',
      '2024-03-01',
      '2024-03-04',
    ]);
    world.setToday('2024-03-05');
    await rateCase(
      db(),
      world.as('clerk2'),
      second.id,
      { score: 1, comment: '等太久' },
      { ...world.deps, followUpDays: 5 },
    );
    const rejected = await application('XC1', '2024-03-05');
    await act(
      db(),
      world.as('clerk1'),
      rejected.id,
      'reject',
      { version: rejected.version, reason: '材料不齐' },
      world.deps,
    );
    const withdrawn = await application('XC2', '2024-03-29');
    world.setToday('2024-04-01');
    const accepted = await act(db(), world.as('clerk2'), withdrawn.id, 'accept', { version: 1 }, world.deps);
    await act(
      db(),
      world.as('clerk2'),
      accepted.id,
      'withdraw',
      { version: accepted.version, reason: '申请人撤回' },
      world.deps,
    );
    await addTestTally(
      db(),
      { day: '2024-04-02', centreCode: '', departmentCode: 'XD2', itemCode: 'ITEM-9' },
      { submitted: 2 },
    );

    const full = await rollUpAndDaily('cases.monthly_tally', ['month', 'centre_code', 'department_code', 'item_code']);
    expect(full.monthly).toEqual(full.daily);
    const units = await rollUpAndDaily('cases.monthly_unit_tally', ['month', 'centre_code', 'department_code']);
    expect(units.monthly).toEqual(units.daily);
    const items = await rollUpAndDaily('cases.monthly_item_tally', ['month', 'department_code', 'item_code']);
    expect(items.monthly).toEqual(items.daily);
    // The mix spread over months and centres and reached every counter.
    expect(units.daily.length).toBeGreaterThanOrEqual(5);
    const { rows } = await sql<Record<string, number>>`select ${COUNTS} from cases.daily_tally`.execute(db());
    for (const [name, total] of Object.entries(rows[0]!)) expect([name, total > 0]).toEqual([name, true]);
  });
});

describe('choosing the roll-up', () => {
  const district = { type: 'user' as const, id: 'district' };
  const policy = grantTablePolicy({ district: { 'cases.supervise': ['XX'] } });
  const deps = () => ({ ...world.deps, policy });
  // Three years cut mid-month at both ends, with events just outside, inside and in the cut months.
  const FROM = '2023-11-15';
  const TO = '2026-11-14';

  beforeAll(async () => {
    const keys = [
      { centreCode: 'XC1', departmentCode: 'XD1', itemCode: 'ITEM-1' },
      { centreCode: 'XC2', departmentCode: 'XD1', itemCode: 'ITEM-1' },
      { centreCode: 'XC2', departmentCode: 'XD2', itemCode: 'ITEM-2' },
      { centreCode: '', departmentCode: 'XD2', itemCode: 'ITEM-3' },
    ];
    const days = ['2023-11-14', '2023-11-15', '2023-12-01', '2024-06-30', '2025-02-10', '2026-11-01', '2026-11-14'];
    for (const [index, day] of [...days, '2026-11-15'].entries()) {
      for (const [offset, key] of keys.entries()) {
        const n = index + offset + 1;
        await addTestTally(db(), { day, ...key }, { submitted: n, accepted: n - 1, completed: offset, ratings: 1 });
        await addTestTally(
          db(),
          { day, ...key },
          { completed_on_time: offset, working_days_sum: 3 * n, rating_sum: n % 5 },
        );
      }
    }
  });

  /** The same question summed straight over daily_tally, as the figures the service gives. */
  async function straightSums(by: StatisticsBy, filter: { centre?: string; department?: string }) {
    const key = by === 'month' ? sql`to_char(day, 'YYYY-MM')` : sql.ref(`${by}_code`);
    const { rows } = await sql<Record<string, string | number>>`select ${key} as key, ${COUNTS}
        from cases.daily_tally
       where day between ${FROM}::date and ${TO}::date
         and (${filter.centre ?? null}::text is null or centre_code = ${filter.centre ?? null})
         and (${filter.department ?? null}::text is null or department_code = ${filter.department ?? null})
       group by 1 order by 1`.execute(db());
    return rows.map((row) => [row.key, row.submitted, row.accepted, row.completed, row.completed_on_time, row.ratings]);
  }

  async function answered(query: StatisticsQuery) {
    const result = await caseStatistics(db(), district, { from: FROM, to: TO, ...query }, deps());
    return result.rows.map((row) => [row.key, row.submitted, row.accepted, row.completed, row.onTime, row.ratings]);
  }

  it('reads items without a centre from the table per department and item', async () => {
    expect(monthlyTableFor({ by: 'item', cut: { everywhere: true } })).toBe('cases.monthly_item_tally');
    const expected = await straightSums('item', {});
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(await answered({ by: 'item' })).toEqual(expected);
    expect(await answered({ by: 'item', department: 'XD2' })).toEqual(
      await straightSums('item', { department: 'XD2' }),
    );
  });

  it('reads items at a centre, or under a cut that may name centres, from the full monthly table', async () => {
    expect(monthlyTableFor({ by: 'item', cut: { everywhere: true }, centre: 'XC2' })).toBe('cases.monthly_tally');
    expect(monthlyTableFor({ by: 'item', cut: { everywhere: false, units: ['XC2'] } })).toBe('cases.monthly_tally');
    const expected = await straightSums('item', { centre: 'XC2' });
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(await answered({ by: 'item', centre: 'XC2' })).toEqual(expected);
  });

  it('reads departments, centres and months from the table per unit', async () => {
    for (const by of ['department', 'centre', 'month'] as const) {
      expect(monthlyTableFor({ by, cut: { everywhere: false, units: ['XD1'] } })).toBe('cases.monthly_unit_tally');
    }
    const expected = await straightSums('department', {});
    expect(expected.map((row) => row[0])).toEqual(['XD1', 'XD2']);
    expect(await answered({ by: 'department' })).toEqual(expected);
    expect(await answered({ by: 'department', centre: 'XC2' })).toEqual(
      await straightSums('department', { centre: 'XC2' }),
    );
    expect(await answered({ by: 'centre', department: 'XD1' })).toEqual(
      await straightSums('centre', { department: 'XD1' }),
    );
    expect(await answered({ by: 'month' })).toEqual(await straightSums('month', {}));
  });
});
