import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { assignPost, createPerson, upsertOrgUnits } from '../../modules/directory/index.js';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  createStaffAccount,
  identityRoutes,
  sessionAuthenticator,
  totpCode,
} from '../../modules/identity/index.js';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { DEFAULT_NEXT, safeNext, signinRoutes } from './signin.routes.js';

const PASSWORD = 'Lantern-Festival-2025';
const PUBLIC_URL = 'https://huitong.example.gov.cn';
let now = new Date('2026-03-02T01:00:00Z');
const clock = () => now;
const allowAll: Policy = {
  async authorize(_e, _actor, permission, orgUnitCode) {
    return { allowed: true, permission, orgUnitCode, reason: 'granted', grants: [] };
  },
  async assertAllowed() {},
  async scopeOf() {
    return { everywhere: true, orgUnitCodes: [] };
  },
};

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => {
      runtime.authenticators.push(sessionAuthenticator(runtime.database, { clock }));
      const deps = { database: runtime.database, secrets: runtime.secrets, publicUrl: PUBLIC_URL, clock };
      return [signinRoutes(deps), identityRoutes({ ...deps, policy: allowAll })];
    },
  });
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => platform.close());

async function makeStaff() {
  const acting = { actor: SYSTEM_ACTOR, policy: allowAll };
  const person = await createPerson(db(), makePerson(), acting);
  await assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员' }, acting);
  await createStaffAccount(db(), SYSTEM_ACTOR, { policy: allowAll }, { personId: person.id, password: PASSWORD });
  return { person, login: person.staffNo.toLowerCase() };
}

const postForm = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  platform.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
const cookieOf = (header: string | string[] | number | undefined) =>
  (Array.isArray(header) ? header : [String(header)]).find((c) => c.startsWith('huitong_session='))!.split(';')[0]!;

describe('GET /signin', () => {
  it('renders an accessible form in Chinese, with labels, no script, and next kept', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/signin?next=%2Fworkbench%2Fcases%3Fid%3D1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const page = response.body;
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<h1>工作人员登录</h1>');
    expect(page).toMatch(/<label for="login">用户名或手机号/);
    expect(page).toMatch(/<label for="password">密码<\/label>/);
    expect(page).toContain('id="login" name="login"');
    expect(page).toContain('autocomplete="current-password"');
    expect(page).toContain('<input type="hidden" name="next" value="/workbench/cases?id=1">');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('role="alert"');
    const css = await platform.app.inject({
      method: 'GET',
      url: page.match(/href="(\/assets\/signin\.css\?v=\w+)"/)![1]!,
    });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('speaks English on request and refuses to carry a next that leaves the site', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/signin?lang=en&next=//evil.example/' });
    expect(response.body).toContain('<html lang="en">');
    expect(response.body).toContain('<h1>Staff sign-in</h1>');
    expect(response.body).toContain(`name="next" value="${DEFAULT_NEXT}"`);
  });
});

