import { describe, expect, it } from 'vitest';
import { oidcSignInPages } from './oidc-pages.js';

const zh = { acceptLanguage: 'zh-CN,zh;q=0.9', cookie: undefined, uiLocales: undefined };
const en = { acceptLanguage: 'en-GB', cookie: undefined, uiLocales: undefined };

describe('the sign-in pages of the OpenID Provider', () => {
  it('labels every field, names the system, and sets the page language', () => {
    const page = oidcSignInPages.login(zh, {
      action: '/signin/oidc/abc/login',
      clientName: '协同办公',
      login: '',
      problem: null,
    });
    expect(page).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(page).toContain('<form method="post" action="/signin/oidc/abc/login"');
    expect(page).toContain('<label for="login">用户名或手机号</label>');
    expect(page).toContain('<input id="login" name="login" type="text" autocomplete="username"');
    expect(page).toContain('<label for="password">密码</label>');
    expect(page).toContain('autocomplete="current-password"');
    expect(page).toContain('“协同办公”');
    expect(page.match(/<h1>/g)).toHaveLength(1);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('role="alert"');
  });

  it('announces a failed sign-in, keeps the login and never the password, and escapes data', () => {
    const page = oidcSignInPages.login(en, {
      action: '/signin/oidc/abc/login',
      clientName: '<b>Evil</b>',
      login: 'ht"000123',
      problem: { code: 'identity.sign_in_throttled', params: { retryAfterSeconds: 30 } },
    });
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('role="alert"');
    expect(page).toContain('value="ht&quot;000123"');
    expect(page).toContain('&lt;b&gt;Evil&lt;/b&gt;');
    expect(page).not.toContain('<b>Evil</b>');
    // The password field gets the focus when the login is filled in again.
    expect(page).toMatch(/id="password"[^>]*autofocus/);
  });

  it('asks for a one-time code or a recovery code, carrying the pending token instead of the password', () => {
    const page = oidcSignInPages.secondFactor(
      { ...zh, uiLocales: 'en zh-CN' },
      { action: '/signin/oidc/abc/second-factor', clientName: 'OA', pendingToken: 'v1.tok', problem: null },
    );
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<input type="hidden" name="pendingToken" value="v1.tok">');
    expect(page).toContain('autocomplete="one-time-code"');
    expect(page).toContain('<label for="recoveryCode">');
  });

  it('lists the scopes in plain words on the consent page, with approve and deny', () => {
    const page = oidcSignInPages.consent(zh, {
      action: '/signin/oidc/abc/consent',
      clientName: '合作方门户',
      scopes: ['openid', 'profile', 'phone'],
    });
    expect(page).toContain('<li>确认您的身份</li>');
    expect(page).toContain('<li>姓名、工号、所在部门和职务</li>');
    expect(page).toContain('<li>手机号码</li>');
    expect(page).toContain('name="decision" value="approve"');
    expect(page).toContain('name="decision" value="deny"');
  });

  it('asks whether to sign out everywhere, with the anti-forgery value in the form', () => {
    const page = oidcSignInPages.logout(en, {
      action: 'http://op/oidc/session/end/confirm',
      xsrf: 'x1',
      clientName: 'OA',
    });
    expect(page).toContain('<input type="hidden" name="xsrf" value="x1">');
    expect(page).toContain('name="logout" value="yes"');
    expect(page).toContain('Sign out everywhere');
    expect(oidcSignInPages.loggedOut(zh, { clientName: null })).toContain('您已安全退出');
  });

  it('explains an expired sign-in step as an alert', () => {
    const page = oidcSignInPages.error(zh, { error: 'interaction_expired', description: null });
    expect(page).toContain('<p role="alert">登录步骤已过期');
    expect(oidcSignInPages.error(en, { error: 'invalid_redirect_uri', description: null })).toContain(
      '(invalid_redirect_uri)',
    );
  });
});
