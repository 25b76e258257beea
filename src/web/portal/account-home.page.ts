/**
 * "My account": what the signed-in holder registered, the identity number showing its last 4
 * characters only, and the sign-out button (a form: signing out changes state, so it is a POST).
 */
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { ACCOUNT_STYLESHEET } from './account-pages.css.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './account-pages.messages.js';
import './cases.messages.js';

/** The holder's own account as the page shows it: the identity number already cut to its last 4. */
export interface AccountHomeView {
  kind: 'citizen' | 'enterprise';
  personName: string;
  residentId: string;
  creditCode: string | null;
  enterpriseName: string | null;
  agentRole: string | null;
  mobile: string;
  email: string | null;
  createdAt: string;
}

/**
 * The whole "my account" page.
 * @example reply.send(renderAccountHomePage(presentMyPublicAccount(account), 'zh-CN').markup)
 */
export function renderAccountHomePage(account: AccountHomeView, locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const row = (labelKey: string, value: string | null) =>
    html`<dt>${t(labelKey)}</dt><dd>${value ?? t('portal.account.none')}</dd>
`;
  const enterprise = account.kind === 'enterprise';
  const main = html`<h1>${t('portal.account.home.title')}</h1>
<p>${t('portal.account.home.signed_in_as', { kind: t(`portal.account.kind.${account.kind}`) })}</p>
<dl class="account-details">
${enterprise ? row('portal.account.field.enterpriseName', account.enterpriseName) : ''}${enterprise ? row('portal.account.field.creditCode', account.creditCode) : ''}${enterprise && account.agentRole ? row('portal.account.field.agentRole', t(`portal.account.agent_role.${account.agentRole}`)) : ''}${row(enterprise ? 'portal.account.field.agentName' : 'portal.account.field.name', account.personName)}${row(enterprise ? 'portal.account.field.agentResidentId' : 'portal.account.field.residentId', account.residentId)}${row('portal.account.field.mobile', account.mobile)}${row('portal.account.field.email', account.email)}${row('portal.account.home.created', account.createdAt.slice(0, 10))}</dl>
<p class="hint">${t('portal.account.home.residentId_note')}</p>
<p><a href="/account/cases">${t('portal.cases.account_link')}</a></p>
<form class="signout-form" method="post" action="/account/signout">
<button type="submit">${t('portal.account.signout')}</button>
</form>
`;
  return renderPage({
    locale,
    title: t('portal.account.home.title'),
    sections: [],
    main,
    languageSwitchPath: '/account',
    stylesheets: [ACCOUNT_STYLESHEET],
  });
}
