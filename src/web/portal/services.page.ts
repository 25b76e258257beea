/**
 * The service catalogue pages: `/services`, a search over the published items with filters and
 * pages, and `/services/{code}`, one item with its conditions, materials, limits, fees, where to
 * apply, its result and its application form rendered from the item's JSON Schema. The form here is a
 * disabled preview; an item handled online links to its application page (`/services/{code}/apply`,
 * case-pages.routes.ts), which needs a signed-in public account.
 *
 * Accessibility (WCAG 2.1 AA / GB/T 37668): every control has a visible label, hints are tied with
 * aria-describedby, required fields say so in text as well as with `required`, tables have captions
 * and header cells, nested form objects are fieldsets with legends, and paging is a labelled nav
 * with the current page marked.
 */
import { createHash } from 'node:crypto';
import { listOrgUnits, type OrgUnit } from '../../modules/directory/index.js';
import {
  DEFAULT_PAGE_LIMIT,
  describeForm,
  type FormField,
  getPublishedItem,
  ITEM_TYPE_NAMES,
  type ItemPage,
  type ItemType,
  type ItemVersion,
  listPublishedDepartments,
  listPublishedItems,
} from '../../modules/services/index.js';
import type { Executor } from '../../platform/db/database.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './cases.messages.js';
import './services.messages.js';

/** What a reader asked for on the list page, already made safe to use. */
export interface ServicesQuery {
  q: string;
  department: string;
  type: ItemType | '';
  online: boolean;
  /** 1-based. */
  page: number;
}

export interface ServicesListPage {
  query: ServicesQuery;
  result: ItemPage;
  departments: Array<{ unit: OrgUnit; count: number }>;
  units: ReadonlyMap<string, OrgUnit>;
}

export interface ServiceItemPage {
  item: ItemVersion;
  units: ReadonlyMap<string, OrgUnit>;
}

/** The highest page a link may ask for: beyond the catalogue's size, and cheap to refuse quietly. */
const MAX_PAGE = 10_000;

/**
 * The list page's query from the raw query string: unknown values fall back to "all" rather than
 * an error, because these are links people share and edit.
 * @example servicesQuery({ q: '身份证', page: '2' }) // { q: '身份证', department: '', type: '', online: false, page: 2 }
 */
export function servicesQuery(raw: Record<string, string | undefined>): ServicesQuery {
  const page = Number.parseInt(raw.page ?? '1', 10);
  return {
    q: (raw.q ?? '').trim().slice(0, 100),
    department: /^[A-Za-z0-9_-]{1,64}$/.test(raw.department ?? '') ? raw.department! : '',
    type: (ITEM_TYPE_NAMES as readonly string[]).includes(raw.type ?? '') ? (raw.type as ItemType) : '',
    online: raw.online === 'true',
    page: Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1,
  };
}

/** @example const page = await loadServicesList(db, servicesQuery(request.query)); */
export async function loadServicesList(executor: Executor, query: ServicesQuery): Promise<ServicesListPage> {
  const [result, counts, units] = await Promise.all([
    listPublishedItems(
      executor,
      {
        q: query.q || undefined,
        department: query.department || undefined,
        type: query.type || undefined,
        online: query.online ? true : undefined,
      },
      { limit: DEFAULT_PAGE_LIMIT, offset: (query.page - 1) * DEFAULT_PAGE_LIMIT },
    ),
    listPublishedDepartments(executor),
    unitsByCode(executor),
  ]);
  const departments = counts.flatMap(({ departmentCode, count }) => {
    const unit = units.get(departmentCode);
    return unit ? [{ unit, count }] : [];
  });
  departments.sort((a, b) => a.unit.sortOrder - b.unit.sortOrder || a.unit.code.localeCompare(b.unit.code));
  return { query, result, departments, units };
}

/**
 * @throws NotFoundError `services.item_not_found`
 * @example const page = await loadServiceItem(db, code);
 */
export async function loadServiceItem(executor: Executor, code: string): Promise<ServiceItemPage> {
  const [item, units] = await Promise.all([getPublishedItem(executor, code), unitsByCode(executor)]);
  return { item, units };
}

async function unitsByCode(executor: Executor): Promise<Map<string, OrgUnit>> {
  const { items } = await listOrgUnits(executor, {
    kinds: ['district', 'department', 'town', 'street', 'service_centre'],
  });
  return new Map(items.map((unit) => [unit.code, unit]));
}

