import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CaseWorld,
  createCaseWorld,
  newResidentId,
  type StaffName,
  TEST_FORM_DATA,
} from '../../../test/support/case-world.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { asStaff, testStaffAuthenticator } from '../../../test/support/staff-principals.js';
import type { Policy } from '../../platform/authorization.js';
import type { Authenticator } from '../../platform/http/authentication.js';
import { registerCitizen } from '../identity/index.js';
import { caseRoutes } from './case-api.routes.js';
import { trackThrottle } from './track-throttle.js';

const PUBLIC_HEADER = 'x-test-public';
/** A signed-in public account for these tests: the account id from a header. */
const testPublicAuthenticator: Authenticator = async (request) => {
  const id = request.headers[PUBLIC_HEADER];
  return typeof id === 'string' && id !== '' ? { kind: 'public', id, via: 'test' } : null;
};

let platform: TestPlatform;
let world: CaseWorld;
let accountId: string;
const db = () => platform.runtime.database.kysely;
const TRACK_MAX = 5;

type Who = StaffName | { account: string } | null;
async function call(method: 'GET' | 'POST' | 'PUT', url: string, who: Who, body?: unknown) {
  const headers: Record<string, string> =
    who === null ? {} : typeof who === 'string' ? asStaff(world.people[who]) : { [PUBLIC_HEADER]: who.account };
  const response = await platform.app.inject({
    method,
    url: `/api/cases/v1${url}`,
    headers: { 'accept-language': 'en', ...headers },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: response.statusCode, type: response.headers['content-type'], body: response.json() };
}
const pointers = (body: { errors?: Array<{ pointer: string; reason: string }> }) =>
  (body.errors ?? []).map((error) => `${error.pointer} ${error.reason}`).sort();
/** What a refused request must leave as it was: cases, steps, materials, audit entries of cases. */
const written = async () =>
  (
    await sql<{ n: string }>`select (select count(*) from cases."case") + (select count(*) from cases.step)
      + (select count(*) from cases.material) + (select max(version) from cases."case")
      + (select count(*) from platform.audit_log where action like 'cases.%' and outcome = 'success') as n`.execute(
      db(),
    )
  ).rows[0]!.n;

function application(overrides: Record<string, unknown> = {}) {
  return {
    itemCode: world.itemCode,
    centreCode: 'XC1',
    applicant: { kind: 'citizen', name: '王丽娟', idNumber: newResidentId(), mobile: '13912340001' },
    form: TEST_FORM_DATA,
    ...overrides,
  };
}

beforeAll(async () => {
  // The world's grants name people created in the platform's database: the routes ask them through this.
  const policy: Policy = {
    authorize: (...args) => world.deps.policy.authorize(...args),
    assertAllowed: (...args) => world.deps.policy.assertAllowed(...args),
    scopeOf: (...args) => world.deps.policy.scopeOf(...args),
  };
  platform = await createTestPlatform({
    routes: (runtime) => [
      caseRoutes({
        database: runtime.database,
        policy,
        calendar: runtime.calendar,
        blobs: runtime.blobs,
        warnDays: 2,
        followUpDays: 5,
        clock: () => world.deps.clock(),
        throttleTracking: trackThrottle({ max: TRACK_MAX }),
      }),
    ],
  });
  world = await createCaseWorld(db());
  platform.runtime.authenticators.push(testStaffAuthenticator, testPublicAuthenticator);
  const account = await registerCitizen(
    platform.runtime.database,
    { residentId: newResidentId(), name: '李明', mobile: '13912340099', password: 'Spring-rain-2025' },
    { ip: null },
  );
  accountId = account.id;
  world.setToday('2024-03-04');
}, 120_000);
afterAll(async () => {
  await world.close();
  await platform.close();
});

describe('intake at a window', () => {
  it('answers 201 with the case, the applicant whole for the clerk and masked for the supervisor', async () => {
    const input = application();
    const created = await call('POST', '/cases', 'clerk1', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'submitted',
      centreCode: 'XC1',
      applicantWhole: true,
      applicant: { name: '王丽娟', idNumber: input.applicant.idNumber },
      form: TEST_FORM_DATA,
      version: 1,
    });
    expect(created.body.allowedActions).toEqual(expect.arrayContaining(['accept', 'reject']));
    expect(created.body.submittedAt).toMatch(/^2024-03-04T/);

    const supervised = await call('GET', `/cases/${created.body.id}`, 'supervisor');
    expect(supervised.status).toBe(200);
    expect(supervised.body.applicantWhole).toBe(false);
    expect(supervised.body.applicant).toEqual({
      kind: 'citizen',
      name: '王**',
      idNumber: `${input.applicant.idNumber.slice(0, 6)}********${input.applicant.idNumber.slice(14)}`,
      mobile: '139****0001',
    });
    expect(supervised.body.form).toEqual({});
    expect(supervised.body.allowedActions).toEqual([]);

    const queue = await call('GET', '/cases?queue=intake&status=submitted', 'clerk1');
    expect(queue.status).toBe(200);
    expect(queue.body.items.find((c: { id: string }) => c.id === created.body.id)?.applicantName).toBe('王**');
    expect((await call('GET', '/cases?queue=intake', 'clerk2')).body.total).toBe(0);
  });

  it('names every bad field of the body’s shape, and of its meaning, writing nothing', async () => {
    const before = await written();
    const shape = await call('POST', '/cases', 'clerk1', {
      itemCode: { code: 7 },
      applicant: { kind: 'alien', name: '王丽娟', idNumber: 'x', colour: 'red' },
      form: 'none',
      extra: true,
    });
    expect(shape.status).toBe(422);
    expect(shape.type).toMatch(/^application\/problem\+json/);
    expect(pointers(shape.body)).toEqual([
      '/body/applicant/colour additionalProperties',
      '/body/applicant/kind enum',
      '/body/centreCode required',
      '/body/extra additionalProperties',
      '/body/form type',
      '/body/itemCode type',
    ]);
    const meaning = await call(
      'POST',
      '/cases',
      'clerk1',
      application({
        itemCode: 'NOT-AN-ITEM',
        applicant: { kind: 'citizen', name: ' ', idNumber: '110105199001011234', mobile: '12345' },
      }),
    );
    expect(meaning.status).toBe(422);
    expect(meaning.body.code).toBe('cases.invalid');
    expect(pointers(meaning.body)).toEqual([
      '/applicant/idNumber check_digit',
      '/applicant/mobile pattern',
      '/applicant/name required',
      '/itemCode not_found',
    ]);
    expect(await written()).toBe(before);
  });

  it('refuses the anonymous, the public and a clerk of another centre, writing nothing', async () => {
    const before = await written();
    expect((await call('POST', '/cases', null, application())).status).toBe(401);
    expect((await call('POST', '/cases', { account: accountId }, application())).status).toBe(401);
    const other = await call('POST', '/cases', 'clerk2', application());
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('access.denied');
    expect(await written()).toBe(before);
  });
});