describe('POST /signin', () => {
  it('signs in, sets the session cookie and redirects (303) to next', async () => {
    const { login } = await makeStaff();
    const response = await postForm('/signin', {
      step: 'password',
      login,
      password: PASSWORD,
      next: '/workbench/todo',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/workbench/todo');
    expect(String(response.headers['set-cookie'])).toMatch(
      /huitong_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure/,
    );
    const me = await platform.app.inject({
      method: 'GET',
      url: '/api/identity/v1/me',
      headers: { cookie: cookieOf(response.headers['set-cookie']) },
    });
    expect(me.statusCode).toBe(200);
    // Signed in already: the page sends one on.
    const again = await platform.app.inject({
      method: 'GET',
      url: '/signin?next=/workbench/x',
      headers: { cookie: cookieOf(response.headers['set-cookie']) },
    });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/workbench/x');
  });

  it('never redirects off the site', async () => {
    const { login } = await makeStaff();
    for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const response = await postForm('/signin', { login, password: PASSWORD, next });
      expect(response.headers.location).toBe(DEFAULT_NEXT);
    }
  });

  it('re-renders with an announced error, the login kept and the password not', async () => {
    const { login } = await makeStaff();
    const response = await postForm('/signin', { login, password: 'Wrong-Password-1', next: '/workbench/' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
    const page = response.body;
    expect(page).toMatch(/<div class="signin-error" role="alert" id="signin-error">/);
    expect(page).toContain('用户名（或手机号）、密码或验证码不正确');
    expect(page).toContain(`value="${login}"`);
    expect(page).not.toContain('Wrong-Password-1');
    expect(page).toContain('aria-invalid="true"');
    const empty = await postForm('/signin', { login: '', password: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('请填写用户名和密码。');
  });

  it('asks for the code in a second step that carries a sealed token, not the password', async () => {
    const { person, login } = await makeStaff();
    const actor = { type: 'user' as const, id: person.id };
    const deps = { secrets: platform.runtime.secrets, clock };
    const { secret } = await beginTotpEnrolment(platform.runtime.database, actor, deps);
    await confirmTotpEnrolment(platform.runtime.database, actor, deps, totpCode(secret, { at: now }));
    now = new Date(now.getTime() + 30_000);

    const first = await postForm('/signin', { login, password: PASSWORD, next: '/workbench/mail' });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('<h1>两步验证</h1>');
    expect(first.body).toContain('autocomplete="one-time-code"');
    expect(first.body).not.toContain(PASSWORD);
    const pending = first.body.match(/name="pending" value="([^"]+)"/)![1]!;

    const wrong = await postForm('/signin', { step: 'code', pending, code: '000000', next: '/workbench/mail' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('role="alert"');
    expect(wrong.body).toContain(`value="${pending}"`);

    const right = await postForm('/signin', {
      step: 'code',
      pending,
      code: totpCode(secret, { at: now }),
      next: '/workbench/mail',
    });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/workbench/mail');

    const forged = await postForm('/signin', { step: 'code', pending: 'v1.a.b.c', code: '123456' });
    expect(forged.statusCode).toBe(401);
    expect(forged.body).toContain('<h1>工作人员登录</h1>');
    expect(forged.body).toContain('未完成验证，请重新登录。');
  });

  it('tells how long to wait when throttled, with Retry-After', async () => {
    const { login } = await makeStaff();
    for (let i = 0; i < 3; i += 1) await postForm('/signin', { login, password: 'Wrong-Password-1' });
    const response = await postForm('/signin', { login, password: PASSWORD });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toContain('登录失败次数较多，请 1 秒后再试。');
    now = new Date(now.getTime() + 1000);
  });

  it('refuses a post from another site (login CSRF)', async () => {
    const { login } = await makeStaff();
    const response = await postForm('/signin', { login, password: PASSWORD }, { origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(response.headers['set-cookie']).toBeUndefined();
    const same = await postForm('/signin', { login, password: PASSWORD }, { origin: PUBLIC_URL });
    expect(same.statusCode).toBe(303);
  });

  it('keeps the form parser to these pages: the JSON API still refuses form posts', async () => {
    const { login } = await makeStaff();
    const response = await postForm('/api/identity/v1/sign-in', { login, password: PASSWORD });
    expect(response.statusCode).toBe(415);
  });
});

describe('POST /signout', () => {
  it('ends the session, clears the cookie and goes back to the sign-in page', async () => {
    const { login } = await makeStaff();
    const cookie = cookieOf((await postForm('/signin', { login, password: PASSWORD })).headers['set-cookie']);
    const response = await postForm('/signout', {}, { cookie });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/signin');
    expect(String(response.headers['set-cookie'])).toContain(
      'huitong_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
    );
    const me = await platform.app.inject({ method: 'GET', url: '/api/identity/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
  });
});

describe('safeNext', () => {
  it.each([
    ['/workbench/cases?id=1#top', '/workbench/cases?id=1#top'],
    ['/', '/'],
    [undefined, DEFAULT_NEXT],
    ['workbench', DEFAULT_NEXT],
    ['//evil.example', DEFAULT_NEXT],
    ['/\\evil.example', DEFAULT_NEXT],
    ['https://evil.example/', DEFAULT_NEXT],
    ['/\tevil', DEFAULT_NEXT],
  ])('%j → %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