interface Words {
  locale: Locale;
  t(key: string, params?: Record<string, unknown>): string;
  unit(code: string, units: ReadonlyMap<string, OrgUnit>): string;
  name(item: { nameZh: string; nameEn: string }): string;
  limit(days: number): string;
}

function wordsOf(locale: Locale): Words {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  return {
    locale,
    t,
    unit: (code, units) => {
      const unit = units.get(code);
      return unit ? (locale === 'en' ? unit.nameEn : unit.nameZh) : code;
    },
    name: (item) => (locale === 'en' ? item.nameEn : item.nameZh),
    limit: (days) => (days === 0 ? t('portal.services.limit_immediate') : t('portal.services.limit_days', { days })),
  };
}

/**
 * The list page: the search form, the count, the results and the pages.
 * @example reply.send(renderServicesList(page, 'zh-CN').markup)
 */
export function renderServicesList(page: ServicesListPage, locale: Locale): SafeHtml {
  const words = wordsOf(locale);
  const { t } = words;
  const { result } = page;
  const heading = t('portal.services.heading');
  const from = result.total === 0 ? 0 : result.offset + 1;
  const to = result.offset + result.items.length;
  const main = html`<h1>${heading}</h1>
<p class="lead">${t('portal.services.intro')}</p>
${searchForm(page, words)}
<section aria-labelledby="results-heading">
<h2 id="results-heading">${t('portal.services.results.heading')}</h2>
<p role="status">${result.total === 0 ? t('portal.services.results.none') : t('portal.services.results', { total: result.total, from, to })}</p>
${
  result.items.length > 0 &&
  html`<ul class="service-list" role="list">
${result.items.map(
  (item) => html`<li>
<a class="service-name" href="/services/${item.code}">${words.name(item)}</a>
<span class="service-facts">${t(`services.type.${item.type}`)} · ${words.unit(item.departmentCode, page.units)} · ${t('portal.services.promised', { limit: words.limit(item.promisedLimitDays) })}${item.channels.online ? html` · <span class="service-online">${t('portal.services.online')}</span>` : ''}</span>
</li>
`,
)}</ul>
`
}${pager(page, words)}</section>`;
  return renderPage({
    locale,
    title: heading,
    sections: [],
    main,
    languageSwitchPath: '/services',
    stylesheets: [SERVICES_STYLESHEET],
  });
}

function searchForm({ query, departments }: ServicesListPage, { t, locale }: Words): SafeHtml {
  const selected = (on: boolean) => (on ? html` selected` : '');
  return html`<form class="service-search" method="get" action="/services" role="search" aria-labelledby="search-legend">
<fieldset>
<legend id="search-legend">${t('portal.services.search.legend')}</legend>
<div class="field">
<label for="q">${t('portal.services.search.q')}</label>
<p class="hint" id="q-hint">${t('portal.services.search.q.hint')}</p>
<input id="q" name="q" type="search" value="${query.q}" maxlength="100" aria-describedby="q-hint">
</div>
<div class="field">
<label for="department">${t('portal.services.search.department')}</label>
<select id="department" name="department">
<option value="">${t('portal.services.search.any')}</option>
${departments.map(
  ({ unit, count }) =>
    html`<option value="${unit.code}"${selected(unit.code === query.department)}>${locale === 'en' ? unit.nameEn : unit.nameZh} (${count})</option>
`,
)}</select>
</div>
<div class="field">
<label for="type">${t('portal.services.search.type')}</label>
<select id="type" name="type">
<option value="">${t('portal.services.search.any')}</option>
${ITEM_TYPE_NAMES.map(
  (type) => html`<option value="${type}"${selected(type === query.type)}>${t(`services.type.${type}`)}</option>
`,
)}</select>
</div>
<div class="choice"><input type="checkbox" id="online" name="online" value="true"${query.online ? html` checked` : ''}><label for="online">${t('portal.services.search.online')}</label></div>
<p class="actions"><button type="submit">${t('portal.services.search.submit')}</button> <a href="/services">${t('portal.services.search.clear')}</a></p>
</fieldset>
</form>`;
}

