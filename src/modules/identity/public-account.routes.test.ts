import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { residentIdCheckCharacter } from '../../platform/identifiers/resident-id.js';
import { PUBLIC_API_PREFIX, publicAccountRoutes } from './public-account.routes.js';
import { sessionAuthenticator } from './session.authenticator.js';
import { openSession } from './session.service.js';

const PASSWORD = 'Spring-rain-2025';
let sequence = 0;
function newResidentId(): string {
  sequence += 1;
  const first17 = `32010219850715${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}
const newMobile = () => {
  sequence += 1;
  return `1581234${String(sequence).padStart(4, '0')}`;
};

/** A staff-only route, as the staff API's are: what a public session must not reach. */
const staffOnlyRoute: FastifyPluginAsync = async (app) => {
  app.get('/test/staff-only', async (request) => ({ id: requirePrincipal(request, ['staff']).id }));
};

let platform: TestPlatform;

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => [
      publicAccountRoutes({
        database: runtime.database,
        secureCookie: true,
        registrationLimit: { max: 1000, windowMs: 60_000 },
      }),
      staffOnlyRoute,
    ],
  });
  platform.runtime.authenticators.push(sessionAuthenticator(platform.runtime.database));
  await platform.app.ready();
});
afterAll(() => platform.close());

const post = (path: string, payload: unknown, headers: Record<string, string> = {}) =>
  platform.app.inject({ method: 'POST', url: `${PUBLIC_API_PREFIX}${path}`, payload: payload as object, headers });

async function registeredCitizen() {
  const body = { residentId: newResidentId(), name: '张三丰', mobile: newMobile(), password: PASSWORD };
  const response = await post('/registrations/citizen', body);
  expect(response.statusCode).toBe(201);
  return { body, id: response.json().id as string };
}

async function signedIn(login: string, kind = 'citizen') {
  const response = await post('/sign-in', { kind, login, password: PASSWORD });
  expect(response.statusCode).toBe(200);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  return { cookie, response };
}

describe('POST /registrations/citizen', () => {
  it('answers 201 with the personal data masked', async () => {
    const body = {
      residentId: newResidentId(),
      name: '张三丰',
      mobile: newMobile(),
      email: 'zhang@example.cn',
      password: PASSWORD,
    };
    const response = await post('/registrations/citizen', body);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      kind: 'citizen',
      status: 'active',
      personName: '张**',
      residentId: `320102********${body.residentId.slice(-4)}`,
      mobile: `${body.mobile.slice(0, 3)}****${body.mobile.slice(-4)}`,
      email: 'z***@example.cn',
      creditCode: null,
    });
    for (const value of [body.residentId, body.name, body.mobile, body.email])
      expect(response.body).not.toContain(value);
  });

  it('answers 422 problem+json listing every bad field, in the reader’s language', async () => {
    const response = await post(
      '/registrations/citizen',
      { residentId: '320102198507150010', name: '', mobile: '110', password: 'short' },
      { 'accept-language': 'en' },
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const problem = response.json();
    expect(problem).toMatchObject({ code: 'identity.public_account_invalid', title: 'The registration is not valid' });
    expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/residentId',
      '/name',
      '/mobile',
      '/password',
      '/password',
    ]);
    expect(response.body).not.toContain('320102198507150010');
  });

  it('answers 409 for a number already registered', async () => {
    const { body } = await registeredCitizen();
    const response = await post('/registrations/citizen', { ...body, mobile: newMobile() });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('identity.public_account_exists');
  });

  it('refuses JSON with an unknown field, as every API does', async () => {
    const response = await post('/registrations/citizen', { ...(await registeredCitizen()).body, role: 'admin' });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('http.validation_failed');
  });
});

describe('POST /registrations/enterprise', () => {
  it('registers an enterprise and shows its credit code, public information, unmasked', async () => {
    const response = await post('/registrations/enterprise', {
      creditCode: '91440300708461136T',
      enterpriseName: '深圳测试有限公司',
      agentRole: 'legal_representative',
      agentName: '李四',
      agentResidentId: newResidentId(),
      mobile: newMobile(),
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ kind: 'enterprise', creditCode: '91440300708461136T', personName: '李*' });
  });
});

describe('sign-in, my account and sign-out', () => {
  it('sets a HttpOnly, SameSite=Lax, Secure session cookie and serves /me to the holder', async () => {
    const { body, id } = await registeredCitizen();
    const { cookie, response } = await signedIn(body.residentId);
    expect(response.json()).toMatchObject({ accountId: id, kind: 'citizen' });
    expect(response.headers['set-cookie']).toMatch(
      /^huitong_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );

    const me = await platform.app.inject({ url: `${PUBLIC_API_PREFIX}/me`, headers: { cookie } });
    expect(me.statusCode).toBe(200);
    // The holder sees their own name and mobile, and only the last 4 of their identity number.
    expect(me.json()).toMatchObject({
      id,
      personName: '张三丰',
      mobile: body.mobile,
      residentId: `**************${body.residentId.slice(-4)}`,
    });
    expect(me.body).not.toContain(body.residentId.slice(0, 14));

    const out = await post('/sign-out', undefined, { cookie });
    expect(out.statusCode).toBe(204);
    expect(out.headers['set-cookie']).toContain('Max-Age=0');
    const after = await platform.app.inject({ url: `${PUBLIC_API_PREFIX}/me`, headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('answers a wrong password and an unknown login with the same 401 body', async () => {
    const { body } = await registeredCitizen();
    const wrong = await post('/sign-in', { kind: 'citizen', login: body.mobile, password: 'Wrong-password-1' });
    const unknown = await post('/sign-in', { kind: 'citizen', login: newMobile(), password: PASSWORD });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const shape = (json: Record<string, unknown>) => ({ ...json, requestId: undefined });
    expect(shape(wrong.json())).toEqual(shape(unknown.json()));
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('answers 429 with Retry-After once throttled', async () => {
    const { body } = await registeredCitizen();
    for (let i = 0; i < 3; i++) {
      await post('/sign-in', { kind: 'citizen', login: body.mobile, password: 'Wrong-password-1' });
    }
    const throttled = await post('/sign-in', { kind: 'citizen', login: body.mobile, password: PASSWORD });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().code).toBe('identity.public_sign_in_throttled');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('changes the password of the signed-in holder', async () => {
    const { body } = await registeredCitizen();
    const { cookie } = await signedIn(body.mobile);
    const weak = await post('/me/password', { currentPassword: PASSWORD, newPassword: 'abc' }, { cookie });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().code).toBe('identity.public_password_change_invalid');
    const changed = await post(
      '/me/password',
      { currentPassword: PASSWORD, newPassword: 'Autumn-moon-2026' },
      { cookie },
    );
    expect(changed.statusCode).toBe(204);
    const again = await post('/sign-in', { kind: 'citizen', login: body.mobile, password: 'Autumn-moon-2026' });
    expect(again.statusCode).toBe(200);
  });
});

describe('public and staff principals are kept apart', () => {
  it('refuses a public session on a staff-only route', async () => {
    const { body } = await registeredCitizen();
    const { cookie } = await signedIn(body.residentId);
    const response = await platform.app.inject({ url: '/test/staff-only', headers: { cookie } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('auth.wrong_principal_kind');
  });

  it('refuses a staff session on the public routes, reading, registering or signing in', async () => {
    const { token } = await openSession(platform.runtime.database.kysely, {
      subjectKind: 'staff',
      subjectId: randomUUID(),
      ip: null,
      userAgent: null,
      secondFactor: false,
    });
    const cookie = `huitong_session=${token}`;
    expect((await platform.app.inject({ url: '/test/staff-only', headers: { cookie } })).statusCode).toBe(200);
    const me = await platform.app.inject({ url: `${PUBLIC_API_PREFIX}/me`, headers: { cookie } });
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('auth.wrong_principal_kind');
    const { body } = await registeredCitizen();
    const signIn = await post('/sign-in', { kind: 'citizen', login: body.mobile, password: PASSWORD }, { cookie });
    expect(signIn.statusCode).toBe(401);
    expect(signIn.json().code).toBe('auth.wrong_principal_kind');
  });

  it('answers /me without a session with 401', async () => {
    const response = await platform.app.inject({ url: `${PUBLIC_API_PREFIX}/me` });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('auth.unauthenticated');
  });
});
