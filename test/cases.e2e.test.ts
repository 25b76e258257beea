/**
 * One-window case handling end to end, over HTTP on the whole platform as it runs, with the demo
 * district, its catalogue, its demo accounts (real sessions, the real access policy) and its exchange:
 * the window clerk of 通衢街道 (C01) takes in an application for 最低生活保障 with an electronic and a
 * paper material; the civil affairs bureau (D08) reviews and decides it; it is completed and handed
 * over; the applicant tracks it by number and id tail and rates it; a citizen applies online; wrong
 * steps are refused with problem+json and change nothing; and the completed case reaches the exchange
 * as a 办件信息 (case-record) message of the one-window system.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDemoAccess } from '../src/demo-access-seed.js';
import { seedDemoExchange } from '../src/demo-exchange-seed.js';
import { grantRole } from '../src/modules/access/index.js';
import { findPersonByStaffNo, seedDemoOrganisation, seedDemoStaff } from '../src/modules/directory/index.js';
import { openSession, registerCitizen, SESSION_COOKIE } from '../src/modules/identity/index.js';
import { seedDemoServices } from '../src/modules/services/index.js';
import { residentIdCheckCharacter } from '../src/platform/identifiers/resident-id.js';
import { createTestPlatform, type TestPlatform } from './support/runtime.js';

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const cookies = new Map<string, string>();
let itemCode: string;

const PASSWORD = 'Spring-rain-2025';
/** 通衢街道中心的窗口, 区民政局的科员和科长, 区府办的监察员, and a clerk of 汇泉街道 (C02). */
const CLERK = 'HT000290';
const HANDLER = 'HT000035';
const APPROVER = 'HT000034';
const SUPERVISOR = 'HT000005';
const OTHER_CLERK = 'HT000291';

