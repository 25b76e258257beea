/**
 * The registration page: a citizen's form or an enterprise's, chosen by a tab that is a plain link
 * (`?type=enterprise`), so it works without JavaScript.
 */
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { type FormState, renderChoices, renderErrorSummary, renderField } from './account-form.js';
import { ACCOUNT_STYLESHEET } from './account-pages.css.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './account-pages.messages.js';

export type RegistrationKind = 'citizen' | 'enterprise';

/**
 * The whole registration page for one kind, with what the last submission left (values, errors).
 * @example reply.send(renderRegisterPage('citizen', EMPTY_FORM, 'zh-CN').markup)
 */
export function renderRegisterPage(kind: RegistrationKind, state: FormState, locale: Locale): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const title = `${t('portal.account.register.title')}${locale === 'en' ? ': ' : '：'}${t(`portal.account.kind.${kind}`)}`;
  const tab = (target: RegistrationKind, href: string) =>
    html`<li><a href="${href}"${target === kind ? html` aria-current="page"` : ''}>${t(`portal.account.kind.${target}`)}</a></li>`;
  const form = kind === 'citizen' ? citizenFields(state, locale) : enterpriseFields(state, locale);
  const main = html`<h1>${t('portal.account.register.title')}</h1>
<p class="lead">${t('portal.account.register.intro')}</p>
<nav aria-label="${t('portal.account.register.kinds')}">
<ul class="tabs">
${tab('citizen', '/account/register')}
${tab('enterprise', '/account/register?type=enterprise')}
</ul>
</nav>
${renderErrorSummary(state, locale)}<form class="account-form" method="post" action="/account/register/${kind}" novalidate>
<h2>${t(`portal.account.kind.${kind}`)}</h2>
${form}<button type="submit">${t('portal.account.register.submit')}</button>
</form>
<p>${t('portal.account.register.have_account')} <a href="/account/signin">${t('portal.account.signin.title')}</a></p>
`;
  return renderPage({
    locale,
    title,
    sections: [],
    main,
    languageSwitchPath: '/account/register',
    stylesheets: [ACCOUNT_STYLESHEET],
  });
}

function citizenFields(state: FormState, locale: Locale): SafeHtml {
  return html`${renderField({ name: 'residentId', type: 'text', autocomplete: 'off' }, state, locale)}${renderField(
    { name: 'name', type: 'text', autocomplete: 'name' },
    state,
    locale,
  )}${commonFields(state, locale)}`;
}

function enterpriseFields(state: FormState, locale: Locale): SafeHtml {
  const roles = (['legal_representative', 'agent'] as const).map(
    (role) => [role, translate(`portal.account.agent_role.${role}`, locale)] as const,
  );
  return html`${renderField({ name: 'creditCode', type: 'text', autocomplete: 'off' }, state, locale)}${renderField(
    { name: 'enterpriseName', type: 'text', autocomplete: 'organization' },
    state,
    locale,
  )}${renderChoices('agentRole', roles, state, locale, 'legal_representative')}${renderField(
    { name: 'agentName', type: 'text', autocomplete: 'name' },
    state,
    locale,
  )}${renderField({ name: 'agentResidentId', type: 'text', autocomplete: 'off' }, state, locale)}${commonFields(
    state,
    locale,
  )}`;
}

function commonFields(state: FormState, locale: Locale): SafeHtml {
  return html`${renderField({ name: 'mobile', type: 'tel', autocomplete: 'tel-national', inputmode: 'numeric' }, state, locale)}${renderField(
    { name: 'email', type: 'email', autocomplete: 'email', optional: true },
    state,
    locale,
  )}${renderField({ name: 'password', type: 'password', autocomplete: 'new-password' }, state, locale)}`;
}
