/**
 * Over HTTP on the real runtime, with the real clock set to a late-December day (only Date is faked,
 * and time moves on from there): a case is accepted although its deadlines run past the bundled
 * calendar's last year, with its deadlines marked provisional in the API and on the tracking view.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { seedDemoAccess } from '../../demo-access-seed.js';
import { residentIdCheckCharacter } from '../../platform/identifiers/resident-id.js';
import { findPersonByStaffNo, seedDemoOrganisation, seedDemoStaff } from '../directory/index.js';
import { openSession, SESSION_COOKIE } from '../identity/index.js';
import { seedDemoServices } from '../services/index.js';

let platform: TestPlatform;
let cookie: string;
let itemCode: string;
const CLERK = 'HT000290';
const first17 = '11010519800101077';
const APPLICANT_ID = first17 + residentIdCheckCharacter(first17);

async function call(method: 'GET' | 'POST', url: string, payload?: object) {
  const response = await platform.app.inject({
    method,
    url: `/api/cases/v1${url}`,
    headers: { 'accept-language': 'en', cookie },
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.json() };
}

beforeAll(async () => {
  // Monday 2026-12-21, 10:00 in China: the bundled calendar ends with 2026.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-21T02:00:00Z'), shouldAdvanceTime: true });
  platform = await createTestPlatform();
  const { database, policy } = platform.runtime;
  await seedDemoOrganisation(database);
  await seedDemoStaff(database);
  await seedDemoServices(database.kysely);
  await seedDemoAccess(database, { policy, dataDir: platform.dataDir, password: 'Spring-rain-2025' });
  const clerk = (await findPersonByStaffNo(database.kysely, CLERK))!;
  const { token } = await openSession(database.kysely, {
    subjectKind: 'staff',
    subjectId: clerk.id,
    ip: '10.1.1.1',
    userAgent: 'provisional',
    secondFactor: false,
  });
  cookie = `${SESSION_COOKIE}=${token}`;
  const items = await platform.app.inject({
    url: `/api/services/v1/items?department=D08&online=true&q=${encodeURIComponent('最低生活保障')}`,
  });
  itemCode = items.json().items[0].code;
}, 300_000);
afterAll(async () => {
  await platform?.close();
  vi.useRealTimers();
});

describe('accepting a case near the end of the calendar’s last year', () => {
  it('accepts it with provisional deadlines counted Monday–Friday into the next year', async () => {
    const created = await call('POST', '/cases', {
      itemCode,
      centreCode: 'C01',
      applicant: { kind: 'citizen', name: '赵文静', idNumber: APPLICANT_ID, mobile: '13912345678' },
      form: {
        applicant: { name: '赵文静', idNumber: APPLICANT_ID, phone: '13912345678' },
        householdSize: 3,
        delivery: '窗口领取',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const accepted = await call('POST', `/cases/${created.body.id}/accept`, { version: created.body.version });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', acceptedOn: '2026-12-21', deadlineProvisional: true });
    expect(accepted.body.statutoryDueOn > '2026-12-31').toBe(true);

    const listed = await call('GET', `/cases?number=${accepted.body.number}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: accepted.body.id, deadlineProvisional: true })]);
    const tracked = await platform.app.inject({
      url: `/api/cases/v1/track?number=${accepted.body.number}&idTail=${APPLICANT_ID.slice(-6)}`,
    });
    expect(tracked.statusCode, tracked.body).toBe(200);
    expect(tracked.json()).toMatchObject({
      dueOn: accepted.body.dueOn,
      // The applicant is told only when the due day itself lies past the calendar.
      deadlineProvisional: accepted.body.dueOn > '2026-12-31',
    });
  });
});