function pager({ query, result }: ServicesListPage, { t }: Words): SafeHtml | '' {
  const pages = Math.max(1, Math.ceil(result.total / result.limit));
  if (pages <= 1) return '';
  const link = (page: number) => {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.department) params.set('department', query.department);
    if (query.type) params.set('type', query.type);
    if (query.online) params.set('online', 'true');
    params.set('page', String(page));
    return `/services?${params.toString()}`;
  };
  return html`<nav class="pager" aria-label="${t('portal.services.pages.label')}">
<ul role="list">
${query.page > 1 && html`<li><a href="${link(query.page - 1)}" rel="prev">${t('portal.services.pages.previous')}</a></li>\n`}<li aria-current="page">${t('portal.services.pages.current', { page: query.page, pages })}</li>
${query.page < pages && html`<li><a href="${link(query.page + 1)}" rel="next">${t('portal.services.pages.next')}</a></li>\n`}</ul>
</nav>
`;
}

/**
 * One item's page.
 * @example reply.send(renderServiceItem(page, 'en').markup)
 */
export function renderServiceItem({ item, units }: ServiceItemPage, locale: Locale): SafeHtml {
  const words = wordsOf(locale);
  const { t } = words;
  const title = words.name(item);
  const fact = (key: string, value: string | SafeHtml) => html`<dt>${t(key)}</dt><dd>${value}</dd>\n`;
  // Legal basis and conditions are written in Chinese only: marked so (WCAG 2.1 3.1.2) on English pages.
  const zhPart = locale === 'en' ? html` lang="zh-CN"` : '';
  const sections: Array<{ id: string; label: string; body: SafeHtml }> = [
    {
      id: 'basis',
      label: t('portal.services.section.basis'),
      body: html`<ul${zhPart}>\n${item.legalBasis.map((basis) => html`<li>${basis}</li>\n`)}</ul>`,
    },
    {
      id: 'conditions',
      label: t('portal.services.section.conditions'),
      body: html`<p${zhPart}>${item.conditions}</p>`,
    },
    { id: 'materials', label: t('portal.services.section.materials'), body: materialsTable(item, words) },
    { id: 'fees', label: t('portal.services.section.fees'), body: feesBody(item, words) },
    { id: 'where', label: t('portal.services.section.where'), body: whereBody(item, units, words) },
    { id: 'form', label: t('portal.services.section.form'), body: applicationForm(item, words) },
  ];
  const publishedAt = item.publishedAt ? item.publishedAt.toISOString().slice(0, 10) : '';
  const main = html`<p><a href="/services">${t('portal.services.back')}</a></p>
<h1>${title}</h1>
<dl class="service-facts-list">
${fact('portal.services.item.code', item.code)}${fact('portal.services.item.type', t(`services.type.${item.type}`))}${fact(
  'portal.services.item.department',
  words.unit(item.departmentCode, units),
)}${fact('portal.services.item.statutory', words.limit(item.statutoryLimitDays))}${fact(
  'portal.services.item.promised',
  words.limit(item.promisedLimitDays),
)}${fact(
  'portal.services.item.result',
  `${t(`services.result_kind.${item.result.kind}`)}${locale === 'en' ? ': ' : '：'}${words.name(item.result)}`,
)}${fact('portal.services.item.version', t('portal.services.item.version_value', { version: item.version, date: publishedAt }))}</dl>
${item.channels.online && html`<p><a class="apply-link" href="/services/${item.code}/apply">${t('portal.cases.apply.link')}</a></p>\n`}${sections.map(
  ({ id, label, body }) => html`<section id="${id}" aria-labelledby="${id}-heading">
<h2 id="${id}-heading">${label}</h2>
${body}
</section>
`,
)}`;
  return renderPage({
    locale,
    title,
    sections: sections.map(({ id, label }) => ({ id, label })),
    main,
    languageSwitchPath: `/services/${item.code}`,
    stylesheets: [SERVICES_STYLESHEET],
  });
}

