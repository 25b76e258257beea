import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { sessionAuthenticator } from '../../modules/identity/index.js';
import { residentIdCheckCharacter } from '../../platform/identifiers/resident-id.js';
import { ACCOUNT_CSS_VERSION } from './account-pages.css.js';
import { publicAccountPages } from './account-pages.routes.js';
import { portalRoutes } from './portal.routes.js';

const PASSWORD = 'Spring-rain-2025';
let sequence = 0;
function newResidentId(): string {
  sequence += 1;
  const first17 = `44030519780203${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}
const newMobile = () => {
  sequence += 1;
  return `1771234${String(sequence).padStart(4, '0')}`;
};

let platform: TestPlatform;

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => [
      portalRoutes({ database: runtime.database }),
      publicAccountPages({
        database: runtime.database,
        secureCookie: false,
        registrationLimit: { max: 1000, windowMs: 60_000 },
      }),
    ],
  });
  platform.runtime.authenticators.push(sessionAuthenticator(platform.runtime.database));
  await platform.app.ready();
});
afterAll(() => platform.close());

const get = (url: string, headers: Record<string, string> = {}) => platform.app.inject({ url, headers });
const postForm = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  platform.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
const count = (text: string, part: string) => text.split(part).length - 1;

function expectAccessibleShell(body: string) {
  expect(body).toMatch(/^<!doctype html>\n<html lang="(zh-CN|en)">/);
  expect(count(body, '<h1')).toBe(1);
  expect(count(body, '<main id="main"')).toBe(1);
  expect(body).toContain(`<link rel="stylesheet" href="/assets/account.css?v=${ACCOUNT_CSS_VERSION}">`);
  expect(body).not.toMatch(/<script|\son[a-z]+=|style="/i);
  // Every input has a label pointing at it.
  for (const [, id] of body.matchAll(/<input id="([^"]+)"/g)) expect(body).toContain(`<label for="${id}">`);
}

async function registerCitizen(fields: Partial<Record<string, string>> = {}) {
  const values = {
    residentId: newResidentId(),
    name: '陈静',
    mobile: newMobile(),
    email: '',
    password: PASSWORD,
    ...fields,
  };
  const response = await postForm('/account/register/citizen', values as Record<string, string>);
  return { values, response };
}

describe('GET /account/register', () => {
  it('shows the citizen form, with the enterprise form one link away', async () => {
    const response = await get('/account/register');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const { body } = response;
    expectAccessibleShell(body);
    expect(body).toContain('<form class="account-form" method="post" action="/account/register/citizen" novalidate>');
    expect(body).toContain('<a href="/account/register" aria-current="page">个人用户</a>');
    expect(body).toContain('<a href="/account/register?type=enterprise">法人用户</a>');
    expect(body).toContain('<label for="residentId">公民身份号码</label>');
    expect(body).toMatch(/<input id="password" name="password" type="password" autocomplete="new-password"/);
    expect(body).not.toContain('role="alert"');
  });

  it('shows the enterprise form, with the role as a radio group under a legend, in English on request', async () => {
    const { body, headers } = await get('/account/register?type=enterprise&lang=en');
    expectAccessibleShell(body);
    expect(headers['content-language']).toBe('en');
    expect(body).toContain('action="/account/register/enterprise"');
    expect(body).toContain('<legend>You register as</legend>');
    expect(body).toContain(
      '<input type="radio" id="agentRole-legal_representative" name="agentRole" value="legal_representative" checked>',
    );
    expect(body).toContain('<a href="/account/register?lang=zh" lang="zh-CN" hreflang="zh-CN">中文</a>');
  });
});

describe('POST /account/register/citizen', () => {
  it('registers and redirects to the sign-in page with a notice', async () => {
    const { response } = await registerCitizen();
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account/signin?notice=registered&kind=citizen');
    const signin = await get(response.headers.location as string);
    expect(signin.body).toContain('<p class="notice" role="status">注册成功，请登录。</p>');
  });

  it('re-renders with an alert summary and each field’s error tied to it, keeping values but not the password', async () => {
    const good = newResidentId();
    const wrongCheck = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const { response } = await registerCitizen({ residentId: wrongCheck, name: '', password: 'abc' });
    expect(response.statusCode).toBe(422);
    const { body } = response;
    expectAccessibleShell(body);
    expect(body).toContain(
      '<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>',
    );
    expect(body).toContain('<h2 id="error-summary-title">提交的信息有 4 处问题</h2>');
    expect(body).toContain('<li><a href="#residentId">公民身份号码：校验码不符，号码可能有误录的数字。</a></li>');
    expect(body).toContain('<li><a href="#name">姓名：请填写此项。</a></li>');
    expect(body).toMatch(
      /<input id="residentId" name="residentId" type="text" autocomplete="off" value="\d{17}[\dX]" aria-describedby="residentId-hint residentId-error" aria-invalid="true" required>/,
    );
    expect(body).toContain('<p class="field-error" id="residentId-error">错误：校验码不符，号码可能有误录的数字。</p>');
    expect(body).toContain('<p class="field-error" id="password-error">错误：密码至少 12 位。');
    expect(body).toMatch(/<input id="password" name="password" type="password" autocomplete="new-password" value="" /);
    expect(body).not.toContain('value="abc"');
  });

  it('tells of an existing registration without naming the field, with 409', async () => {
    const { values } = await registerCitizen();
    const { response } = await registerCitizen({ residentId: values.residentId });
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('该证件号码、统一社会信用代码或手机号已注册');
    expect(response.body).not.toContain('aria-invalid="true"');
  });

  it('escapes what was typed', async () => {
    const { response } = await registerCitizen({ name: '<script>alert(1)</script>', mobile: 'x' });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(response.body).not.toContain('<script>');
  });

  it('refuses a form posted from another site', async () => {
    const { response } = await (async () => ({
      response: await postForm(
        '/account/register/citizen',
        { residentId: newResidentId(), name: '陈静', mobile: newMobile(), password: PASSWORD },
        { origin: 'https://evil.example' },
      ),
    }))();
    expect(response.statusCode).toBe(403);
  });
});

describe('POST /account/register/enterprise', () => {
  it('lists the enterprise form’s errors, the radio group’s too', async () => {
    const response = await postForm('/account/register/enterprise', {
      creditCode: '91440300708461136U',
      enterpriseName: '深圳测试有限公司',
      agentRole: 'boss',
      agentName: '李四',
      agentResidentId: newResidentId(),
      mobile: newMobile(),
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('统一社会信用代码：第 18 位校验码不符');
    expect(response.body).toContain(
      '<fieldset class="field-invalid" aria-describedby="agentRole-error" id="agentRole">',
    );
  });
});

describe('sign-in, my account and sign-out', () => {
  it('signs in by identity number, shows my account with the number cut to its last 4, and signs out', async () => {
    const { values } = await registerCitizen();
    const signIn = await postForm('/account/signin', { kind: 'citizen', login: values.residentId, password: PASSWORD });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/account');
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^huitong_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie.split(';')[0]!;

    const home = await get('/account', { cookie });
    expect(home.statusCode).toBe(200);
    expectAccessibleShell(home.body);
    expect(home.body).toContain('<dd>陈静</dd>');
    expect(home.body).toContain(`<dd>**************${values.residentId.slice(-4)}</dd>`);
    expect(home.body).not.toContain(values.residentId.slice(0, 14));
    expect(home.body).toContain('<form class="signout-form" method="post" action="/account/signout">');

    const out = await postForm('/account/signout', {}, { cookie });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/account/signin?notice=signed_out');
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await get('/account', { cookie });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/account/signin');
  });

  it('returns to the page that sent the visitor to sign in, and only to a page of this site', async () => {
    const { values } = await registerCitizen();
    const page = await get('/account/signin?next=%2Faccount%2Fcases%3Fpage%3D2');
    expect(page.body).toContain('<input type="hidden" name="next" value="/account/cases?page=2">');
    const login = { kind: 'citizen', login: values.residentId, password: PASSWORD };
    const back = await postForm('/account/signin', { ...login, next: '/account/cases?page=2' });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe('/account/cases?page=2');
    for (const elsewhere of ['//evil.example/', '/\\evil.example/', 'https://evil.example/', '/a\tb']) {
      expect((await get(`/account/signin?next=${encodeURIComponent(elsewhere)}`)).body).not.toContain('name="next"');
      const signIn = await postForm('/account/signin', { ...login, next: elsewhere });
      expect(signIn.headers.location).toBe('/account');
    }
  });

  it('answers a failed sign-in with 401, one message for every cause, and keeps the login typed', async () => {
    const { values } = await registerCitizen();
    const wrong = await postForm('/account/signin', {
      kind: 'citizen',
      login: values.mobile,
      password: 'Wrong-password-1',
    });
    const unknown = await postForm('/account/signin', { kind: 'citizen', login: newMobile(), password: PASSWORD });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const summary = (body: string) =>
      body.slice(body.indexOf('<div class="error-summary"'), body.indexOf('</div>', body.indexOf('error-summary')));
    expect(summary(wrong.body)).toContain('账号或密码不正确');
    expect(summary(wrong.body)).toEqual(summary(unknown.body));
    expect(wrong.body).toContain(`value="${values.mobile}"`);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('shows the wait when throttled, with 429 and Retry-After', async () => {
    const { values } = await registerCitizen();
    for (let i = 0; i < 3; i++) {
      await postForm('/account/signin', { kind: 'citizen', login: values.mobile, password: 'Wrong-password-1' });
    }
    const throttled = await postForm('/account/signin', { kind: 'citizen', login: values.mobile, password: PASSWORD });
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(throttled.body).toMatch(/请在 \d+ 秒后再试。/);
  });

  it('sends an anonymous visitor of /account to the sign-in page', async () => {
    const response = await get('/account');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account/signin');
  });

  it('links the account pages from the portal header', async () => {
    const { body } = await get('/');
    expect(body).toContain('<li><a href="/account">我的账号</a></li>');
  });
});

describe('the stylesheet', () => {
  it('is served by version and cached for good at that version', async () => {
    const response = await get(`/assets/account.css?v=${ACCOUNT_CSS_VERSION}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toContain('.error-summary');
  });
});
