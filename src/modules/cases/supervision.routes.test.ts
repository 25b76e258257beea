import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import { RateLimitedError } from '../../platform/errors.js';
import { readXlsx } from '../../platform/spreadsheets/xlsx-reader.js';
import { upsertOrgUnits } from '../directory/index.js';
import { addTestTally, insertTestCase } from './supervision.fixtures.js';
import { caseSupervisionRoutes } from './supervision.routes.js';

const policy = grantTablePolicy({
  clerk: { 'cases.intake': ['XC1'] },
  handler: { 'cases.handle': ['XD1'] },
  supervisor: { 'cases.supervise': ['XX'] },
});
let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const throttled: string[] = [];
let refuseTracking = false;

async function call(method: 'GET' | 'POST', url: string, options: { staff?: string; body?: unknown } = {}) {
  const response = await platform.app.inject({
    method,
    url: `/api/cases/v1${url}`,
    headers: { 'accept-language': 'en', ...(options.staff ? asStaff(options.staff) : {}) },
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    raw: response.rawPayload,
    json: () => response.json(),
  };
}

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => [
      caseSupervisionRoutes({
        database: runtime.database,
        policy,
        calendar: runtime.calendar,
        followUpDays: 5,
        clock: () => new Date('2024-02-18T04:00:00Z'),
        throttleTracking: async (ip) => {
          throttled.push(ip);
          if (refuseTracking) throw new RateLimitedError('cases.tracking_throttled', 30);
        },
      }),
    ],
  });
  platform.runtime.authenticators.push(testStaffAuthenticator);
  await upsertOrgUnits(db(), smallDistrict());
  await addTestTally(
    db(),
    { day: '2024-02-01' },
    { submitted: 2, completed: 1, completed_on_time: 1, working_days_sum: 3 },
  );
});
afterAll(() => platform.close());

describe('ratings over HTTP', () => {
  it('records a window rating and a poor tracked rating, answered by the department', async () => {
    const window = await insertTestCase(db(), { status: 'completed' });
    const rated = await call('POST', `/cases/${window.id}/rating`, { staff: 'clerk', body: { score: 5 } });
    expect(rated.status).toBe(201);
    expect(rated.json()).toMatchObject({ score: 5, channel: 'window', ratedAt: '2024-02-18T04:00:00.000Z' });

    const tracked = await insertTestCase(db(), { status: 'delivered', idNumber: '11010519900101004X' });
    const wrong = await call('POST', '/track/rating', { body: { number: tracked.number, idTail: '000000', score: 1 } });
    const unknown = await call('POST', '/track/rating', {
      body: { number: 'XC1-20240101-999999', idTail: '01004X', score: 1 },
    });
    expect([wrong.status, unknown.status]).toEqual([404, 404]);
    expect(wrong.json()).toMatchObject({ code: unknown.json().code, detail: unknown.json().detail });
    const poor = await call('POST', '/track/rating', { body: { number: tracked.number, idTail: '01004x', score: 2 } });
    expect(poor.status).toBe(201);
    expect(poor.json()).toMatchObject({ channel: 'online', followUpDueOn: '2024-02-23' });
    expect(throttled).toHaveLength(3);

    const open = await call('GET', '/follow-ups?state=open', { staff: 'handler' });
    expect(open.json()).toMatchObject({ total: 1, items: [{ caseId: tracked.id, overdue: false }] });
    const answer = await call('POST', `/cases/${tracked.id}/rating/answer`, {
      staff: 'handler',
      body: { answer: '已回访' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json().followUpAnswer).toBe('已回访');
  });

  it('refuses the anonymous, the unauthorised and the throttled with problem+json', async () => {
    const c = await insertTestCase(db(), { status: 'completed' });
    const anonymous = await call('POST', `/cases/${c.id}/rating`, { body: { score: 5 } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await call('POST', `/cases/${c.id}/rating`, { staff: 'handler', body: { score: 5 } })).status).toBe(403);
    expect((await call('POST', `/applications/${c.id}/rating`, { staff: 'clerk', body: { score: 5 } })).status).toBe(
      401,
    );
    expect((await call('GET', '/supervision/overview')).status).toBe(401);
    expect((await call('GET', '/statistics', { staff: 'clerk' })).status).toBe(403);
    expect((await call('POST', '/alerts/1/acknowledge', { staff: 'clerk' })).status).toBe(404);
    refuseTracking = true;
    const slow = await call('POST', '/track/rating', {
      body: { number: 'XC1-20240101-000001', idTail: '000000', score: 5 },
    });
    refuseTracking = false;
    expect(slow.status).toBe(429);
    expect(slow.headers['retry-after']).toBe('30');
  });

  it('names the bad fields', async () => {
    const c = await insertTestCase(db(), { status: 'completed' });
    const bad = await call('POST', `/cases/${c.id}/rating`, { staff: 'clerk', body: { score: 'five', extra: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(
      bad
        .json()
        .errors.map((error: { pointer: string }) => error.pointer)
        .sort(),
    ).toEqual(['/body/extra', '/body/score']);
    const range = await call('POST', `/cases/${c.id}/rating`, { staff: 'clerk', body: { score: 9 } });
    expect(range.json()).toMatchObject({
      code: 'cases.rating_invalid',
      errors: [{ pointer: '/score', reason: 'range' }],
    });
    const period = await call('GET', '/statistics?from=2024-13-01', { staff: 'supervisor' });
    expect(period.status).toBe(422);
    expect(period.json().errors).toEqual([{ pointer: '/from', reason: 'date' }]);
    const by = await call('GET', '/supervision/overview?by=item', { staff: 'supervisor' });
    expect(by.status).toBe(422);
    expect(by.json().errors[0].pointer).toMatch(/by$/);
  });
});

describe('supervision and statistics over HTTP', () => {
  it('shows the overview, the warned cases and the alerts', async () => {
    await insertTestCase(db(), { dueOn: '2024-02-19', warnOn: '2024-02-09' });
    const overview = await call('GET', '/supervision/overview?by=department', { staff: 'supervisor' });
    expect(overview.json()).toEqual([{ unitCode: 'XD1', green: 0, yellow: 1, red: 0, paused: 0, total: 1 }]);
    const warned = await call('GET', '/supervision/cases?light=yellow', { staff: 'handler' });
    expect(warned.json()).toMatchObject({ total: 1, items: [{ light: 'yellow', applicantName: '王**' }] });
    expect((await call('GET', '/alerts?state=open', { staff: 'supervisor' })).json()).toMatchObject({ total: 0 });
  });

  it('answers statistics as JSON, CSV and XLSX', async () => {
    const query = 'from=2024-02-01&to=2024-02-29&by=month';
    const json = await call('GET', `/statistics?${query}`, { staff: 'supervisor' });
    expect(json.json()).toMatchObject({ rows: [{ key: '2024-02', submitted: 2, onTimeRate: 1, avgWorkingDays: 3 }] });
    const csv = await call('GET', `/statistics/export?${query}&format=csv`, { staff: 'supervisor' });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="cases-statistics-month-2024-02-01-2024-02-29.csv"',
    );
    expect(csv.raw.subarray(3).toString('utf8')).toContain('月份 Month,名称 Name,申请数 Submitted');
    const xlsx = await call('GET', `/statistics/export?${query}&format=xlsx`, { staff: 'supervisor' });
    expect(readXlsx(xlsx.raw)[1]!.slice(0, 3)).toEqual(['2024-02', '', '2']);
  });
});
