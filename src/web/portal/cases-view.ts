/**
 * What the owner's case page and the tracking page both show: the status in words, the deadline light
 * in words (never colour alone, WCAG 1.4.1), the steps without staff names, and the rating form of
 * five labelled levels. Times are China's civil time, the one the centres work in.
 */
import type { CaseStatus, Decision, Light } from '../../modules/cases/index.js';
import { hasMessage, type Locale, translate } from '../../platform/i18n/messages.js';
import { type CaseFormState, renderErrorSummary, renderRadioGroup, renderTextField } from './cases-form.js';
import { html, type SafeHtml } from './html.js';
import './cases.messages.js';

/** The five levels of 好差评, worst first, as the national evaluation system words them. */
export const SCORES = ['1', '2', '3', '4', '5'] as const;

/** Comments are kept to what the ratings table holds. */
export const COMMENT_MAX_LENGTH = 1000;

const CHINA_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * A moment as China's civil date and time.
 * @example chinaTime(new Date('2026-01-05T02:30:00Z')) // '2026-01-05 10:30'
 */
export function chinaTime(at: Date): string {
  return CHINA_TIME.format(at);
}

export function statusText(status: CaseStatus, locale: Locale): string {
  return translate(`portal.cases.status.${status}`, locale);
}

export function decisionText(decision: Decision, locale: Locale): string {
  return translate(`portal.cases.decision.${decision}`, locale);
}

/** The light as a labelled badge; nothing when the clock does not run. */
export function lightBadge(light: Light | null, locale: Locale): SafeHtml | '' {
  if (light === null) return '';
  return html`<span class="light light-${light}">${translate(`portal.cases.light.${light}`, locale)}</span>`;
}

/** A case's item name on a page in `locale`: the Chinese name is marked as such on English pages. */
export function itemName(nameZh: string, nameEn: string | null | undefined, locale: Locale): SafeHtml {
  if (locale !== 'en') return html`${nameZh}`;
  return nameEn ? html`${nameEn}` : html`<span lang="zh-CN">${nameZh}</span>`;
}

/** One step as the applicant sees it: what happened, at which stage, when, and a reason they need. */
export interface VisibleStep {
  action: string;
  at: Date;
  stageNameZh: string | null;
  stageNameEn: string | null;
  reason: string | null;
}

/**
 * The steps as an ordered list, oldest first: no staff names, no internal opinions.
 * @example renderSteps(track.steps, 'zh-CN')
 */
export function renderSteps(steps: readonly VisibleStep[], locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  if (steps.length === 0) return html`<p>${t('portal.cases.steps.none')}</p>`;
  return html`<ol class="case-steps">
${steps.map((step) => {
  const key = `portal.cases.action.${step.action}`;
  const stage = locale === 'en' ? (step.stageNameEn ?? step.stageNameZh) : step.stageNameZh;
  return html`<li><span class="step-what">${t(hasMessage(key) ? key : 'portal.cases.action.other')}</span>${stage ? html` · ${stage}` : ''} <time datetime="${step.at.toISOString()}">${chinaTime(step.at)}</time>${step.reason ? html`<br><span class="step-reason">${t('portal.cases.steps.reason', { reason: step.reason })}</span>` : ''}</li>
`;
})}</ol>`;
}

/**
 * The rating form: five levels as a radio group with their words, an optional comment, and whatever
 * the action needs to find the case again (hidden fields).
 * @example renderRatingForm('/account/cases/…/rating', {}, EMPTY_CASE_FORM, 'zh-CN')
 */
export function renderRatingForm(
  action: string,
  hidden: Readonly<Record<string, string>>,
  state: CaseFormState,
  locale: Locale,
): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const labels = { score: t('portal.cases.field.score'), comment: t('portal.cases.field.comment') };
  return html`<section class="case-section" aria-labelledby="rating-heading">
<h2 id="rating-heading">${t('portal.cases.rating.title')}</h2>
<p>${t('portal.cases.rating.intro')}</p>
${renderErrorSummary(state, labels, locale)}<form class="case-form" method="post" action="${action}" novalidate>
${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}${renderRadioGroup(
  'score',
  labels.score,
  SCORES.map((score) => [score, t(`portal.cases.score.${score}`)] as const),
  state,
  locale,
)}${renderTextField(
  {
    name: 'comment',
    label: labels.comment,
    hint: t('portal.cases.field.comment.hint'),
    type: 'textarea',
    maxlength: COMMENT_MAX_LENGTH,
  },
  state,
  locale,
)}<button type="submit">${t('portal.cases.rating.submit')}</button>
</form>
</section>
`;
}

/**
 * What the rating form posted, as the rating functions take it: the score as the number it names
 * (anything else as typed, for the check to name), the comment when there is one.
 * @example ratingInput({ score: '5', comment: '' }) // { score: 5 }
 */
export function ratingInput(form: Readonly<Record<string, string>>): { score?: number | string; comment?: string } {
  return {
    ...(form.score ? { score: /^\d$/.test(form.score) ? Number(form.score) : form.score } : {}),
    ...(form.comment?.trim() ? { comment: form.comment } : {}),
  };
}

/**
 * A rating already given, with the department's answer to a poor one.
 * @example renderGivenRating({ score: 5, followUpAnswer: null }, 'zh-CN')
 */
export function renderGivenRating(rating: { score: number; followUpAnswer: string | null }, locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  return html`<p class="notice">${t('portal.cases.rating.given', { score: t(`portal.cases.score.${rating.score}`) })}</p>
${rating.followUpAnswer && html`<p>${t('portal.cases.rating.answer', { answer: rating.followUpAnswer })}</p>\n`}`;
}
