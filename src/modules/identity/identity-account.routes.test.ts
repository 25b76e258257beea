import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { ForbiddenError } from '../../platform/errors.js';
import { assignPost, createPerson, upsertOrgUnits } from '../directory/index.js';
import { createStaffAccount } from './account.service.js';
import { identityRoutes } from './identity-account.routes.js';
import { sessionAuthenticator } from './session.authenticator.js';
import { totpCode } from './totp.js';

const PASSWORD = 'Lantern-Festival-2025';
let now = new Date('2026-03-02T01:00:00Z');
const clock = () => now;
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

/** Person id → units where that person administers accounts and sessions. */
const administrators = new Map<string, string[]>();
const policy: Policy = {
  async authorize(_executor, actor, permission, orgUnitCode) {
    const allowed =
      actor.type === 'system' || (orgUnitCode !== null && (administrators.get(actor.id) ?? []).includes(orgUnitCode));
    return { allowed, permission, orgUnitCode, reason: allowed ? 'granted' : 'no_grant', grants: [] };
  },
  async assertAllowed(executor, actor, permission, orgUnitCode) {
    if (!(await this.authorize(executor, actor, permission, orgUnitCode)).allowed) {
      throw new ForbiddenError('access.denied', { permission });
    }
  },
  async scopeOf(_executor, actor) {
    return { everywhere: actor.type === 'system', orgUnitCodes: administrators.get(actor.id) ?? [] };
  },
};

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => {
      runtime.authenticators.push(sessionAuthenticator(runtime.database, { clock }));
      return [
        identityRoutes({
          database: runtime.database,
          secrets: runtime.secrets,
          policy,
          publicUrl: 'https://huitong.example.gov.cn',
          clock,
        }),
      ];
    },
  });
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => platform.close());

async function makeStaff(options: { unit?: string; withAccount?: boolean } = {}) {
  const person = await createPerson(db(), makePerson(), { actor: SYSTEM_ACTOR, policy });
  await assignPost(
    db(),
    person.id,
    { orgUnitCode: options.unit ?? 'XD1', title: '科员' },
    { actor: SYSTEM_ACTOR, policy },
  );
  if (options.withAccount ?? true) {
    await createStaffAccount(db(), SYSTEM_ACTOR, { policy }, { personId: person.id, password: PASSWORD });
  }
  return { person, login: person.staffNo.toLowerCase() };
}

const post = (url: string, payload: unknown, cookie?: string) =>
  platform.app.inject({ method: 'POST', url, payload: payload as object, headers: cookie ? { cookie } : {} });
const get = (url: string, cookie?: string) =>
  platform.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const del = (url: string, cookie?: string, payload?: unknown) =>
  platform.app.inject({
    method: 'DELETE',
    url,
    headers: cookie ? { cookie } : {},
    ...(payload ? { payload: payload as object } : {}),
  });

async function signIn(login: string, extra: Record<string, string> = {}): Promise<string> {
  const response = await post('/api/identity/v1/sign-in', { login, password: PASSWORD, ...extra });
  expect(response.statusCode).toBe(200);
  return cookieOf(response.headers['set-cookie']);
}
function cookieOf(header: string | string[] | number | undefined): string {
  const first = Array.isArray(header) ? header[0]! : String(header);
  return first.split(';')[0]!;
}

describe('POST /api/identity/v1/sign-in', () => {
  it('signs in and sets an HttpOnly, SameSite=Lax, Secure session cookie', async () => {
    const { person, login } = await makeStaff();
    const response = await post('/api/identity/v1/sign-in', { login, password: PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      personId: person.id,
      expiresAt: new Date(now.getTime() + 30 * 60_000).toISOString(),
      secondFactor: false,
    });
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^huitong_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);

    const me = await get('/api/identity/v1/me', cookieOf(setCookie));
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      personId: person.id,
      username: login,
      maskedName: expect.stringMatching(/^测\*+$/),
      secondFactorEnrolled: false,
      session: { current: true, ip: expect.stringMatching(/\*$/) },
    });
  });

  it('answers a wrong password and an unknown login with the same 401 problem', async () => {
    const { login } = await makeStaff();
    const wrong = await post('/api/identity/v1/sign-in', { login, password: 'Wrong-Password-1' });
    const unknown = await post('/api/identity/v1/sign-in', { login: 'nobody-at-all', password: 'Wrong-Password-1' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(wrong.json()).toMatchObject({
      type: '/problems/identity.sign_in_failed',
      code: 'identity.sign_in_failed',
      title: '登录失败',
      status: 401,
    });
  });

  it('throttles with 429 and Retry-After after three failures', async () => {
    const { login } = await makeStaff();
    for (let i = 0; i < 3; i += 1) await post('/api/identity/v1/sign-in', { login, password: 'Wrong-Password-1' });
    const response = await post('/api/identity/v1/sign-in', { login, password: PASSWORD });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({
      code: 'identity.sign_in_throttled',
      detail: '登录失败次数较多，请 1 秒后再试。',
    });
    later(1000);
  });

  it('lists every missing field, and refuses bodies that are not JSON (CSRF)', async () => {
    const invalid = await post('/api/identity/v1/sign-in', {});
    expect(invalid.statusCode).toBe(422);
    expect(
      invalid
        .json()
        .errors.map((error: { pointer: string }) => error.pointer)
        .sort(),
    ).toEqual(['/body/login', '/body/password']);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await platform.app.inject({
        method: 'POST',
        url: '/api/identity/v1/sign-in',
        headers: { 'content-type': contentType },
        payload: 'login=a&password=b',
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ code: 'http.unsupported_media_type' });
    }
  });
});

