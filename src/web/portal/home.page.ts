/**
 * The portal's home page: the district, its service centres (the district centre first, then one per
 * town and street: the "1+23"), its departments, and its streets and towns, read from the directory.
 */
import { listOrgUnits, type OrgUnit, type OrgUnitKind } from '../../modules/directory/index.js';
import type { Executor } from '../../platform/db/database.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './portal.messages.js';

export interface HomePage {
  district: OrgUnit | undefined;
  /** Centres that serve the whole district. */
  districtCentres: OrgUnit[];
  /** Centres that serve one town or street, in the order of their towns and streets. */
  placeCentres: Array<{ centre: OrgUnit; place: OrgUnit }>;
  departments: OrgUnit[];
  streets: OrgUnit[];
  towns: OrgUnit[];
}

const SHOWN_KINDS: OrgUnitKind[] = ['district', 'department', 'town', 'street', 'service_centre'];

/**
 * Reads what the home page shows: active units only, in one query.
 * @example const page = await loadHomePage(database.kysely);
 */
export async function loadHomePage(executor: Executor): Promise<HomePage> {
  const { items } = await listOrgUnits(executor, { kinds: SHOWN_KINDS, status: 'active' });
  const ofKind = (kind: OrgUnitKind) => items.filter((unit) => unit.kind === kind);
  const district = ofKind('district')[0];
  const centres = ofKind('service_centre');
  const places = items.filter((unit) => unit.kind === 'town' || unit.kind === 'street');
  return {
    district,
    districtCentres: centres.filter((centre) => district && centre.parentCode === district.code),
    placeCentres: places.flatMap((place) =>
      centres.filter((centre) => centre.parentCode === place.code).map((centre) => ({ centre, place })),
    ),
    departments: ofKind('department'),
    streets: ofKind('street'),
    towns: ofKind('town'),
  };
}

/**
 * The whole home page document in one language.
 * @example reply.type('text/html; charset=utf-8').send(renderHomePage(page, 'zh-CN').markup)
 */
export function renderHomePage(page: HomePage, locale: Locale): SafeHtml {
  const words: Words = {
    t: (key, params = {}) => translate(key, locale, params),
    name: (unit) => (locale === 'en' ? unit.nameEn : unit.nameZh),
  };
  if (!page.district) {
    const heading = words.t('portal.home.heading_unnamed');
    const main = html`<h1>${heading}</h1>\n<p class="notice">${words.t('portal.home.empty')}</p>`;
    return renderPage({ locale, title: heading, sections: [], main });
  }
  const heading = words.t('portal.home.heading', { district: words.name(page.district) });
  const sections = [centresSection(page, words), departmentsSection(page, words), placesSection(page, words)].filter(
    (section) => section !== undefined,
  );
  const main = html`<h1>${heading}</h1>
${sections.map(
  ({ id, label, body }) => html`<section id="${id}" aria-labelledby="${id}-heading">
<h2 id="${id}-heading">${label}</h2>
${body}
</section>
`,
)}`;
  return renderPage({ locale, title: heading, sections, main });
}

interface Words {
  t(key: string, params?: Record<string, unknown>): string;
  name(unit: OrgUnit): string;
}

interface Section {
  id: string;
  label: string;
  body: SafeHtml;
}

function centresSection(page: HomePage, { t, name }: Words): Section | undefined {
  const count = page.districtCentres.length + page.placeCentres.length;
  if (count === 0) return undefined;
  const intro = t('portal.centres.intro', {
    count,
    district: page.districtCentres.length,
    places: page.placeCentres.length,
  });
  const items = [
    ...page.districtCentres.map((centre) => centreItem(name(centre), t('portal.centres.serves_district'))),
    ...page.placeCentres.map(({ centre, place }) =>
      centreItem(name(centre), t('portal.centres.serves_place', { place: name(place) })),
    ),
  ];
  return {
    id: 'centres',
    label: t('portal.centres.heading'),
    body: html`<p class="lead">${intro}</p>\n<ul class="unit-list centre-list" role="list">\n${items}</ul>`,
  };
}

function departmentsSection(page: HomePage, { t, name }: Words): Section | undefined {
  if (page.departments.length === 0) return undefined;
  return { id: 'departments', label: t('portal.departments.heading'), body: unitList(page.departments.map(name)) };
}

function placesSection(page: HomePage, { t, name }: Words): Section | undefined {
  if (page.streets.length + page.towns.length === 0) return undefined;
  const group = (key: string, units: OrgUnit[]) =>
    units.length > 0 && html`<h3>${t(key)}</h3>\n${unitList(units.map(name))}\n`;
  return {
    id: 'places',
    label: t('portal.places.heading'),
    body: html`${group('portal.places.streets', page.streets)}${group('portal.places.towns', page.towns)}`,
  };
}

function centreItem(name: string, serves: string): SafeHtml {
  return html`<li><span class="centre-name">${name}</span><span class="centre-serves">${serves}</span></li>\n`;
}

function unitList(names: readonly string[]): SafeHtml {
  return html`<ul class="unit-list" role="list">\n${names.map((name) => html`<li>${name}</li>\n`)}</ul>`;
}
