/**
 * `/account/cases`: the signed-in account's applications (number, service, status, due day), a page
 * at a time, and its messages — one per change of a case, newest first, unread ones marked in text —
 * with a button that marks them read.
 */
import type { CasePage, Notification } from '../../modules/cases/index.js';
import { hasMessage, type Locale, translate } from '../../platform/i18n/messages.js';
import { ACCOUNT_STYLESHEET } from './account-pages.css.js';
import { CASES_STYLESHEET } from './cases.css.js';
import { chinaTime, lightBadge, statusText } from './cases-view.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './cases.messages.js';

export interface MyCasesPage {
  cases: CasePage;
  /** 1-based. */
  page: number;
  notifications: { items: Notification[]; total: number };
  notice?: 'read' | undefined;
}

/**
 * The whole "my applications" page.
 * @example reply.send(renderMyCasesPage({ cases, page: 1, notifications }, 'zh-CN').markup)
 */
export function renderMyCasesPage(view: MyCasesPage, locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const { cases } = view;
  const title = t('portal.cases.mine.title');
  const zh = locale === 'en' ? html` lang="zh-CN"` : '';
  const main = html`<h1>${title}</h1>
${view.notice && html`<p class="notice" role="status">${t('portal.cases.notifications.marked')}</p>\n`}${
  cases.total === 0
    ? html`<p>${t('portal.cases.mine.none')} <a href="/services">${t('portal.nav.services')}</a></p>\n`
    : html`<div class="table-scroll" role="region" aria-labelledby="cases-caption" tabindex="0">
<table class="case-table">
<caption id="cases-caption">${t('portal.cases.mine.caption', { total: cases.total })}</caption>
<thead><tr><th scope="col">${t('portal.cases.column.number')}</th><th scope="col">${t('portal.cases.column.item')}</th><th scope="col">${t('portal.cases.column.status')}</th><th scope="col">${t('portal.cases.column.due')}</th><th scope="col">${t('portal.cases.column.submitted')}</th></tr></thead>
<tbody>
${cases.items.map(
  (
    item,
  ) => html`<tr><th scope="row"><a class="case-number" href="/account/cases/${item.id}">${item.number}</a></th><td${zh}>${item.itemNameZh}</td><td>${statusText(item.status, locale)}</td><td>${item.dueOn ?? t('portal.cases.not_yet')} ${lightBadge(item.light, locale)}</td><td>${chinaTime(item.submittedAt)}</td></tr>
`,
)}</tbody>
</table>
</div>
${pager(view, locale)}`
}${notificationsSection(view.notifications, locale)}`;
  return renderPage({
    locale,
    title,
    sections: [],
    main,
    languageSwitchPath: '/account/cases',
    stylesheets: [ACCOUNT_STYLESHEET, CASES_STYLESHEET],
  });
}

function pager({ cases, page }: MyCasesPage, locale: Locale): SafeHtml | '' {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const pages = Math.max(1, Math.ceil(cases.total / cases.limit));
  if (pages <= 1) return '';
  return html`<nav class="pager" aria-label="${t('portal.cases.pages.label')}">
<ul role="list">
${page > 1 && html`<li><a href="/account/cases?page=${page - 1}" rel="prev">${t('portal.cases.pages.previous')}</a></li>\n`}<li aria-current="page">${t('portal.cases.pages.current', { page, pages })}</li>
${page < pages && html`<li><a href="/account/cases?page=${page + 1}" rel="next">${t('portal.cases.pages.next')}</a></li>\n`}</ul>
</nav>
`;
}

function notificationsSection(notifications: MyCasesPage['notifications'], locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const unread = notifications.items.filter((item) => item.readAt === null);
  const newest = notifications.items[0];
  return html`<section class="case-section" aria-labelledby="notifications-heading">
<h2 id="notifications-heading">${t('portal.cases.notifications.title')}${unread.length > 0 ? html` <span class="new-mark">${t('portal.cases.notifications.unread', { count: unread.length })}</span>` : ''}</h2>
${
  notifications.items.length === 0
    ? html`<p>${t('portal.cases.notifications.none')}</p>\n`
    : html`<ul class="notification-list">
${notifications.items.map(
  (
    item,
  ) => html`<li>${item.readAt === null ? html`<span class="new-mark">${t('portal.cases.notifications.new')}</span> ` : ''}<time datetime="${item.createdAt.toISOString()}">${chinaTime(item.createdAt)}</time> <a href="/account/cases/${item.caseId}">${t('portal.cases.notifications.about', { number: item.caseNumber })}</a>${locale === 'en' ? ': ' : '：'}${notificationText(item, locale)}</li>
`,
)}</ul>
`
}${
  unread.length > 0 && newest
    ? html`<form class="inline-form" method="post" action="/account/notifications/read">
<input type="hidden" name="upTo" value="${newest.id}">
<button type="submit">${t('portal.cases.notifications.mark_read')}</button>
</form>
`
    : ''
}</section>
`;
}

/** What a message says: the change (the case's status now is on its own page). */
function notificationText(item: Notification, locale: Locale): string {
  const key = `portal.cases.action.${item.kind}`;
  return hasMessage(key) ? translate(key, locale) : translate('portal.cases.notification.kind', locale);
}
