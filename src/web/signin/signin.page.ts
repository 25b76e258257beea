/**
 * The staff sign-in page in its two steps: login and password, then (for an account with two-step
 * verification) the code, carrying a sealed pending token instead of the password. Server-rendered in
 * the portal's shell; labelled fields; a problem is announced with role="alert" and marks the field
 * it concerns; no script.
 */
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { html, type SafeHtml } from '../portal/html.js';
import { renderPage } from '../portal/portal-layout.js';
import { SIGNIN_CSS_VERSION } from './signin.css.js';
import './signin.messages.js';

export interface SignInView {
  locale: Locale;
  step: 'password' | 'code';
  /** Where to go after signing in: already checked to be a same-origin path. */
  next: string;
  /** The login as typed, to keep after an error (never the password). */
  login?: string;
  /** The sealed proof of the password, for the code step. */
  pendingToken?: string;
  /** What went wrong, already in the page's language. */
  error?: string;
}

/**
 * The whole page for a step, with its error if any.
 * @example renderSignInPage({ locale: 'zh-CN', step: 'password', next: '/workbench/' })
 */
export function renderSignInPage(view: SignInView): SafeHtml {
  const t = (key: string) => translate(key, view.locale);
  const title = view.step === 'code' ? t('signin.code.title') : t('signin.title');
  const invalid = view.error ? 'true' : 'false';
  const errorBox =
    view.error &&
    html`<div class="signin-error" role="alert" id="signin-error">
<h2>${t('signin.error.heading')}</h2>
<p>${view.error}</p>
</div>
`;
  const describedBy = view.error ? 'signin-error' : undefined;
  const form =
    view.step === 'code'
      ? html`<form class="signin" method="post" action="/signin" novalidate>
<input type="hidden" name="step" value="code">
<input type="hidden" name="pending" value="${view.pendingToken}">
<input type="hidden" name="next" value="${view.next}">
<label for="code">${t('signin.code')}</label>
<input type="text" id="code" name="code" inputmode="text" autocomplete="one-time-code" autocapitalize="off" spellcheck="false" required autofocus aria-invalid="${invalid}"${describedByAttribute(describedBy)}>
<button type="submit">${t('signin.code.submit')}</button>
</form>
<p><a href="/signin?next=${encodeURIComponent(view.next)}">${t('signin.code.restart')}</a></p>
`
      : html`<form class="signin" method="post" action="/signin" novalidate>
<input type="hidden" name="step" value="password">
<input type="hidden" name="next" value="${view.next}">
<label for="login">${t('signin.login')} <span class="hint" id="login-hint">${t('signin.login.hint')}</span></label>
<input type="text" id="login" name="login" value="${view.login ?? ''}" autocomplete="username" autocapitalize="off" spellcheck="false" required aria-describedby="login-hint${describedBy ? ` ${describedBy}` : ''}" aria-invalid="${invalid}">
<label for="password">${t('signin.password')}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required aria-invalid="${invalid}"${describedByAttribute(describedBy)}>
<button type="submit">${t('signin.submit')}</button>
</form>
`;
  return renderPage({
    locale: view.locale,
    title,
    sections: [],
    languageSwitchPath: '/signin',
    stylesheets: [`/assets/signin.css?v=${SIGNIN_CSS_VERSION}`],
    main: html`<h1>${title}</h1>
<p class="lead">${view.step === 'code' ? t('signin.code.lead') : t('signin.lead')}</p>
${errorBox}${form}<p>${t('signin.help')}</p>
`,
  });
}

function describedByAttribute(id: string | undefined): SafeHtml {
  return id ? html` aria-describedby="${id}"` : html``;
}