describe('steps over HTTP', () => {
  it('names every bad field of each step’s body and changes nothing', async () => {
    const created = (await call('POST', '/cases', 'clerk1', application())).body;
    const before = await written();
    const accept = await call('POST', `/cases/${created.id}/accept`, 'clerk1', { note: 'x' });
    expect(pointers(accept.body)).toEqual(['/body/note additionalProperties', '/body/version required']);
    const reject = await call('POST', `/cases/${created.id}/reject`, 'clerk1', { version: 'one' });
    expect(pointers(reject.body)).toEqual(['/body/reason required', '/body/version type']);
    const decide = await call('POST', `/cases/${created.id}/decide`, 'approver', {
      version: 1,
      decision: 'maybe',
    });
    expect(pointers(decide.body)).toEqual(['/body/decision enum']);
    const supplement = await call('POST', `/cases/${created.id}/supplement`, 'handler', {
      version: 1,
      materialIndexes: ['a'],
    });
    expect(pointers(supplement.body)).toEqual(['/body/materialIndexes/0 type', '/body/reason required']);
    const special = await call('POST', `/cases/${created.id}/special`, 'handler', { version: 1, kind: 'party' });
    expect(pointers(special.body)).toEqual(['/body/kind enum', '/body/reason required']);
    const deliver = await call('POST', `/cases/${created.id}/deliver`, 'clerk1', { version: 1 });
    expect(pointers(deliver.body)).toEqual(['/body/method required']);
    const paper = await call('POST', `/cases/${created.id}/materials/paper`, 'clerk1', { form: 'scan', copies: 'two' });
    expect(pointers(paper.body)).toEqual(['/body/copies type', '/body/form enum']);
    for (const response of [accept, reject, decide, supplement, special, deliver, paper]) {
      expect(response.status).toBe(422);
      expect(response.type).toMatch(/^application\/problem\+json/);
    }
    expect(await written()).toBe(before);
  });

  it('answers a stale version and a wrong state with 409 naming them', async () => {
    const created = (await call('POST', '/cases', 'clerk1', application())).body;
    const stale = await call('POST', `/cases/${created.id}/accept`, 'clerk1', { version: 9 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('cases.version_conflict');
    const early = await call('POST', `/cases/${created.id}/complete`, 'handler', { version: 1 });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'cases.wrong_state', status: 409 });
    expect((await call('GET', `/cases/${created.id}`, 'clerk1')).body.version).toBe(1);
  });

  it('takes a file as the raw body, lists it and gives it back', async () => {
    const created = (await call('POST', '/cases', 'clerk1', application())).body;
    const uploaded = await platform.app.inject({
      method: 'POST',
      url: `/api/cases/v1/cases/${created.id}/materials?materialIndex=0&filename=${encodeURIComponent('申请表.pdf')}`,
      headers: { ...asStaff(world.people.clerk1), 'content-type': 'application/pdf' },
      payload: Buffer.from('%PDF-1.7 test'),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    expect(uploaded.json()).toMatchObject({ form: 'electronic', filename: '申请表.pdf', bytes: 13, materialIndex: 0 });
    const content = await platform.app.inject({
      method: 'GET',
      url: `/api/cases/v1/cases/${created.id}/materials/${uploaded.json().id}/content`,
      headers: asStaff(world.people.handler),
    });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(content.body).toBe('%PDF-1.7 test');
    const paperOnly = await platform.app.inject({
      method: 'POST',
      url: `/api/cases/v1/cases/${created.id}/materials?materialIndex=1&filename=id.jpg&colour=red`,
      headers: { ...asStaff(world.people.clerk1), 'content-type': 'image/jpeg' },
      payload: Buffer.from('jpeg'),
    });
    expect(paperOnly.statusCode).toBe(422);
    expect(pointers(paperOnly.json())).toEqual(['/querystring/colour additionalProperties']);
    const notElectronic = await platform.app.inject({
      method: 'POST',
      url: `/api/cases/v1/cases/${created.id}/materials?materialIndex=1&filename=id.jpg`,
      headers: { ...asStaff(world.people.clerk1), 'content-type': 'image/jpeg' },
      payload: Buffer.from('jpeg'),
    });
    expect(pointers(notElectronic.json())).toEqual(['/materialIndex not_electronic']);
    const detail = await call('GET', `/cases/${created.id}`, 'clerk1');
    expect(detail.body.checklist.map((line: { received: boolean }) => line.received)).toEqual([true, false]);
  });
});

describe('online applications and the applicant’s view', () => {
  it('applies, reads its own case without staff names, and cannot read another’s', async () => {
    const applied = await call(
      'POST',
      '/applications',
      { account: accountId },
      { itemCode: world.itemCode, form: TEST_FORM_DATA },
    );
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ channel: 'online', centreCode: null, applicant: { name: '李明' } });
    expect(applied.body.number).toMatch(/^WS-20240304-\d{6}$/);
    const accepted = await call('POST', `/cases/${applied.body.id}/accept`, 'handler', { version: 1 });
    expect(accepted.status).toBe(200);
    const own = await call('GET', `/applications/${applied.body.id}`, { account: accountId });
    expect(own.body.steps.map((step: { actor: unknown }) => step.actor)).toEqual([
      { type: 'public', id: accountId, name: null },
      null,
    ]);
    const windowCase = (await call('POST', '/cases', 'clerk1', application())).body;
    const foreign = await call('GET', `/applications/${windowCase.id}`, { account: accountId });
    expect(foreign.status).toBe(404);
    expect((await call('GET', '/applications', { account: accountId })).body.total).toBe(1);
    const notices = await call('GET', '/notifications', { account: accountId });
    expect(notices.body.items.map((n: { kind: string }) => n.kind)).toEqual(['accept', 'submit']);
    const read = await call('POST', '/notifications/read', { account: accountId }, { upTo: notices.body.items[0].id });
    expect(read.body.count).toBe(2);
  });

  it('names every bad field of an application and of the paging', async () => {
    const before = await written();
    const shape = await call(
      'POST',
      '/applications',
      { account: accountId },
      { form: [], itemCode: { code: 7 }, centreCode: 'XC1' },
    );
    expect(pointers(shape.body)).toEqual([
      '/body/centreCode additionalProperties',
      '/body/form type',
      '/body/itemCode type',
    ]);
    const meaning = await call(
      'POST',
      '/applications',
      { account: accountId },
      { itemCode: world.itemCode, form: {}, mobile: '12345' },
    );
    expect(meaning.status).toBe(422);
    expect(pointers(meaning.body)).toContain('/mobile pattern');
    const paging = await call('GET', '/applications?limit=0&offset=-1', { account: accountId });
    expect(pointers(paging.body)).toEqual(['/querystring/limit minimum', '/querystring/offset minimum']);
    const read = await call('POST', '/notifications/read', { account: accountId }, { upTo: 'all' });
    expect(pointers(read.body)).toEqual(['/body/upTo type']);
    expect((await call('POST', '/applications', 'clerk1', { itemCode: world.itemCode, form: {} })).status).toBe(401);
    expect(await written()).toBe(before);
  });
});