describe('two-step verification over HTTP', () => {
  it('enrols, then asks for the code with a 401 pointing at /totpCode, then signs in with it', async () => {
    const { login } = await makeStaff();
    const cookie = await signIn(login);
    const begun = await post('/api/identity/v1/me/totp', undefined, cookie);
    expect(begun.statusCode).toBe(201);
    const { secret, uri } = begun.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const wrong = await post('/api/identity/v1/me/totp/confirm', { code: '000000' }, cookie);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({
      code: 'identity.totp_code_wrong',
      errors: [{ pointer: '/code', reason: 'wrong' }],
    });
    const confirmed = await post('/api/identity/v1/me/totp/confirm', { code: totpCode(secret, { at: now }) }, cookie);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().recoveryCodes).toHaveLength(10);
    later(30_000);

    const asked = await post('/api/identity/v1/sign-in', { login, password: PASSWORD });
    expect(asked.statusCode).toBe(401);
    expect(asked.json()).toMatchObject({
      code: 'identity.second_factor_required',
      errors: [{ pointer: '/totpCode', reason: 'required' }],
    });
    expect(asked.headers['set-cookie']).toBeUndefined();
    const withCode = await post('/api/identity/v1/sign-in', {
      login,
      password: PASSWORD,
      totpCode: totpCode(secret, { at: now }),
    });
    expect(withCode.statusCode).toBe(200);
    expect(withCode.json()).toMatchObject({ secondFactor: true });

    const fresh = await post('/api/identity/v1/me/recovery-codes', { password: PASSWORD }, cookie);
    expect(fresh.statusCode).toBe(200);
    const off = await del('/api/identity/v1/me/totp', cookie, { password: 'nope' });
    expect(off.statusCode).toBe(422);
    expect((await del('/api/identity/v1/me/totp', cookie, { password: PASSWORD })).statusCode).toBe(204);
    expect((await get('/api/identity/v1/me', cookie)).json()).toMatchObject({ secondFactorEnrolled: false });
  });
});

describe('sessions over HTTP', () => {
  it('lists my sessions, ends one, signs out, and signs out everywhere', async () => {
    const { login } = await makeStaff();
    const first = await signIn(login);
    const second = await signIn(login);
    const third = await signIn(login);
    const listed = await get('/api/identity/v1/sessions', first);
    expect(listed.statusCode).toBe(200);
    const items = listed.json().items as Array<{ id: string; current: boolean }>;
    expect(items).toHaveLength(3);
    expect(items.filter((item) => item.current)).toHaveLength(1);

    const secondId = ((await get('/api/identity/v1/me', second)).json().session as { id: string }).id;
    expect((await del(`/api/identity/v1/sessions/${secondId}`, first)).statusCode).toBe(204);
    expect((await get('/api/identity/v1/me', second)).statusCode).toBe(401);
    expect((await del(`/api/identity/v1/sessions/${secondId}`, first)).statusCode).toBe(404);

    const signOut = await post('/api/identity/v1/sign-out', undefined, third);
    expect(signOut.statusCode).toBe(204);
    expect(String(signOut.headers['set-cookie'])).toContain(
      'huitong_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
    );
    expect((await get('/api/identity/v1/me', third)).statusCode).toBe(401);

    const fourth = await signIn(login);
    const everywhere = await post('/api/identity/v1/sign-out-everywhere', undefined, first);
    expect(everywhere.json()).toEqual({ sessionsEnded: 2 });
    expect((await get('/api/identity/v1/me', first)).statusCode).toBe(401);
    expect((await get('/api/identity/v1/me', fourth)).statusCode).toBe(401);
  });

  it('answers 401 without a session, and ends a session after 30 idle minutes', async () => {
    const unauthenticated = await get('/api/identity/v1/sessions');
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json()).toMatchObject({ code: 'auth.unauthenticated' });
    const { login } = await makeStaff();
    const cookie = await signIn(login);
    later(31 * 60_000);
    expect((await get('/api/identity/v1/me', cookie)).statusCode).toBe(401);
  });

  it('changes the password and keeps only the current session', async () => {
    const { login } = await makeStaff();
    const current = await signIn(login);
    const other = await signIn(login);
    const weak = await post(
      '/api/identity/v1/me/password',
      { currentPassword: PASSWORD, newPassword: 'short' },
      current,
    );
    expect(weak.statusCode).toBe(422);
    expect(weak.json()).toMatchObject({ code: 'identity.password_weak' });
    const changed = await post(
      '/api/identity/v1/me/password',
      { currentPassword: PASSWORD, newPassword: 'Dragon-Boat-Race-2026' },
      current,
    );
    expect(changed.json()).toEqual({ sessionsEnded: 1 });
    expect((await get('/api/identity/v1/me', current)).statusCode).toBe(200);
    expect((await get('/api/identity/v1/me', other)).statusCode).toBe(401);
  });
});

