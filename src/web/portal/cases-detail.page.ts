/**
 * `/account/cases/{id}`: one of the account's own cases — its status and deadline, the steps (no
 * staff names, no internal opinions), the checklist of materials with an upload form while materials
 * may still come, the withdrawal form before a decision, and the rating form once it is complete.
 * Forms appear only for what the service says this reader may do now (`allowedActions`).
 */
import type { CaseDetail, CaseStep } from '../../modules/cases/index.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { ACCOUNT_STYLESHEET } from './account-pages.css.js';
import { CASES_STYLESHEET } from './cases.css.js';
import { type CaseFormState, controlId, EMPTY_CASE_FORM, renderErrorSummary, renderTextField } from './cases-form.js';
import {
  chinaTime,
  decisionText,
  itemName,
  lightBadge,
  renderGivenRating,
  renderRatingForm,
  renderSteps,
  statusText,
  type VisibleStep,
} from './cases-view.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './cases.messages.js';

/** A line shown above the case after something happened to it. */
export const CASE_NOTICES = [
  'submitted',
  'materials_too_large',
  'materials_failed',
  'withdrawn',
  'rated',
  'uploaded',
] as const;
export type CaseNotice = (typeof CASE_NOTICES)[number];

/** Reasons an owner may read in the steps: why it was refused, what is missing, why it paused. */
const ACTIONS_WITH_REASON = new Set(['reject', 'supplement', 'special', 'withdraw']);

export interface CaseDetailPage {
  detail: CaseDetail;
  notice?: CaseNotice | undefined;
  /** The state of the form that was just submitted, if it failed. */
  forms?: Partial<Record<'withdraw' | 'rating' | 'upload', CaseFormState>>;
}

/**
 * The whole page of one case.
 * @example reply.send(renderCaseDetailPage({ detail }, 'zh-CN').markup)
 */
export function renderCaseDetailPage(page: CaseDetailPage, locale: Locale): SafeHtml {
  const { detail } = page;
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const title = t('portal.cases.case.title', { number: detail.number });
  const allowed = new Set(detail.allowedActions);
  const base = `/account/cases/${detail.id}`;
  const main = html`<p><a href="/account/cases">${t('portal.cases.case.back')}</a></p>
<h1>${title}</h1>
${page.notice && noticeLine(page.notice, detail, locale)}${facts(detail, locale)}<section class="case-section" aria-labelledby="steps-heading">
<h2 id="steps-heading">${t('portal.cases.steps.title')}</h2>
${renderSteps(visibleSteps(detail), locale)}
</section>
${checklist(detail, locale)}${allowed.has('receive_material') ? uploadForm(detail, page.forms?.upload ?? EMPTY_CASE_FORM, locale) : ''}${
  detail.rating
    ? html`<section class="case-section" aria-labelledby="rating-heading">
<h2 id="rating-heading">${t('portal.cases.rating.title')}</h2>
${renderGivenRating(detail.rating, locale)}</section>
`
    : allowed.has('rate')
      ? renderRatingForm(`${base}/rating`, {}, page.forms?.rating ?? EMPTY_CASE_FORM, locale)
      : ''
}${allowed.has('withdraw') ? withdrawForm(detail, page.forms?.withdraw ?? EMPTY_CASE_FORM, locale) : ''}`;
  return renderPage({
    locale,
    title,
    sections: [],
    main,
    languageSwitchPath: base,
    stylesheets: [ACCOUNT_STYLESHEET, CASES_STYLESHEET],
  });
}

function noticeLine(notice: CaseNotice, detail: CaseDetail, locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const text =
    notice === 'submitted'
      ? t('portal.cases.case.submitted_notice', { number: detail.number })
      : notice === 'materials_too_large' || notice === 'materials_failed'
        ? t('portal.cases.case.materials_incomplete_notice', {
            number: detail.number,
            reason: t(
              notice === 'materials_too_large'
                ? 'portal.cases.field_error.too_large'
                : 'portal.cases.field_error.invalid',
            ),
          })
        : t(`portal.cases.case.${notice}_notice`);
  return html`<p class="notice" role="status">${text}</p>\n`;
}

function facts(detail: CaseDetail, locale: Locale): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const row = (key: string, value: SafeHtml | string) => html`<dt>${t(key)}</dt><dd>${value}</dd>\n`;
  const stage = detail.stages[detail.stage];
  const inStages = ['accepted', 'supplement', 'special'].includes(detail.status) && stage;
  return html`<dl class="case-facts">
${row('portal.cases.case.item', itemName(detail.itemNameZh, null, locale))}${row('portal.cases.case.status', statusText(detail.status, locale))}${
  inStages ? row('portal.cases.case.stage', locale === 'en' ? stage.nameEn : stage.nameZh) : ''
}${detail.decision ? row('portal.cases.case.decision', decisionText(detail.decision, locale)) : ''}${row(
  'portal.cases.case.submitted_at',
  chinaTime(detail.submittedAt),
)}${detail.acceptedAt ? row('portal.cases.case.accepted_at', chinaTime(detail.acceptedAt)) : ''}${
  detail.dueOn
    ? row(
        'portal.cases.case.due',
        html`${detail.dueOn} ${lightBadge(detail.light, locale)}${
          // Once completed or closed, the deadlines are history and nothing will update them.
          detail.deadlineProvisional && detail.completedAt === null && detail.closedAt === null
            ? html`<br><small>${translate('portal.cases.case.provisional', locale, {
                year: (detail.statutoryDueOn ?? detail.dueOn).slice(0, 4),
              })}</small>`
            : ''
        }`,
      )
    : ''
}${detail.completedAt ? row('portal.cases.case.completed_at', chinaTime(detail.completedAt)) : ''}${
  detail.resultNumber ? row('portal.cases.case.result_number', detail.resultNumber) : ''
}</dl>
`;
}

