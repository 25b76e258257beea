/**
 * The pages of the OpenID Provider's sign-in (login, two-step verification, consent) and logout, in
 * the portal's look: server-rendered, Chinese first, English by `ui_locales`, the language cookie or
 * the browser; labelled fields, one h1, problems announced with role="alert"; no script, so they work
 * without JavaScript under the platform's CSP. The module hands them their data
 * (src/modules/identity/oidc/oidc-pages.ts describes the views); they only render.
 */
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { html, type SafeHtml } from '../portal/html.js';
import { PORTAL_CSS_VERSION } from '../portal/portal.css.js';
import { portalLocale } from '../portal/portal-locale.js';
import './oidc-pages.messages.js';

export interface PageRequest {
  acceptLanguage: string | undefined;
  cookie: string | undefined;
  uiLocales: string | undefined;
}

export interface PageProblem {
  code: string;
  params: Record<string, unknown>;
}

/** The sign-in and logout pages, for the identity module's OpenID Provider. */
export const oidcSignInPages = {
  login(
    request: PageRequest,
    view: { action: string; clientName: string; login: string; problem: PageProblem | null },
  ) {
    const t = translator(request);
    return document(
      t,
      t.text('oidc.page.login.title'),
      html`
<h1>${t.text('oidc.page.login.title')}</h1>
<p class="lead">${t.text('oidc.page.login.intro', { client: view.clientName })}</p>
${problemOf(t, view.problem)}
<form method="post" action="${view.action}" class="signin-form">
<p><label for="login">${t.text('oidc.page.login.login')}</label>
<input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${view.login}"${focusUnless(view.login !== '')}></p>
<p><label for="password">${t.text('oidc.page.login.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusUnless(view.login === '')}></p>
<p><button type="submit">${t.text('oidc.page.login.submit')}</button></p>
</form>`,
    );
  },

  secondFactor(
    request: PageRequest,
    view: { action: string; clientName: string; pendingToken: string; problem: PageProblem | null },
  ) {
    const t = translator(request);
    return document(
      t,
      t.text('oidc.page.second_factor.title'),
      html`
<h1>${t.text('oidc.page.second_factor.title')}</h1>
<p class="lead">${t.text('oidc.page.second_factor.intro')}</p>
${problemOf(t, view.problem)}
<form method="post" action="${view.action}" class="signin-form">
<input type="hidden" name="pendingToken" value="${view.pendingToken}">
<p><label for="totpCode">${t.text('oidc.page.second_factor.totp')}</label>
<input id="totpCode" name="totpCode" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="10" autofocus></p>
<p><label for="recoveryCode">${t.text('oidc.page.second_factor.recovery')}</label>
<input id="recoveryCode" name="recoveryCode" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="40"></p>
<p><button type="submit">${t.text('oidc.page.second_factor.submit')}</button></p>
</form>`,
    );
  },

  consent(request: PageRequest, view: { action: string; clientName: string; scopes: string[] }) {
    const t = translator(request);
    return document(
      t,
      t.text('oidc.page.consent.title'),
      html`
<h1>${t.text('oidc.page.consent.title')}</h1>
<p class="lead" id="consent-intro">${t.text('oidc.page.consent.intro', { client: view.clientName })}</p>
<ul class="scope-list" aria-labelledby="consent-intro">
${view.scopes.map(
  (scope) => html`<li>${t.text(`oidc.page.scope.${scope}`)}</li>
`,
)}</ul>
<form method="post" action="${view.action}" class="signin-form">
<p><button type="submit" name="decision" value="approve" autofocus>${t.text('oidc.page.consent.approve')}</button>
<button type="submit" name="decision" value="deny" class="secondary">${t.text('oidc.page.consent.deny')}</button></p>
</form>`,
    );
  },

  logout(request: PageRequest, view: { action: string; xsrf: string; clientName: string | null }) {
    const t = translator(request);
    const intro = view.clientName
      ? t.text('oidc.page.logout.intro_client', { client: view.clientName })
      : t.text('oidc.page.logout.intro');
    return document(
      t,
      t.text('oidc.page.logout.title'),
      html`
<h1>${t.text('oidc.page.logout.title')}</h1>
<p class="lead">${intro}</p>
<form method="post" action="${view.action}" class="signin-form">
<input type="hidden" name="xsrf" value="${view.xsrf}">
<p><button type="submit" name="logout" value="yes" autofocus>${t.text('oidc.page.logout.everywhere')}</button>
<button type="submit" class="secondary">${t.text('oidc.page.logout.only_client')}</button></p>
</form>`,
    );
  },

  loggedOut(request: PageRequest, _view: { clientName: string | null }) {
    const t = translator(request);
    return document(
      t,
      t.text('oidc.page.logged_out.title'),
      html`
<h1>${t.text('oidc.page.logged_out.title')}</h1>
<p>${t.text('oidc.page.logged_out.body')}</p>`,
    );
  },

  error(request: PageRequest, view: { error: string; description: string | null }) {
    const t = translator(request);
    const message =
      view.error === 'interaction_expired'
        ? t.text('oidc.page.error.interaction_expired')
        : t.text('oidc.page.error.other', { error: view.error });
    return document(
      t,
      t.text('oidc.page.error.title'),
      html`
<h1>${t.text('oidc.page.error.title')}</h1>
<p role="alert">${message}</p>`,
    );
  },
};