describe('administrator routes', () => {
  it('opens an account, lists and ends a colleague’s sessions, and unlocks, within the administrator’s unit only', async () => {
    const { person: admin, login: adminLogin } = await makeStaff();
    administrators.set(admin.id, ['XD1']);
    const adminCookie = await signIn(adminLogin);
    const { person: colleague } = await makeStaff({ withAccount: false });
    const { person: elsewhere } = await makeStaff({ unit: 'XD2' });

    const created = await post(`/api/identity/v1/people/${colleague.id}/account`, { password: PASSWORD }, adminCookie);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ accountId: expect.any(String) });
    const again = await post(`/api/identity/v1/people/${colleague.id}/account`, { password: PASSWORD }, adminCookie);
    expect(again.statusCode).toBe(409);
    const weak = await post(
      `/api/identity/v1/people/${elsewhere.id}/account`,
      { username: '!', password: 'x' },
      adminCookie,
    );
    expect(weak.statusCode).toBe(403);

    const colleagueCookie = await signIn(colleague.staffNo.toLowerCase());
    const listed = await get(`/api/identity/v1/people/${colleague.id}/sessions`, adminCookie);
    expect(listed.statusCode).toBe(200);
    const [session] = listed.json().items as Array<{ id: string; current: boolean }>;
    expect(session).toMatchObject({ current: false });
    expect((await get(`/api/identity/v1/people/${elsewhere.id}/sessions`, adminCookie)).statusCode).toBe(403);
    // A session named under the wrong person is not found; the right person out of scope is forbidden.
    expect((await del(`/api/identity/v1/people/${elsewhere.id}/sessions/${session!.id}`, adminCookie)).statusCode).toBe(
      404,
    );
    const elsewhereCookie = await signIn(elsewhere.staffNo.toLowerCase());
    const elsewhereSession = ((await get('/api/identity/v1/me', elsewhereCookie)).json().session as { id: string }).id;
    expect(
      (await del(`/api/identity/v1/people/${elsewhere.id}/sessions/${elsewhereSession}`, adminCookie)).statusCode,
    ).toBe(403);
    expect((await del(`/api/identity/v1/people/${colleague.id}/sessions/${session!.id}`, adminCookie)).statusCode).toBe(
      204,
    );
    expect((await get('/api/identity/v1/me', colleagueCookie)).statusCode).toBe(401);
    expect((await del(`/api/identity/v1/people/${colleague.id}/sessions`, adminCookie)).json()).toEqual({
      sessionsEnded: 0,
    });

    for (let i = 0; i < 10; i += 1) {
      await post('/api/identity/v1/sign-in', { login: colleague.staffNo.toLowerCase(), password: 'Wrong-Password-1' });
      later(61_000);
    }
    expect(
      (await post('/api/identity/v1/sign-in', { login: colleague.staffNo.toLowerCase(), password: PASSWORD }))
        .statusCode,
    ).toBe(401);
    expect(
      (await post(`/api/identity/v1/people/${elsewhere.id}/account/unlock`, undefined, adminCookie)).statusCode,
    ).toBe(403);
    expect(
      (await post(`/api/identity/v1/people/${colleague.id}/account/unlock`, undefined, adminCookie)).statusCode,
    ).toBe(204);
    await signIn(colleague.staffNo.toLowerCase());
  });

  it('describes every route in OpenAPI with Chinese and English', async () => {
    const spec = (await get('/docs/json')).json() as {
      paths: Record<string, Record<string, { summary: string; description: string }>>;
    };
    const identityPaths = Object.entries(spec.paths).filter(([path]) => path.startsWith('/api/identity/v1/'));
    expect(identityPaths.length).toBeGreaterThanOrEqual(13);
    for (const [, operations] of identityPaths) {
      for (const operation of Object.values(operations)) {
        expect(operation.summary).toMatch(/\p{Script=Han}/u);
        expect(operation.description).toMatch(/\p{Script=Han}[\s\S]*\n\n[A-Z]/u);
      }
    }
  });
});