/** The steps as the applicant may see them: a reason only where it is theirs to know. */
function visibleSteps(detail: CaseDetail): VisibleStep[] {
  const reasonOf = (step: CaseStep) =>
    ACTIONS_WITH_REASON.has(step.action) || (step.action === 'decide' && detail.decision === 'refused')
      ? step.opinion
      : null;
  return detail.steps.map((step) => {
    const stage = step.stage === null ? undefined : detail.stages[step.stage];
    return {
      action: step.action,
      at: step.at,
      stageNameZh: stage?.nameZh ?? null,
      stageNameEn: stage?.nameEn ?? null,
      reason: reasonOf(step),
    };
  });
}

function checklist(detail: CaseDetail, locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const extras = detail.materials.filter((material) => material.materialIndex === null).length;
  return html`<section class="case-section" aria-labelledby="checklist-heading">
<h2 id="checklist-heading">${t('portal.cases.checklist.title')}</h2>
${
  detail.checklist.length === 0
    ? html`<p>${t('portal.cases.checklist.none')}</p>\n`
    : html`<table class="case-table">
<caption>${t('portal.cases.checklist.caption')}</caption>
<thead><tr><th scope="col">${t('portal.cases.checklist.name')}</th><th scope="col">${t('portal.cases.checklist.required')}</th><th scope="col">${t('portal.cases.checklist.received')}</th></tr></thead>
<tbody>
${detail.checklist.map(
  (
    line,
  ) => html`<tr><th scope="row">${locale === 'en' ? line.nameEn : line.nameZh}</th><td>${t(line.required ? 'portal.services.yes' : 'portal.services.when_applicable')}</td><td>${t(line.received ? 'portal.cases.checklist.yes' : 'portal.cases.checklist.no')}</td></tr>
`,
)}</tbody>
</table>
`
}${extras > 0 && html`<p>${t('portal.cases.checklist.extra', { count: extras })}</p>\n`}</section>
`;
}

function uploadForm(detail: CaseDetail, state: CaseFormState, locale: Locale): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const labels = { materialIndex: t('portal.cases.upload.which'), file: t('portal.cases.upload.file') };
  const electronic = detail.checklist.filter((line) => line.electronicAccepted);
  const chosen = state.values.materialIndex ?? String(electronic.find((line) => !line.received)?.materialIndex ?? '');
  const fileErrors = state.errors.filter((error) => error.name === 'file');
  const fileId = controlId('file');
  return html`<section class="case-section" aria-labelledby="upload-heading">
<h2 id="upload-heading">${t('portal.cases.upload.title')}</h2>
${renderErrorSummary(state, labels, locale)}<form class="case-form" method="post" action="/account/cases/${detail.id}/materials" enctype="multipart/form-data" novalidate>
<div class="field">
<label for="${controlId('materialIndex')}">${labels.materialIndex}</label>
<select id="${controlId('materialIndex')}" name="materialIndex">
${electronic.map(
  (line) =>
    html`<option value="${line.materialIndex}"${String(line.materialIndex) === chosen ? html` selected` : ''}>${locale === 'en' ? line.nameEn : line.nameZh}</option>\n`,
)}<option value=""${chosen === '' ? html` selected` : ''}>${t('portal.cases.upload.extra_option')}</option>
</select>
</div>
<div class="field${fileErrors.length > 0 ? ' field-invalid' : ''}">
<label for="${fileId}">${labels.file}</label>
${fileErrors.length > 0 ? html`<p class="field-error" id="${fileId}-error">${t('portal.account.errors.prefix')}${t(`portal.cases.field_error.${fileErrors[0]!.reason}`)}</p>\n` : ''}<input type="file" id="${fileId}" name="file" required${fileErrors.length > 0 ? html` aria-describedby="${fileId}-error" aria-invalid="true"` : ''}>
</div>
<button type="submit">${t('portal.cases.upload.submit')}</button>
</form>
</section>
`;
}

function withdrawForm(detail: CaseDetail, state: CaseFormState, locale: Locale): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const labels = { reason: t('portal.cases.field.reason') };
  return html`<section class="case-section" aria-labelledby="withdraw-heading">
<h2 id="withdraw-heading">${t('portal.cases.withdraw.title')}</h2>
<p>${t('portal.cases.withdraw.intro')}</p>
${renderErrorSummary(state, labels, locale)}<form class="case-form" method="post" action="/account/cases/${detail.id}/withdraw" novalidate>
<input type="hidden" name="version" value="${detail.version}">
${renderTextField({ name: 'reason', label: labels.reason, type: 'textarea', maxlength: 2000, required: true }, state, locale)}<button type="submit" class="secondary">${t('portal.cases.withdraw.submit')}</button>
</form>
</section>
`;
}