interface Translator {
  locale: Locale;
  text(key: string, params?: Record<string, unknown>): string;
}

function translator(request: PageRequest): Translator {
  const asked = request.uiLocales?.split(' ').find((tag) => /^(zh|en)\b/i.test(tag));
  const { locale } = portalLocale(asked?.slice(0, 2).toLowerCase(), request.cookie, request.acceptLanguage);
  return { locale, text: (key, params) => translate(key, locale, params) };
}

function problemOf(t: Translator, problem: PageProblem | null): SafeHtml | null {
  if (!problem) return null;
  const detail = translate(`${problem.code}.detail`, t.locale, problem.params);
  const text = detail === `${problem.code}.detail` ? t.text(problem.code, problem.params) : detail;
  return html`<div class="notice" role="alert"><p><strong>${t.text(problem.code, problem.params)}</strong></p><p>${text}</p></div>`;
}

/** One field gets the focus: the password when the login is filled in again, the login otherwise. */
function focusUnless(condition: boolean): SafeHtml | null {
  return condition ? null : html` autofocus`;
}

/** Form styles on top of the portal's stylesheet; inline styles are allowed by the CSP, scripts are not. */
const SIGNIN_STYLE = html`<style>
.signin { max-width: 26rem; }
.signin-form label { display: block; font-weight: 600; margin-bottom: .25rem; }
.signin-form input[type=text], .signin-form input[type=password] { width: 100%; padding: .5rem; font: inherit; border: 1px solid #555; border-radius: 4px; }
.signin-form button { font: inherit; padding: .5rem 1.25rem; border: 0; border-radius: 4px; background: #0b5cad; color: #fff; cursor: pointer; }
.signin-form button.secondary { background: #fff; color: #0b5cad; border: 1px solid #0b5cad; }
.signin-form input:focus-visible, .signin-form button:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.scope-list li { margin: .25rem 0; }
</style>`;

function document(t: Translator, title: string, main: SafeHtml): string {
  return html`<!doctype html>
<html lang="${t.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title} · ${t.text('oidc.page.platform_name')}</title>
<link rel="stylesheet" href="/assets/portal.css?v=${PORTAL_CSS_VERSION}">
${SIGNIN_STYLE}
</head>
<body>
<header class="site-header">
<div class="wrap">
<p class="site-name">${t.text('oidc.page.platform_name')}</p>
</div>
</header>
<main id="main">
<div class="wrap signin">
${main}
</div>
</main>
</body>
</html>
`.markup;
}