describe('tracking', () => {
  it('answers the same 404 for a wrong number and a wrong tail, and throttles an address', async () => {
    const input = application();
    const created = (await call('POST', '/cases', 'clerk1', input)).body;
    const tail = input.applicant.idNumber.slice(-6);
    const tracked = await call('GET', `/track?number=${created.number}&idTail=${tail.toLowerCase()}`, null);
    expect(tracked.status).toBe(200);
    expect(tracked.body).toMatchObject({ number: created.number, status: 'submitted', canRate: false });
    expect(JSON.stringify(tracked.body)).not.toContain('王丽娟');
    const wrongTail = await call('GET', `/track?number=${created.number}&idTail=000000`, null);
    const wrongNumber = await call('GET', `/track?number=XC1-20240304-999999&idTail=${tail}`, null);
    expect(wrongTail.status).toBe(404);
    expect(wrongNumber.status).toBe(404);
    expect(wrongTail.body.detail).toBe(wrongNumber.body.detail);
    const missing = await call('GET', '/track?number=x', null);
    expect(pointers(missing.body)).toEqual(['/querystring/idTail required']);
    for (let n = 0; n < TRACK_MAX; n++) await call('GET', `/track?number=${created.number}&idTail=000000`, null);
    const throttled = await platform.app.inject({
      method: 'GET',
      url: `/api/cases/v1/track?number=${created.number}&idTail=${tail}`,
    });
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('routes of stages', () => {
  it('reads the default route and sets another, naming every bad field', async () => {
    const current = await call('GET', `/routes/${world.itemCode}`, 'handler');
    expect(current.body.stages.map((stage: { key: string }) => stage.key)).toEqual(['review', 'decide']);
    const stages = [
      { key: 'review', nameZh: '承办审查', nameEn: 'Review', unitCode: 'XD1', permission: 'cases.handle' },
      { key: 'decide', nameZh: '审批决定', nameEn: 'Decision', unitCode: 'XD1', permission: 'cases.decide' },
    ];
    expect((await call('PUT', `/routes/${world.itemCode}`, 'handler', { stages })).status).toBe(403);
    const set = await call('PUT', `/routes/${world.itemCode}`, 'routeAdmin', { stages: stages.slice(1) });
    expect(set.status).toBe(200);
    expect(set.body.stages).toHaveLength(1);
    const bad = await call('PUT', `/routes/${world.itemCode}`, 'routeAdmin', {
      stages: [{ key: 'review', nameZh: '审查', unitCode: 'XD1', permission: 'cases.handle', colour: 1 }],
    });
    expect(pointers(bad.body)).toEqual([
      '/body/stages/0/colour additionalProperties',
      '/body/stages/0/nameEn required',
    ]);
    const meaning = await call('PUT', `/routes/${world.itemCode}`, 'routeAdmin', {
      stages: [{ key: 'review', nameZh: '审查', nameEn: 'Review', unitCode: 'NOPE', permission: 'cases.handle' }],
    });
    expect(meaning.status).toBe(422);
    expect(meaning.body.code).toBe('cases.invalid');
    expect((await call('GET', '/routes/NOT-AN-ITEM', 'routeAdmin')).status).toBe(404);
  });
});
