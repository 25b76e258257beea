import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { upsertOrgUnits } from '../directory/index.js';
import { acknowledgeAlert, listAlerts, sweepDeadlines } from './alert.service.js';
import { insertTestCase } from './supervision.fixtures.js';
import { listWarnedCases, supervisionOverview } from './supervision.service.js';

let test: TestDatabase;
const db = () => test.database.kysely;
const policy = grantTablePolicy({
  district: { 'cases.supervise': ['XX'] },
  'sup-d1': { 'cases.supervise': ['XD1'] },
  'sup-east': { 'cases.supervise': ['XT1'] },
  'handler-d2': { 'cases.handle': ['XD2'] },
});
const user = (id: string) => ({ type: 'user' as const, id });
let today = '2024-02-18';
const deps = { policy, clock: () => new Date(`${today}T04:00:00Z`) };

// Spring Festival 2024: 02-10..17 off, Sunday 02-18 worked. Due 02-19, warned from 02-09.
const cases: Record<string, { id: string; number: string }> = {};

beforeAll(async () => {
  test = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  cases.festival = await insertTestCase(db(), { dueOn: '2024-02-19', warnOn: '2024-02-09', applicantName: '王丽娟' });
  cases.later = await insertTestCase(db(), {
    dueOn: '2024-02-28',
    warnOn: '2024-02-26',
    departmentCode: 'XD2',
    centreCode: 'XC2',
  });
  cases.overdue = await insertTestCase(db(), {
    status: 'decided',
    dueOn: '2024-02-08',
    warnOn: '2024-02-06',
    centreCode: null,
  });
  cases.paused = await insertTestCase(db(), { status: 'supplement', dueOn: '2024-02-08', warnOn: '2024-02-06' });
  cases.closed = await insertTestCase(db(), { status: 'delivered', dueOn: '2024-02-08', warnOn: '2024-02-06' });
});
afterAll(() => test.drop());

describe('lights', () => {
  it('counts the cases in handling per department and centre on a given day', async () => {
    today = '2024-02-18';
    expect(await supervisionOverview(db(), user('district'), { by: 'department' }, deps)).toEqual([
      { unitCode: 'XD1', green: 0, yellow: 1, red: 1, paused: 1, total: 3 },
      { unitCode: 'XD2', green: 1, yellow: 0, red: 0, paused: 0, total: 1 },
    ]);
    expect(await supervisionOverview(db(), user('district'), { by: 'centre' }, deps)).toEqual([
      { unitCode: '', green: 0, yellow: 0, red: 1, paused: 0, total: 1 },
      { unitCode: 'XC1', green: 0, yellow: 1, red: 0, paused: 1, total: 2 },
      { unitCode: 'XC2', green: 1, yellow: 0, red: 0, paused: 0, total: 1 },
    ]);
    today = '2024-02-08';
    const before = await supervisionOverview(db(), user('district'), { by: 'department' }, deps);
    expect(before.find((row) => row.unitCode === 'XD1')).toMatchObject({ green: 1, yellow: 1, red: 0 });
    today = '2024-02-20';
    const after = await supervisionOverview(db(), user('district'), { by: 'department' }, deps);
    expect(after.find((row) => row.unitCode === 'XD1')).toMatchObject({ green: 0, yellow: 0, red: 2 });
  });

  it('lists the warned and overdue cases, longest overdue first, names masked', async () => {
    today = '2024-02-18';
    const page = await listWarnedCases(db(), user('district'), {}, deps);
    expect(page.items.map((item) => [item.number, item.light])).toEqual([
      [cases.overdue!.number, 'red'],
      [cases.festival!.number, 'yellow'],
    ]);
    expect(page.items[1]).toMatchObject({ applicantName: '王**', stageNameZh: '承办审查', dueOn: '2024-02-19' });
    expect((await listWarnedCases(db(), user('district'), { light: 'red' }, deps)).total).toBe(1);
  });

  it('cuts every view to the scope: a department supervisor, a town supervisor, a department handler', async () => {
    today = '2024-02-18';
    const d1 = await supervisionOverview(db(), user('sup-d1'), { by: 'department' }, deps);
    expect(d1.map((row) => row.unitCode)).toEqual(['XD1']);
    // XT1's supervisor reaches centre XC1 under it: the cases taken in there, of any department.
    const east = await supervisionOverview(db(), user('sup-east'), { by: 'centre' }, deps);
    expect(east.map((row) => row.unitCode)).toEqual(['XC1']);
    const handler = await listWarnedCases(db(), user('handler-d2'), {}, deps);
    expect(handler.total).toBe(0);
    await expect(supervisionOverview(db(), user('nobody'), {}, deps)).rejects.toMatchObject({ code: 'access.denied' });
  });

  it('names the bad query field', async () => {
    await expect(supervisionOverview(db(), user('district'), { by: 'item' }, deps)).rejects.toMatchObject({
      code: 'cases.query_invalid',
      fields: [{ pointer: '/by', reason: 'one_of' }],
    });
    await expect(listWarnedCases(db(), user('district'), { light: 'green', limit: 0 }, deps)).rejects.toMatchObject({
      fields: [
        { pointer: '/light', reason: 'one_of' },
        { pointer: '/limit', reason: 'range' },
      ],
    });
  });
});

