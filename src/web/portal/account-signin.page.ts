/**
 * The public sign-in page: the kind of account (citizen or enterprise), the login and the password.
 * A failed sign-in names no field: which part was wrong is exactly what it must not tell.
 */
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { type FormState, renderChoices, renderErrorSummary, renderField } from './account-form.js';
import { ACCOUNT_STYLESHEET } from './account-pages.css.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './account-pages.messages.js';

/** A line shown above the form after registering or signing out. */
export type SignInNotice = 'registered' | 'signed_out';

/**
 * The whole sign-in page.
 * @example reply.send(renderSignInPage(EMPTY_FORM, 'zh-CN', 'registered').markup)
 */
/** `next`: the path of this site to return to after signing in, carried through the form. */
export function renderSignInPage(state: FormState, locale: Locale, notice?: SignInNotice, next?: string): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const kinds = (['citizen', 'enterprise'] as const).map((kind) => [kind, t(`portal.account.kind.${kind}`)] as const);
  const main = html`<h1>${t('portal.account.signin.title')}</h1>
${notice && html`<p class="notice" role="status">${t(`portal.account.signin.${notice}`)}</p>\n`}${renderErrorSummary(state, locale)}<form class="account-form" method="post" action="/account/signin" novalidate>
${next ? html`<input type="hidden" name="next" value="${next}">\n` : ''}${renderChoices('kind', kinds, state, locale, 'citizen')}${renderField(
  { name: 'login', type: 'text', autocomplete: 'username' },
  state,
  locale,
)}${renderField({ name: 'password', type: 'password', autocomplete: 'current-password' }, state, locale)}<button type="submit">${t('portal.account.signin.submit')}</button>
</form>
<p>${t('portal.account.signin.no_account')} <a href="/account/register">${t('portal.account.signin.register_link')}</a></p>
<p>${t('portal.account.signin.staff_hint')} <a href="/signin">${t('portal.account.signin.staff_link')}</a></p>
`;
  return renderPage({
    locale,
    title: t('portal.account.signin.title'),
    sections: [],
    main,
    languageSwitchPath: '/account/signin',
    stylesheets: [ACCOUNT_STYLESHEET],
  });
}
