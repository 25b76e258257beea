/**
 * The OpenID Provider end to end: the app listens on 127.0.0.1, a stock openid-client v6 relying party
 * talks to it over HTTP, and a browser is played by fetch with a cookie jar. The sign-in pages are
 * minimal stand-ins with the real pages' form fields (the real ones live in src/web/signin and are
 * tested there: a module never imports the web layer).
 */
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../../test/support/org-units.js';
import { makePerson } from '../../../../test/support/people.js';
import { createTestPlatform, type TestPlatform } from '../../../../test/support/runtime.js';
import { type Actor, type Decision, type Policy, SYSTEM_ACTOR } from '../../../platform/authorization.js';
import { ForbiddenError } from '../../../platform/errors.js';
import { assignPost, createPerson, upsertOrgUnits } from '../../directory/index.js';
import { createStaffAccount } from '../account.service.js';
import { sessionAuthenticator } from '../session.authenticator.js';
import { SESSION_COOKIE } from '../session.js';
import { endSessionByToken, sessionFromToken } from '../session.service.js';
import { totpCode } from '../totp.js';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../totp-enrolment.service.js';
import { accessTokenAuthenticator } from './access-token.authenticator.js';
import { oidcClientRoutes } from './oidc-client.routes.js';
import { registerClient } from './oidc-client.service.js';
import { oidcInteractionRoutes } from './oidc-interaction.routes.js';
import type { InteractionPages } from './oidc-pages.js';
import { oidcProviderRoutes } from './oidc-provider.routes.js';
import { advanceSigningKeys } from './oidc-signing-key.service.js';
import { OpenIdProvider } from './openid-provider.js';

const PASSWORD = 'Lantern-Festival-2025';
const ADMIN_ID = '00000000-0000-4000-8000-00000000a0a0';

/** Everyone may do everything in XX's tree, except the person named `denied`. */
function testPolicy(denied: { id?: string } = {}): Policy {
  const decide = (actor: Actor, permission: string, orgUnitCode: string | null): Decision => ({
    allowed: actor.id !== denied.id,
    permission,
    orgUnitCode,
    reason: actor.id === denied.id ? 'no_grant' : 'granted',
    grants: [],
  });
  return {
    authorize: async (_executor, actor, permission, orgUnitCode) => decide(actor, permission, orgUnitCode),
    assertAllowed: async (_executor, actor, permission, orgUnitCode) => {
      if (!decide(actor, permission, orgUnitCode).allowed) throw new ForbiddenError('access.denied', { permission });
    },
    scopeOf: async (_executor, actor) =>
      actor.id === denied.id ? { everywhere: false, orgUnitCodes: [] } : { everywhere: true, orgUnitCodes: [] },
  };
}

/** Bare forms with the real pages' field names, and a marker the test reads. */
const testPages: InteractionPages = {
  login: (_request, view) =>
    `<main data-page="login" data-problem="${view.problem?.code ?? ''}"><form action="${view.action}"></form></main>`,
  secondFactor: (_request, view) =>
    `<main data-page="second-factor"><form action="${view.action}"><input name="pendingToken" value="${view.pendingToken}"></form></main>`,
  consent: (_request, view) =>
    `<main data-page="consent" data-scopes="${view.scopes.join(' ')}"><form action="${view.action}"></form></main>`,
  logout: (_request, view) =>
    `<main data-page="logout"><form action="${view.action}"><input name="xsrf" value="${view.xsrf}"></form></main>`,
  loggedOut: () => '<main data-page="logged-out"></main>',
  error: (_request, view) => `<main data-page="error" data-error="${view.error}"></main>`,
};