function materialsTable(item: ItemVersion, { t, name }: Words): SafeHtml {
  if (item.materials.length === 0) return html`<p>${t('portal.services.materials.none')}</p>`;
  const yesNo = (value: boolean) => t(value ? 'portal.services.yes' : 'portal.services.no');
  return html`<div class="table-scroll" role="region" aria-labelledby="materials-caption" tabindex="0">
<table>
<caption id="materials-caption">${t('portal.services.materials.caption', { name: name(item) })}</caption>
<thead><tr><th scope="col">${t('portal.services.materials.name')}</th><th scope="col">${t('portal.services.materials.form')}</th><th scope="col">${t('portal.services.materials.copies')}</th><th scope="col">${t('portal.services.materials.electronic')}</th><th scope="col">${t('portal.services.materials.required')}</th><th scope="col">${t('portal.services.materials.note')}</th></tr></thead>
<tbody>
${item.materials.map(
  (
    material,
  ) => html`<tr><th scope="row">${name(material)}</th><td>${t(`services.material_form.${material.form}`)}</td><td>${material.copies === 0 ? t('portal.services.materials.check_only') : material.copies}</td><td>${yesNo(material.electronicAccepted)}</td><td>${material.required ? t('portal.services.yes') : t('portal.services.when_applicable')}</td><td>${material.note ?? ''}</td></tr>
`,
)}</tbody>
</table>
</div>`;
}

function feesBody(item: ItemVersion, { t, name }: Words): SafeHtml {
  if (item.fees.length === 0) return html`<p>${t('portal.services.fees.none')}</p>`;
  return html`<table>
<caption>${t('portal.services.fees.caption')}</caption>
<thead><tr><th scope="col">${t('portal.services.fees.name')}</th><th scope="col">${t('portal.services.fees.amount')}</th><th scope="col">${t('portal.services.fees.basis')}</th></tr></thead>
<tbody>
${item.fees.map(
  (
    fee,
  ) => html`<tr><th scope="row">${name(fee)}</th><td>${t('portal.services.fees.yuan', { amount: (fee.amountFen / 100).toFixed(2) })}</td><td>${fee.basis}</td></tr>
`,
)}</tbody>
</table>`;
}

function whereBody(item: ItemVersion, units: ReadonlyMap<string, OrgUnit>, { t, unit }: Words): SafeHtml {
  const { channels } = item;
  return html`<p>${t(channels.online ? 'portal.services.where.online' : 'portal.services.where.offline')}</p>
${channels.anyCentre && html`<p>${t('portal.services.where.any_centre')}</p>\n`}${
  channels.centreCodes.length > 0 &&
  html`<p>${t('portal.services.where.centres')}</p>
<ul>
${channels.centreCodes.map((code) => html`<li>${unit(code, units)}</li>\n`)}</ul>
`
}`;
}

function applicationForm(item: ItemVersion, words: Words): SafeHtml {
  const { t } = words;
  return html`<p class="notice" id="apply-note">${t('portal.services.form.note')}</p>
<form class="service-form" method="post" aria-describedby="apply-note">
<fieldset disabled>
<legend class="visually-hidden">${t('portal.services.section.form')}</legend>
${describeForm(item.form).map((field) => formField(field, words))}<p class="actions"><button type="submit">${t('portal.services.form.submit')}</button></p>
</fieldset>
</form>`;
}