function residentId(serial: number): string {
  const first17 = `11010519800101${String(serial).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}
const APPLICANT_ID = residentId(42);

async function call(method: 'GET' | 'POST', url: string, who: string | null, payload?: object) {
  const response = await platform.app.inject({
    method,
    url: `/api/cases/v1${url}`,
    headers: { 'accept-language': 'en', ...(who ? { cookie: cookies.get(who)! } : {}) },
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
}

async function sessionCookie(subjectKind: 'staff' | 'public', subjectId: string): Promise<string> {
  const { token } = await openSession(db(), {
    subjectKind,
    subjectId,
    ip: '10.1.1.1',
    userAgent: 'e2e',
    secondFactor: false,
  });
  return `${SESSION_COOKIE}=${token}`;
}

/** A case's steps and version, to show a refused request changed nothing. */
async function footprint(id: string) {
  const result = await sql<{ version: number; steps: number; status: string }>`
    select c.version, c.status, (select count(*)::int from cases.step s where s.case_id = c.id) as steps
    from cases."case" c where c.id = ${id}`.execute(db());
  return result.rows[0];
}

function application() {
  return {
    itemCode,
    centreCode: 'C01',
    applicant: { kind: 'citizen', name: '赵文静', idNumber: APPLICANT_ID, mobile: '13912345678' },
    form: {
      applicant: { name: '赵文静', idNumber: APPLICANT_ID, phone: '13912345678' },
      householdSize: 3,
      delivery: '窗口领取',
    },
  };
}

beforeAll(async () => {
  // A day the bundled holiday calendar covers, deadlines included, whatever day the suite runs on: a
  // Monday in March 2024, 10:00 in China. Only Date is faked; time moves on from there.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2024-03-04T02:00:00Z'), shouldAdvanceTime: true });
  platform = await createTestPlatform();
  const { database, policy } = platform.runtime;
  await seedDemoOrganisation(database);
  await seedDemoStaff(database);
  await seedDemoServices(db());
  const access = await seedDemoAccess(database, { policy, dataDir: platform.dataDir, password: PASSWORD });
  await seedDemoExchange(database, { secrets: platform.runtime.secrets, credentialsFile: access.credentialsFile });
  const personOf = async (staffNo: string) => (await findPersonByStaffNo(db(), staffNo))!.id;
  await grantRole(
    db(),
    { actor: { type: 'user', id: await personOf('HT000142') } },
    {
      roleCode: 'platform.window_clerk',
      grantee: { kind: 'person', personId: await personOf(OTHER_CLERK) },
      scopeOrgUnitCode: 'C02',
    },
  );
  for (const staffNo of [CLERK, HANDLER, APPROVER, SUPERVISOR, OTHER_CLERK]) {
    cookies.set(staffNo, await sessionCookie('staff', await personOf(staffNo)));
  }
  const citizen = await registerCitizen(
    database,
    { residentId: residentId(43), name: '钱晓红', mobile: '13912345679', password: PASSWORD },
    { ip: null },
  );
  cookies.set('citizen', await sessionCookie('public', citizen.id));
  const items = await platform.app.inject({
    url: `/api/services/v1/items?department=D08&online=true&q=${encodeURIComponent('最低生活保障')}`,
  });
  itemCode = items.json().items[0].code;
}, 300_000);
afterAll(async () => {
  await platform?.close();
  vi.useRealTimers();
});

describe('a window case from intake to delivery', () => {
  let id: string;
  let number: string;
  let version: number;
  const step = async (who: string, action: string, body: object) => {
    const response = await call('POST', `/cases/${id}/${action}`, who, { version, ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    version = response.body.version;
    return response.body;
  };

  it('is taken in at C01 with an electronic and a paper material', async () => {
    const created = await call('POST', '/cases', CLERK, application());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ({ id, number, version } = created.body);
    expect(number).toMatch(/^C01-20240304-\d{6}$/);
    expect(created.body).toMatchObject({ status: 'submitted', departmentCode: 'D08', applicant: { name: '赵文静' } });

    const uploaded = await platform.app.inject({
      method: 'POST',
      url: `/api/cases/v1/cases/${id}/materials?materialIndex=0&filename=${encodeURIComponent('最低生活保障申请表.pdf')}`,
      headers: { cookie: cookies.get(CLERK)!, 'content-type': 'application/pdf' },
      payload: Buffer.from('%PDF-1.7 申请表'),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const paper = await call('POST', `/cases/${id}/materials/paper`, CLERK, {
      materialIndex: 1,
      form: 'original',
      copies: 1,
    });
    expect(paper.status).toBe(201);
    const detail = await call('GET', `/cases/${id}`, CLERK);
    expect(detail.body.materials.map((m: { form: string }) => m.form).sort()).toEqual(['electronic', 'original']);
    expect(detail.body.checklist.slice(0, 2).map((line: { received: boolean }) => line.received)).toEqual([true, true]);
    expect(detail.body.allowedActions).toEqual(expect.arrayContaining(['accept', 'reject']));
  });

  it('refuses approving it before acceptance, and a clerk of C02 acting on it, changing nothing', async () => {
    const before = await footprint(id);
    const early = await call('POST', `/cases/${id}/decide`, APPROVER, {
      version,
      decision: 'granted',
      opinion: '同意',
    });
    expect(early.status).toBe(409);
    expect(early.type).toMatch(/^application\/problem\+json/);
    expect(early.body).toMatchObject({ code: 'cases.wrong_state', status: 409 });
    const foreign = await call('POST', `/cases/${id}/accept`, OTHER_CLERK, { version });
    expect(foreign.status).toBe(403);
    expect(foreign.type).toMatch(/^application\/problem\+json/);
    expect(foreign.body.code).toBe('access.denied');
    expect((await call('GET', `/cases?queue=intake&number=${number}`, OTHER_CLERK)).body.total).toBe(0);
    expect(await footprint(id)).toEqual(before);
  });

  it('is accepted, reviewed, decided, completed and handed over', async () => {
    expect((await step(CLERK, 'accept', { opinion: '材料齐全，予以受理' })).status).toBe('accepted');
    const handling = await call('GET', '/cases?queue=handling&status=accepted', HANDLER);
    expect(handling.body.items.map((c: { number: string }) => c.number)).toContain(number);
    await step(HANDLER, 'advance', { opinion: '经审查符合条件' });
    expect((await step(APPROVER, 'decide', { decision: 'granted', opinion: '准予' })).decision).toBe('granted');
    const completed = await step(HANDLER, 'complete', { resultNumber: 'DB2026-0001' });
    expect(completed).toMatchObject({ status: 'completed', onTime: true, resultNumber: 'DB2026-0001' });
    const delivered = await step(CLERK, 'deliver', { method: 'collected' });
    expect(delivered.status).toBe('delivered');
    expect(delivered.steps.map((s: { action: string }) => s.action)).toEqual([
      'submit',
      'accept',
      'advance',
      'decide',
      'complete',
      'deliver',
    ]);
    const supervised = await call('GET', `/cases/${id}`, SUPERVISOR);
    expect(supervised.body.applicant.name).toBe('赵**');
  });

  it('is tracked by its number and the id tail, the same 404 for a wrong tail or number, and rated', async () => {
    const tail = APPLICANT_ID.slice(-6);
    const tracked = await call('GET', `/track?number=${number}&idTail=${tail}`, null);
    expect(tracked.status).toBe(200);
    expect(tracked.body).toMatchObject({ number, status: 'delivered', decision: 'granted', canRate: true });
    expect(JSON.stringify(tracked.body)).not.toMatch(/赵文静|经审查/);
    const wrongTail = await call('GET', `/track?number=${number}&idTail=000000`, null);
    const unknown = await call('GET', `/track?number=C01-20200101-000001&idTail=${tail}`, null);
    expect([wrongTail.status, unknown.status]).toEqual([404, 404]);
    expect(wrongTail.body.code).toBe(unknown.body.code);
    expect(wrongTail.body.detail).toBe(unknown.body.detail);

    const rated = await call('POST', '/track/rating', null, { number, idTail: tail, score: 5, comment: '办事很快' });
    expect(rated.status, JSON.stringify(rated.body)).toBeLessThan(300);
    expect((await call('GET', `/track?number=${number}&idTail=${tail}`, null)).body.canRate).toBe(false);
  });

  it('reaches the exchange as a case-record message of the one-window system, once', async () => {
    await platform.runtime.events.drain({ timeoutMs: 20_000 });
    const deadline = Date.now() + 15_000;
    const logged = async () =>
      (
        await sql<{ source: string; event_id: string; standard_code: string; data: Record<string, unknown> }>`
          select source, event_id, standard_code, data from exchange.message where event_id = ${number}`.execute(db())
      ).rows;
    while ((await logged()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await logged()).toEqual([
      {
        source: 'zwfw-ycsl',
        event_id: number,
        standard_code: 'case-record',
        data: expect.objectContaining({
          caseNumber: number,
          serviceItemCode: itemCode,
          status: 'completed',
          acceptingUnit: 'C01',
          applicant: expect.objectContaining({ identifier: APPLICANT_ID }),
        }),
      },
    ]);
  });
});

describe('an online application', () => {
  it('is made by a signed-in citizen, listed as theirs and accepted by the department', async () => {
    const applied = await call('POST', '/applications', 'citizen', {
      itemCode,
      form: {
        applicant: { name: '钱晓红', idNumber: residentId(43), phone: '13912345679' },
        householdSize: 2,
        delivery: '邮寄送达',
      },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body).toMatchObject({ channel: 'online', centreCode: null, applicant: { name: '钱晓红' } });
    expect(applied.body.number).toMatch(/^WS-\d{8}-\d{6}$/);
    expect((await call('GET', '/applications', 'citizen')).body.total).toBe(1);
    const accepted = await call('POST', `/cases/${applied.body.id}/accept`, HANDLER, { version: applied.body.version });
    expect(accepted.status).toBe(200);
    const notices = await call('GET', '/notifications', 'citizen');
    expect(notices.body.items.map((n: { kind: string }) => n.kind)).toEqual(['accept', 'submit']);
    expect((await call('GET', `/cases/${applied.body.id}`, CLERK)).status).toBe(403);
  });
});