/** A browser: follows nothing by itself, keeps cookies per path. */
class Browser {
  readonly cookies = new Map<string, { value: string; path: string }>();

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.cookies.entries()]
      .filter(([, entry]) => target.pathname.startsWith(entry.path))
      .map(([key, entry]) => `${key.split('|')[0]}=${entry.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const gone =
        value === '' || attributes.some((a) => /^max-age=0$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a));
      if (gone) this.cookies.delete(`${name}|${path}`);
      else this.cookies.set(`${name}|${path}`, { value, path });
    }
    return response;
  }

  cookie(name: string): string | undefined {
    return [...this.cookies.entries()].find(([key]) => key.split('|')[0] === name)?.[1].value;
  }

  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
}

interface RelyingParty {
  clientId: string;
  config: client.Configuration;
  redirectUri: string;
}

let platform: TestPlatform;
let oidc: OpenIdProvider;
let issuer: string;
let rpServer: Server;
let rpBase: string;
const logoutTokens: Array<{ path: string; token: string }> = [];
/** A person with two-step verification, signed in by the first test only (a TOTP code works once). */
let totpPerson: { id: string; login: string; secret: string };
/** A person with a password alone, for every other sign-in. */
let personId: string;
let loginName: string;
const DENIED_ID = '00000000-0000-4000-8000-0000000dead0';
const policy = testPolicy({ id: DENIED_ID });
const acting = { actor: SYSTEM_ACTOR, policy };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // The relying parties' back-channel logout endpoint.
  rpServer = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) logoutTokens.push({ path: request.url ?? '', token });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => rpServer.listen(0, '127.0.0.1', resolve));
  rpBase = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}`;

  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  platform = await createTestPlatform({
    env: { HUITONG_PUBLIC_URL: issuer },
    routes: (runtime) => {
      const { database, secrets } = runtime;
      runtime.authenticators.push(accessTokenAuthenticator({ database }), sessionAuthenticator(database));
      const mount: FastifyPluginAsync = async (instance) => {
        oidc = await OpenIdProvider.open({
          database,
          secrets,
          issuer,
          rolesOf: async (_executor, person, clientId) => [`${clientId}.clerk`, `person-${person.slice(0, 4)}`],
          pages: testPages,
          logger: { warn: (details) => console.warn(details), error: (details) => console.error(details) },
        });
        await instance.register(oidcProviderRoutes({ oidc }));
        await instance.register(oidcInteractionRoutes({ oidc, database, secrets, pages: testPages }));
        await instance.register(oidcClientRoutes({ database, policy, secrets }));
        instance.get('/test/whoami', async (request) => request.principal);
      };
      return [mount];
    },
  });
  await platform.app.listen({ port, host: '127.0.0.1' });
  const { database, secrets } = platform.runtime;
  await upsertOrgUnits(database.kysely, smallDistrict());
  const person = await createPerson(database.kysely, makePerson({ email: 'li@example.gov.cn' }), acting);
  await assignPost(database.kysely, person.id, { orgUnitCode: 'XD1', title: '科长' }, acting);
  await assignPost(database.kysely, person.id, { orgUnitCode: 'XT1', title: '联络员' }, acting);
  await createStaffAccount(database.kysely, SYSTEM_ACTOR, { policy }, { personId: person.id, password: PASSWORD });
  const owner: Actor = { type: 'user', id: person.id };
  const { secret } = await beginTotpEnrolment(database, owner, { secrets });
  await confirmTotpEnrolment(database, owner, { secrets }, totpCode(secret));
  totpPerson = { id: person.id, login: person.staffNo.toLowerCase(), secret };
  const plain = await createPerson(database.kysely, makePerson(), acting);
  await assignPost(database.kysely, plain.id, { orgUnitCode: 'XD2', title: '科员' }, acting);
  await createStaffAccount(database.kysely, SYSTEM_ACTOR, { policy }, { personId: plain.id, password: PASSWORD });
  personId = plain.id;
  loginName = plain.staffNo.toLowerCase();
});

afterAll(async () => {
  await oidc?.close();
  await platform?.close();
  await new Promise((resolve) => rpServer?.close(resolve));
});