function formField(field: FormField, words: Words): SafeHtml {
  const { t, locale } = words;
  const id = `f${field.pointer.replace(/\//g, '-')}`;
  const name = field.pointer.slice(1).replace(/\//g, '.');
  const title = locale === 'en' ? field.titleEn : field.titleZh;
  const hint = locale === 'en' ? field.hintEn : field.hintZh;
  const mark = field.required ? html`<span class="required">${t('portal.services.form.required')}</span>` : '';
  const hintLine = hint ? html`<p class="hint" id="${id}-hint">${hint}</p>\n` : '';
  const describedBy = hint ? html` aria-describedby="${id}-hint"` : '';
  const required = field.required ? html` required` : '';
  switch (field.kind) {
    case 'group':
      return html`<fieldset class="form-group" id="${id}"${describedBy}>
<legend>${title}${mark}</legend>
${hintLine}${field.fields.map((child) => formField(child, words))}</fieldset>
`;
    case 'boolean':
      return html`<div class="choice"><input type="checkbox" id="${id}" name="${name}" value="true"${describedBy}><label for="${id}">${title}</label></div>
${hintLine}`;
    case 'choice':
      return html`<div class="field">
<label for="${id}">${title}${mark}</label>
${hintLine}<select id="${id}" name="${name}"${describedBy}${required}>
<option value="">${t('portal.services.form.choose')}</option>
${field.options.map((option) => html`<option>${option}</option>\n`)}</select>
</div>
`;
    default: {
      const type = { text: 'text', email: 'email', date: 'date', number: 'number', integer: 'number' }[field.kind];
      const step = field.kind === 'integer' ? html` step="1"` : field.kind === 'number' ? html` step="any"` : '';
      const range = html`${field.minimum !== null ? html` min="${field.minimum}"` : ''}${field.maximum !== null ? html` max="${field.maximum}"` : ''}`;
      const maxLength = field.maxLength !== null ? html` maxlength="${field.maxLength}"` : '';
      return html`<div class="field">
<label for="${id}">${title}${mark}</label>
${hintLine}<input type="${type}" id="${id}" name="${name}"${step}${range}${maxLength}${describedBy}${required}>
</div>
`;
    }
  }
}

/*
 * The pages' own stylesheet, served at /assets/services.css after the portal's: the search form, the
 * result list, the pager, tables and the application form. Contrast (WCAG 2.1 AA, ≥ 4.5:1 for text,
 * ≥ 3:1 for control borders): hints and facts #4b4b4b on #fff 8.7:1; the online mark #0b6b3a on #fff
 * 6.6:1; control borders #4b4b4b 8.7:1; the button #fff on #0b4f9c 8.0:1; focus as the portal's.
 */
export const SERVICES_CSS = `
.service-search fieldset, .service-form fieldset { margin: 0 0 1.5rem; padding: 1rem; border: 1px solid #d8dadf; }
.service-search legend, .form-group > legend { font-weight: 700; padding: 0 0.25rem; }
.service-search .field { display: inline-block; vertical-align: top; margin: 0 1rem 0.75rem 0; }
.field { margin: 0 0 1rem; }
.field > label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { margin: 0 0 0.25rem; color: #4b4b4b; font-size: 0.9375rem; }
.required { color: #1f1f1f; font-weight: 400; }
input[type="search"], input[type="text"], input[type="email"], input[type="date"], input[type="number"], select {
  min-width: 14rem;
  max-width: 100%;
  padding: 0.5rem;
  font: inherit;
  border: 2px solid #4b4b4b;
  border-radius: 0;
  background: #ffffff;
}
.choice { display: flex; align-items: center; gap: 0.5rem; margin: 0.25rem 0 0.75rem; }
.choice input { width: 1.25rem; height: 1.25rem; margin: 0; }
.actions { margin: 0.5rem 0 0; }
button { padding: 0.625rem 1.5rem; font: inherit; font-weight: 600; color: #ffffff; background: #0b4f9c; border: 2px solid #0b4f9c; cursor: pointer; }
fieldset[disabled] button { color: #4b4b4b; background: #f4f5f7; border-color: #4b4b4b; cursor: not-allowed; }
input:focus-visible, select:focus-visible, button:focus-visible, .table-scroll:focus-visible {
  outline: 3px solid #ffdd00;
  outline-offset: 0;
  box-shadow: inset 0 0 0 2px #0b0c0c;
}
.service-list { margin: 0; padding: 0; list-style: none; }
.service-list li { padding: 0.75rem 0; border-bottom: 1px solid #d8dadf; }
.service-name { font-weight: 600; font-size: 1.0625rem; }
.service-facts { display: block; color: #4b4b4b; font-size: 0.9375rem; }
.service-online { color: #0b6b3a; font-weight: 600; }
.pager ul { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0 0; padding: 0; list-style: none; }
.service-facts-list { display: grid; grid-template-columns: max-content 1fr; gap: 0.375rem 1.5rem; margin: 0 0 1.5rem; }
.service-facts-list dt { font-weight: 600; }
.service-facts-list dd { margin: 0; }
.apply-link { display: inline-block; padding: 0.625rem 1.5rem; font-weight: 600; color: #ffffff; background: #0b4f9c; text-decoration: none; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem; border: 1px solid #d8dadf; }
thead th { background: #f4f5f7; }
tbody th { font-weight: 600; }
.form-group { margin: 0 0 1.25rem; padding: 0.75rem 1rem; border: 1px solid #d8dadf; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); border: 0; }
`;

/** Changes whenever the stylesheet does: pages link `?v=` it, so a browser may keep each version. */
export const SERVICES_CSS_VERSION = createHash('sha256').update(SERVICES_CSS).digest('hex').slice(0, 12);

/** The service pages' stylesheet as the pages link it, by version. */
export const SERVICES_STYLESHEET = `/assets/services.css?v=${SERVICES_CSS_VERSION}`;
