/**
 * `/track` (办件查询): anyone with a case number and the last six characters of the applicant's
 * identity number sees its status and steps, and rates it once it is complete. A wrong number and a
 * wrong tail read the same (no oracle); the form posts, so the tail is never in an address or a log.
 */
import type { TrackView } from '../../modules/cases/index.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { ACCOUNT_STYLESHEET } from './account-pages.css.js';
import { CASES_STYLESHEET } from './cases.css.js';
import { type CaseFormState, EMPTY_CASE_FORM, renderErrorSummary, renderTextField } from './cases-form.js';
import {
  chinaTime,
  decisionText,
  itemName,
  lightBadge,
  renderRatingForm,
  renderSteps,
  statusText,
} from './cases-view.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './cases.messages.js';

export const TRACK_PATH = '/track';

/**
 * The tracking form alone, or with what went wrong.
 * @example reply.send(renderTrackFormPage(EMPTY_CASE_FORM, 'zh-CN').markup)
 */
export function renderTrackFormPage(state: CaseFormState, locale: Locale): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const title = t('portal.track.title');
  const main = html`<h1>${title}</h1>
<p>${t('portal.track.intro')}</p>
${trackForm(state, locale)}`;
  return page(title, main, locale);
}

export interface TrackResultPage {
  view: TrackView;
  /** What was typed, for the rating form to find the case again. */
  number: string;
  idTail: string;
  rating?: CaseFormState | undefined;
  rated?: boolean;
}

/**
 * A tracked case: its facts, steps, and the rating form while it can be rated.
 * @example reply.send(renderTrackResultPage({ view, number, idTail }, 'zh-CN').markup)
 */
export function renderTrackResultPage(result: TrackResultPage, locale: Locale): SafeHtml {
  const { view } = result;
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const title = t('portal.track.result', { number: view.number });
  const row = (key: string, value: SafeHtml | string) => html`<dt>${t(key)}</dt><dd>${value}</dd>\n`;
  const main = html`<h1>${title}</h1>
${result.rated && html`<p class="notice" role="status">${t('portal.cases.case.rated_notice')}</p>\n`}<dl class="case-facts">
${row('portal.cases.case.item', itemName(view.itemNameZh, view.itemNameEn, locale))}${row('portal.cases.case.status', statusText(view.status, locale))}${
  view.decision ? row('portal.cases.case.decision', decisionText(view.decision, locale)) : ''
}${row('portal.cases.case.submitted_at', chinaTime(view.submittedAt))}${
  view.acceptedAt ? row('portal.cases.case.accepted_at', chinaTime(view.acceptedAt)) : ''
}${
  view.dueOn
    ? row(
        'portal.cases.case.due',
        html`${view.dueOn} ${lightBadge(view.light, locale)}${
          view.deadlineProvisional && view.completedAt === null
            ? html`<br><small>${t('portal.cases.case.provisional', { year: view.dueOn.slice(0, 4) })}</small>`
            : ''
        }`,
      )
    : ''
}${view.completedAt ? row('portal.cases.case.completed_at', chinaTime(view.completedAt)) : ''}</dl>
<section class="case-section" aria-labelledby="steps-heading">
<h2 id="steps-heading">${t('portal.cases.steps.title')}</h2>
${renderSteps(view.steps, locale)}
</section>
${
  view.canRate
    ? renderRatingForm(
        `${TRACK_PATH}/rating`,
        { number: result.number, idTail: result.idTail },
        result.rating ?? EMPTY_CASE_FORM,
        locale,
      )
    : ''
}<p class="case-section"><a href="${TRACK_PATH}">${t('portal.track.again')}</a></p>
`;
  return page(title, main, locale);
}

function trackForm(state: CaseFormState, locale: Locale): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const labels = { number: t('portal.track.field.number'), idTail: t('portal.track.field.idTail') };
  return html`${renderErrorSummary(state, labels, locale)}<form class="case-form" method="post" action="${TRACK_PATH}" novalidate>
${renderTextField(
  {
    name: 'number',
    label: labels.number,
    hint: t('portal.track.field.number.hint'),
    autocomplete: 'off',
    maxlength: 24,
    required: true,
    spellcheck: false,
  },
  state,
  locale,
)}${renderTextField(
  {
    name: 'idTail',
    label: labels.idTail,
    hint: t('portal.track.field.idTail.hint'),
    autocomplete: 'off',
    maxlength: 6,
    required: true,
    spellcheck: false,
  },
  state,
  locale,
)}<button type="submit">${t('portal.track.submit')}</button>
</form>
`;
}

function page(title: string, main: SafeHtml, locale: Locale): SafeHtml {
  return renderPage({
    locale,
    title,
    sections: [],
    main,
    languageSwitchPath: TRACK_PATH,
    stylesheets: [ACCOUNT_STYLESHEET, CASES_STYLESHEET],
  });
}