async function relyingParty(
  clientId: string,
  options: {
    firstParty?: boolean;
    grantTypes?: Array<'authorization_code' | 'refresh_token' | 'client_credentials'>;
    scopes?: string[];
  } = {},
): Promise<RelyingParty> {
  const redirectUri = `${rpBase}/${clientId}/callback`;
  const grantTypes = options.grantTypes ?? ['authorization_code', 'refresh_token'];
  const signsIn = grantTypes.includes('authorization_code');
  const { clientSecret } = await registerClient(
    platform.runtime.database.kysely,
    { type: 'user', id: ADMIN_ID },
    {
      clientId,
      nameZh: `系统${clientId}`,
      nameEn: `System ${clientId}`,
      ownerOrgUnitCode: 'XD1',
      grantTypes,
      scopes: options.scopes ?? ['openid', 'profile', 'email', 'phone', 'roles'],
      firstParty: options.firstParty ?? true,
      ...(signsIn
        ? {
            redirectUris: [redirectUri],
            postLogoutRedirectUris: [`${rpBase}/${clientId}/signed-out`],
            backchannelLogoutUri: `${rpBase}/${clientId}/backchannel`,
          }
        : {}),
    },
    { policy, secrets: platform.runtime.secrets },
  );
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), {
    execute: [client.allowInsecureRequests],
  });
  return { clientId, config, redirectUri };
}

/** Starts a sign-in at a system; returns where the browser lands and the checks to finish it. */
async function startSignIn(browser: Browser, rp: RelyingParty, extra: Record<string, string> = {}) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: 'openid profile email phone roles',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  const first = await browser.fetch(url);
  expect(first.status).toBe(303);
  return { location: new URL(first.headers.get('location')!, issuer).href, codeVerifier, state };
}

/** Follows redirects on the platform until the browser is sent to the system (or a page is shown). */
async function follow(browser: Browser, location: string): Promise<{ location?: string; page?: string }> {
  let next = location;
  for (let hops = 0; hops < 10; hops += 1) {
    if (!next.startsWith(issuer)) return { location: next };
    const response = await browser.fetch(next);
    if (response.status !== 303 && response.status !== 302) return { page: await response.text() };
    next = new URL(response.headers.get('location')!, next).href;
  }
  throw new Error('too many redirects');
}