describe('the deadline sweep', () => {
  const alertsOf = async () =>
    (
      await sql<{ case_id: string; level: string }>`select case_id, level from cases.alert order by id`.execute(db())
    ).rows.map((row) => `${Object.keys(cases).find((name) => cases[name]!.id === row.case_id)} ${row.level}`);

  it('raises each alert once per case and level, in batches, and only for running cases', async () => {
    today = '2024-02-18';
    const progress: Array<[number, number]> = [];
    const first = await sweepDeadlines(db(), {
      ...deps,
      batchSize: 1,
      onProgress: (raised, due) => progress.push([raised, due]),
    });
    expect(first).toEqual({ today: '2024-02-18', yellow: 1, red: 1 });
    expect(progress.at(0)).toEqual([0, 2]);
    expect(progress.at(-1)).toEqual([2, 2]);
    expect(await alertsOf()).toEqual(['overdue red', 'festival yellow']);
    expect(await sweepDeadlines(db(), deps)).toEqual({ today: '2024-02-18', yellow: 0, red: 0 });
    today = '2024-02-20';
    expect(await sweepDeadlines(db(), deps)).toEqual({ today: '2024-02-20', yellow: 0, red: 1 });
    expect(await alertsOf()).toEqual(['overdue red', 'festival yellow', 'festival red']);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from platform.audit_log
      where action = 'cases.alert.raise'`.execute(db());
    expect(rows[0]!.n).toBe(3);
  });

  it('lists alerts in scope and lets the department or a supervisor acknowledge them once', async () => {
    const open = await listAlerts(db(), user('district'), {}, deps);
    expect(open.items.map((alert) => alert.level)).toEqual(['red', 'red', 'yellow']);
    expect((await listAlerts(db(), user('handler-d2'), {}, deps)).total).toBe(0);
    const alert = open.items.find((item) => item.caseId === cases.festival!.id && item.level === 'red')!;
    await expect(acknowledgeAlert(db(), user('handler-d2'), alert.id, deps)).rejects.toMatchObject({
      code: 'access.denied',
    });
    const done = await acknowledgeAlert(db(), user('sup-east'), alert.id, deps);
    expect(done).toMatchObject({ acknowledgedBy: 'sup-east', dueOn: '2024-02-19' });
    await expect(acknowledgeAlert(db(), user('district'), alert.id, deps)).rejects.toMatchObject({
      code: 'cases.alert_acknowledged',
    });
    await expect(acknowledgeAlert(db(), user('district'), 999_999, deps)).rejects.toMatchObject({
      code: 'cases.alert_not_found',
    });
    const acknowledged = await listAlerts(db(), user('district'), { state: 'acknowledged' }, deps);
    expect(acknowledged.items.map((item) => item.id)).toEqual([alert.id]);
  });
});