function pageOf(html: string | undefined): {
  page: string;
  action: string;
  fields: Record<string, string>;
  attr: (name: string) => string;
} {
  const page = /data-page="([^"]*)"/.exec(html ?? '')?.[1] ?? '';
  const action = /action="([^"]*)"/.exec(html ?? '')?.[1] ?? '';
  const fields = Object.fromEntries(
    [...(html ?? '').matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  return { page, action, fields, attr: (name) => new RegExp(`data-${name}="([^"]*)"`).exec(html ?? '')?.[1] ?? '' };
}

async function signInWithPassword(browser: Browser, rp: RelyingParty) {
  const started = await startSignIn(browser, rp);
  const login = pageOf((await follow(browser, started.location)).page);
  expect(login.page).toBe('login');
  const afterPassword = await browser.post(`${issuer}${login.action}`, { login: loginName, password: PASSWORD });
  expect(afterPassword.status).toBe(303);
  const landed = await follow(browser, new URL(afterPassword.headers.get('location')!, issuer).href);
  return { ...started, callback: landed.location! };
}

async function signInWithTotp(browser: Browser, rp: RelyingParty) {
  const started = await startSignIn(browser, rp);
  const login = pageOf((await follow(browser, started.location)).page);
  const wrong = await browser.post(`${issuer}${login.action}`, {
    login: totpPerson.login,
    password: 'not-the-password',
  });
  expect(wrong.status).toBe(401);
  expect(pageOf(await wrong.text()).attr('problem')).toBe('identity.sign_in_failed');
  const afterPassword = await browser.post(`${issuer}${login.action}`, { login: totpPerson.login, password: PASSWORD });
  const second = pageOf(await afterPassword.text());
  expect(second.page).toBe('second-factor');
  // The enrolment spent the current step: the next one (within the accepted drift) signs in.
  const code = totpCode(totpPerson.secret, { at: new Date(Date.now() + 30_000) });
  const afterCode = await browser.post(`${issuer}${second.action}`, {
    pendingToken: second.fields.pendingToken!,
    totpCode: code,
  });
  expect(afterCode.status).toBe(303);
  const landed = await follow(browser, new URL(afterCode.headers.get('location')!, issuer).href);
  return { ...started, callback: landed.location! };
}

async function tokensFor(rp: RelyingParty, callback: string, checks: { codeVerifier: string; state: string }) {
  return client.authorizationCodeGrant(rp.config, new URL(callback), {
    pkceCodeVerifier: checks.codeVerifier,
    expectedState: checks.state,
  });
}

async function jwks(): Promise<Array<Record<string, unknown> & { kid: string }>> {
  return (
    (await (await fetch(`${issuer}/oidc/jwks`)).json()) as { keys: Array<Record<string, unknown> & { kid: string }> }
  ).keys;
}

/** Verifies a JWS against the published keys, as any relying party would. */
async function verifiedPayload(jwt: string): Promise<Record<string, unknown>> {
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string; alg: string };
  const jwk = (await jwks()).find((key) => key.kid === kid);
  if (!jwk) throw new Error(`kid ${kid} is not published`);
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const ok = verifySignature(
    alg === 'RS256' ? 'sha256' : 'sha256',
    Buffer.from(`${header}.${payload}`),
    alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('bad signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}

describe('the OpenID Provider', () => {
  it('publishes discovery with endpoints under /oidc and an RS256 and an ES256 key', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oidc/auth`,
      token_endpoint: `${issuer}/oidc/token`,
      userinfo_endpoint: `${issuer}/oidc/me`,
      end_session_endpoint: `${issuer}/oidc/session/end`,
      backchannel_logout_supported: true,
      code_challenge_methods_supported: ['S256'],
    });
    expect((await jwks()).map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(JSON.stringify(await jwks())).not.toMatch(/"d":/);
  });

  it('signs a person in with password and TOTP, with PKCE, and serves the claims', async () => {
    const { database } = platform.runtime;
    const rp = await relyingParty('oa-system');
    const browser = new Browser();
    const signIn = await signInWithTotp(browser, rp);
    expect(signIn.callback).toContain(`${rpBase}/oa-system/callback?code=`);
    // The platform session is open too: the workbench is signed in.
    expect(await sessionFromToken(database.kysely, browser.cookie(SESSION_COOKIE)!)).toMatchObject({
      subjectId: totpPerson.id,
      secondFactor: true,
    });

    const tokens = await tokensFor(rp, signIn.callback, signIn);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: issuer, aud: 'oa-system', sub: totpPerson.id, amr: ['pwd', 'otp'] });
    const info = await client.fetchUserInfo(rp.config, tokens.access_token, totpPerson.id);
    expect(info).toMatchObject({
      sub: totpPerson.id,
      preferred_username: expect.stringMatching(/^TS\d+/),
      email: 'li@example.gov.cn',
      org_unit: { code: 'XD1', name: '测试区教育局' },
      posts: [
        { orgUnitCode: 'XD1', title: '科长' },
        { orgUnitCode: 'XT1', title: '联络员' },
      ],
      roles: ['oa-system.clerk', `person-${totpPerson.id.slice(0, 4)}`],
    });

    // A resource server may introspect the token.
    const introspection = await client.tokenIntrospection(rp.config, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, sub: totpPerson.id, client_id: 'oa-system' });

    // Refresh tokens rotate: the new one works, the old one is spent.
    const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    // The platform's own APIs accept the access token as a bearer token.
    const whoami = await fetch(`${issuer}/test/whoami`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(await whoami.json()).toMatchObject({ kind: 'staff', id: totpPerson.id, via: 'access_token' });

    // A spent refresh token presented again is a theft signal: the whole grant is revoked.
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(await client.tokenIntrospection(rp.config, refreshed.access_token)).toEqual({ active: false });
  });

  it('signs in to a second system without a prompt (single sign-on), unless the system asks for a fresh sign-in', async () => {
    const first = await relyingParty('hr-system');
    const second = await relyingParty('archive-system');
    const browser = new Browser();
    await signInWithPassword(browser, first);

    const started = await startSignIn(browser, second);
    const landed = await follow(browser, started.location);
    expect(landed.location).toContain(`${rpBase}/archive-system/callback?code=`);
    const tokens = await tokensFor(second, landed.location!, started);
    expect(tokens.claims()).toMatchObject({ sub: personId, amr: ['pwd'] });

    const fresh = await startSignIn(browser, second, { prompt: 'login' });
    expect(pageOf((await follow(browser, fresh.location)).page).page).toBe('login');
    const recent = await startSignIn(browser, first, { max_age: '0' });
    expect(pageOf((await follow(browser, recent.location)).page).page).toBe('login');
    const lenient = await startSignIn(browser, first, { max_age: '3600' });
    expect((await follow(browser, lenient.location)).location).toContain('code=');
  });

  it('signs in with the workbench session alone, and asks again once that session has ended', async () => {
    const rp = await relyingParty('mail-system');
    const browser = new Browser();
    await signInWithPassword(browser, rp);
    const token = browser.cookie(SESSION_COOKIE)!;
    await endSessionByToken(platform.runtime.database.kysely, token, 'sign_out');
    const again = await startSignIn(browser, rp);
    const shown = await follow(browser, again.location);
    expect(pageOf(shown.page).page).toBe('login');
  });

  it('asks for consent at a system that is not first-party, and honours a refusal', async () => {
    const rp = await relyingParty('partner-portal', { firstParty: false });
    const browser = new Browser();
    const signIn = await signInWithPassword(browser, await relyingParty('first-party-a'));
    expect(signIn.callback).toContain('code=');

    const started = await startSignIn(browser, rp);
    const consent = pageOf((await follow(browser, started.location)).page);
    expect(consent.page).toBe('consent');
    expect(consent.attr('scopes').split(' ').sort()).toEqual(['email', 'openid', 'phone', 'profile', 'roles']);
    const approved = await browser.post(`${issuer}${consent.action}`, { decision: 'approve' });
    const landed = await follow(browser, new URL(approved.headers.get('location')!, issuer).href);
    const tokens = await tokensFor(rp, landed.location!, started);
    expect(tokens.claims()?.sub).toBe(personId);

    // The grant is remembered: no consent the second time.
    const again = await startSignIn(browser, rp);
    expect((await follow(browser, again.location)).location).toContain('code=');

    const other = await relyingParty('partner-two', { firstParty: false });
    const refused = await startSignIn(browser, other);
    const page = pageOf((await follow(browser, refused.location)).page);
    const denied = await browser.post(`${issuer}${page.action}`, { decision: 'deny' });
    const back = await follow(browser, new URL(denied.headers.get('location')!, issuer).href);
    expect(new URL(back.location!).searchParams.get('error')).toBe('access_denied');
  });

  it('signs out at a system (RP-initiated logout): platform session ended, other systems told by back-channel', async () => {
    const rp = await relyingParty('docs-system');
    const other = await relyingParty('tasks-system');
    const browser = new Browser();
    const signIn = await signInWithPassword(browser, rp);
    const tokens = await tokensFor(rp, signIn.callback, signIn);
    const otherStart = await startSignIn(browser, other);
    await follow(browser, otherStart.location);
    const platformToken = browser.cookie(SESSION_COOKIE)!;
    logoutTokens.length = 0;

    const endUrl = client.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${rpBase}/docs-system/signed-out`,
      state: 'bye',
    });
    const confirm = pageOf(await (await browser.fetch(endUrl)).text());
    expect(confirm.page).toBe('logout');
    const done = await browser.post(new URL(confirm.action, issuer).href, {
      xsrf: confirm.fields.xsrf!,
      logout: 'yes',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${rpBase}/docs-system/signed-out?state=bye`);
    expect(await sessionFromToken(platform.runtime.database.kysely, platformToken)).toBeNull();
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    const told = logoutTokens.map((entry) => entry.path).sort();
    expect(told).toEqual(['/docs-system/backchannel', '/tasks-system/backchannel']);
    // The access token died with the grant.
    const whoami = await fetch(`${issuer}/test/whoami`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(whoami.status).toBe(401);
    expect(((await whoami.json()) as { code: string }).code).toBe('identity.token_invalid');
  });

  it('sends a valid back-channel logout token when the platform session is revoked elsewhere', async () => {
    // Earlier tests ended sessions too: deliver those first, so only this one's logout is counted.
    await platform.runtime.events.drain({ timeoutMs: 20_000 });
    await platform.runtime.oidc?.idle();
    const rp = await relyingParty('leave-system');
    const browser = new Browser();
    const signIn = await signInWithPassword(browser, rp);
    const tokens = await tokensFor(rp, signIn.callback, signIn);
    logoutTokens.length = 0;

    await endSessionByToken(platform.runtime.database.kysely, browser.cookie(SESSION_COOKIE)!, 'sign_out');
    await platform.runtime.events.drain({ timeoutMs: 20_000 });
    // The runtime's own subscription ends the provider sessions and sends the logout tokens.
    await platform.runtime.oidc?.idle();

    expect(logoutTokens.map((entry) => entry.path)).toEqual(['/leave-system/backchannel']);
    const payload = await verifiedPayload(logoutTokens[0]!.token);
    expect(payload).toMatchObject({
      iss: issuer,
      aud: 'leave-system',
      sub: personId,
      sid: tokens.claims()?.sid,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('issues client-credentials tokens the platform recognises, and refuses a disabled system', async () => {
    const machine = await relyingParty('sync-robot', {
      grantTypes: ['client_credentials'],
      scopes: ['directory.read'],
    });
    const tokens = await client.clientCredentialsGrant(machine.config, { scope: 'directory.read' });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'directory.read' });
    const whoami = await fetch(`${issuer}/test/whoami`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await whoami.json()).toEqual({
      kind: 'client',
      id: 'sync-robot',
      scopes: ['directory.read'],
      via: 'access_token',
    });

    const admin = await adminCookie();
    const disabled = await fetch(`${issuer}/api/identity/v1/clients/sync-robot/disable`, {
      method: 'POST',
      headers: { cookie: admin },
    });
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as { enabled: boolean }).enabled).toBe(false);
    const refused = await fetch(`${issuer}/test/whoami`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    await expect(client.clientCredentialsGrant(machine.config)).rejects.toMatchObject({
      status: 401,
      cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_client' }) })],
    });
  });

  it('rotates keys without breaking what the old keys signed', async () => {
    const rp = await relyingParty('rotation-system');
    const browser = new Browser();
    const signIn = await signInWithPassword(browser, rp);
    const before = await tokensFor(rp, signIn.callback, signIn);
    const oldKid = JSON.parse(Buffer.from(before.id_token!.split('.')[0]!, 'base64url').toString()).kid as string;

    // A planned rotation: the new key is published first, and does not sign yet.
    const [nextKid] = await oidc.rotateKeys();
    expect((await jwks()).map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, nextKid]));
    const stillOld = await startSignIn(browser, rp);
    const landed = await follow(browser, stillOld.location);
    const during = await tokensFor(rp, landed.location!, stillOld);
    expect(JSON.parse(Buffer.from(during.id_token!.split('.')[0]!, 'base64url').toString()).kid).toBe(oldKid);

    // After the lead time it signs; the old key stays published, so the old token still verifies.
    await advanceSigningKeys(platform.runtime.database.kysely, { now: new Date(Date.now() + 11 * 60_000) });
    await oidc.maintain();
    const afterStart = await startSignIn(browser, rp);
    const afterLanded = await follow(browser, afterStart.location);
    const after = await tokensFor(rp, afterLanded.location!, afterStart);
    expect(JSON.parse(Buffer.from(after.id_token!.split('.')[0]!, 'base64url').toString()).kid).toBe(nextKid);
    expect(await verifiedPayload(before.id_token!)).toMatchObject({ sub: personId });
    expect(await verifiedPayload(after.id_token!)).toMatchObject({ sub: personId });

    // Once retired long enough the old key leaves the JWKS.
    await advanceSigningKeys(platform.runtime.database.kysely, { now: new Date(Date.now() + 14 * 3_600_000) });
    await oidc.maintain();
    expect((await jwks()).map((key) => key.kid)).not.toContain(oldKid);
    expect((await jwks()).map((key) => key.kid)).toContain(nextKid);
  });
});

describe('the registered systems API', () => {
  it('registers a system, shows the secret once, and never again', async () => {
    const admin = await adminCookie();
    const created = await fetch(`${issuer}/api/identity/v1/clients`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: 'gis-viewer',
        nameZh: '地图浏览',
        nameEn: 'GIS viewer',
        ownerOrgUnitCode: 'XD2',
        grantTypes: ['authorization_code'],
        scopes: ['openid', 'profile'],
        redirectUris: ['https://gis.example.gov.cn/cb', 'http://localhost:8080/cb'],
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const body = (await created.json()) as { clientSecret: string; client: unknown };
    expect(body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.client).toMatchObject({ clientId: 'gis-viewer', enabled: true, firstParty: false });
    const read = await (
      await fetch(`${issuer}/api/identity/v1/clients/gis-viewer`, { headers: { cookie: admin } })
    ).text();
    expect(read).not.toContain(body.clientSecret);
    const rotated = await fetch(`${issuer}/api/identity/v1/clients/gis-viewer/rotate-secret`, {
      method: 'POST',
      headers: { cookie: admin },
    });
    expect(((await rotated.json()) as { clientSecret: string }).clientSecret).not.toBe(body.clientSecret);
    const audit = JSON.stringify(
      await platform.runtime.database.kysely
        .selectFrom('platform.audit_log' as never)
        .selectAll()
        .execute(),
    );
    expect(audit).not.toContain(body.clientSecret);
  });

  it('answers a bad registration with a problem naming every bad field, and changes nothing', async () => {
    const admin = await adminCookie();
    const { database } = platform.runtime;
    const count = async () =>
      (
        await database.kysely
          .selectFrom('identity.oidc_client' as never)
          .selectAll()
          .execute()
      ).length;
    const before = await count();
    const response = await fetch(`${issuer}/api/identity/v1/clients`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json', 'accept-language': 'en' },
      body: JSON.stringify({
        clientId: 'Bad_Id',
        nameZh: '',
        nameEn: 'Bad',
        ownerOrgUnitCode: 'NOPE',
        grantTypes: ['authorization_code', 'password'],
        scopes: ['profile', 'everything'],
        redirectUris: ['http://evil.example.com/cb', 'https://ok.example.gov.cn/cb#frag', 'not a url'],
        backchannelLogoutUri: 'ftp://x.example',
      }),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; errors: unknown[] };
    expect(problem.code).toBe('identity.client_invalid');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/clientId', reason: 'pattern' },
        { pointer: '/nameZh', reason: 'required' },
        { pointer: '/ownerOrgUnitCode', reason: 'not_found' },
        { pointer: '/grantTypes/1', reason: 'one_of' },
        { pointer: '/scopes/1', reason: 'one_of' },
        { pointer: '/scopes', reason: 'openid_required' },
        { pointer: '/redirectUris/0', reason: 'https_required' },
        { pointer: '/redirectUris/1', reason: 'fragment' },
        { pointer: '/redirectUris/2', reason: 'not_a_url' },
        { pointer: '/backchannelLogoutUri', reason: 'scheme' },
      ]),
    );
    expect(problem.errors).toHaveLength(10);
    expect(await count()).toBe(before);
  });

  it('refuses the anonymous and the unpermitted', async () => {
    expect((await fetch(`${issuer}/api/identity/v1/clients`)).status).toBe(401);
    const { openSession } = await import('../session.service.js');
    const { token } = await openSession(platform.runtime.database.kysely, {
      subjectKind: 'staff',
      subjectId: DENIED_ID,
      ip: null,
      userAgent: null,
      secondFactor: false,
    });
    const cookie = `${SESSION_COOKIE}=${token}`;
    const list = await fetch(`${issuer}/api/identity/v1/clients`, { headers: { cookie } });
    expect(await list.json()).toMatchObject({ items: [], total: 0 });
    const rotate = await fetch(`${issuer}/api/identity/v1/clients/oa-system/rotate-secret`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(rotate.status).toBe(403);
  });
});

/** A platform session for the administrator the test policy lets do everything. */
async function adminCookie(): Promise<string> {
  const { openSession } = await import('../session.service.js');
  const { database } = platform.runtime;
  const admin = await createPerson(database.kysely, makePerson(), acting);
  const { token } = await openSession(database.kysely, {
    subjectKind: 'staff',
    subjectId: admin.id,
    ip: null,
    userAgent: null,
    secondFactor: true,
  });
  return `${SESSION_COOKIE}=${token}`;
}
