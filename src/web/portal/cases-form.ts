/**
 * The pieces of the case pages' forms: a labelled field with its hint and errors, a radio group, and
 * the error summary. The pattern is the account forms' (GOV.UK's, which meets WCAG 2.1 AA): the
 * summary heads the form as an alert and links to each field; each field says what is wrong in text
 * beside it, tied with aria-describedby and marked aria-invalid, and keeps what was typed.
 */
import type { FieldError } from '../../platform/errors.js';
import { hasMessage, type Locale, translate } from '../../platform/i18n/messages.js';
import { html, type SafeHtml } from './html.js';
import './account-pages.messages.js';
import './cases.messages.js';

/** What a form shows after a submission that did not succeed. */
export interface CaseFormState {
  values: Readonly<Record<string, string>>;
  /** Field errors keyed by the form control's name (already mapped from the service's pointers). */
  errors: ReadonlyArray<{ name: string; reason: string }>;
  /** A problem that belongs to no field, already translated. */
  problem?: string | undefined;
}

export const EMPTY_CASE_FORM: CaseFormState = { values: {}, errors: [] };

/** A control's id from its name: names may hold dots (`applicant.name`), ids keep to safe characters. */
export function controlId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/**
 * The text of one field error in the reader's language, never repeating the value.
 * @example fieldErrorText('required', 'zh-CN') // '请填写此项。'
 */
export function fieldErrorText(reason: string, locale: Locale): string {
  const key = `portal.cases.field_error.${reason}`;
  return translate(hasMessage(key) ? key : 'portal.cases.field_error.invalid', locale);
}

export interface FieldOptions {
  name: string;
  label: string;
  hint?: string | null | undefined;
  type?: 'text' | 'tel' | 'textarea';
  autocomplete?: string;
  maxlength?: number;
  required?: boolean;
  /** A code rather than words (a case number): no spell check underlining it. */
  spellcheck?: false;
}

/**
 * One text field (or text area) with its label, hint and errors.
 * @example renderTextField({ name: 'reason', label: '撤回理由', type: 'textarea' }, state, 'zh-CN')
 */
export function renderTextField(options: FieldOptions, state: CaseFormState, locale: Locale): SafeHtml {
  const { name, label, hint } = options;
  const id = controlId(name);
  const errors = state.errors.filter((error) => error.name === name);
  const describedBy = [hint && `${id}-hint`, errors.length > 0 && `${id}-error`].filter(Boolean).join(' ');
  const value = state.values[name] ?? '';
  const common = html`id="${id}" name="${name}"${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${options.maxlength ? html` maxlength="${options.maxlength}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${errors.length > 0 ? html` aria-invalid="true"` : ''}${options.required ? html` required` : ''}${options.spellcheck === false ? html` spellcheck="false"` : ''}`;
  const control =
    options.type === 'textarea'
      ? html`<textarea ${common} rows="4">${value}</textarea>`
      : html`<input ${common} type="${options.type ?? 'text'}" value="${value}">`;
  return html`<div class="field${errors.length > 0 ? ' field-invalid' : ''}">
<label for="${id}">${label}</label>
${hint && html`<p class="hint" id="${id}-hint">${hint}</p>\n`}${errorLine(id, errors, locale)}${control}
</div>
`;
}

/**
 * A group of radio buttons in a fieldset, its legend the question; each choice has its own label.
 * @example renderRadioGroup('score', '满意程度', [['5', '非常满意']], state, 'zh-CN')
 */
export function renderRadioGroup(
  name: string,
  legend: string,
  choices: ReadonlyArray<readonly [value: string, label: string]>,
  state: CaseFormState,
  locale: Locale,
): SafeHtml {
  const id = controlId(name);
  const errors = state.errors.filter((error) => error.name === name);
  const chosen = state.values[name];
  return html`<fieldset class="choices${errors.length > 0 ? ' field-invalid' : ''}" id="${id}"${errors.length > 0 ? html` aria-describedby="${id}-error"` : ''}>
<legend>${legend}</legend>
${errorLine(id, errors, locale)}${choices.map(
  ([
    value,
    label,
  ]) => html`<div class="choice"><input type="radio" id="${id}-${value}" name="${name}" value="${value}"${value === chosen ? html` checked` : ''} required><label for="${id}-${value}">${label}</label></div>
`,
)}</fieldset>
`;
}

/**
 * The summary above a form: the problem, or a heading with a link to every field in error. An alert,
 * so a screen reader announces it, focused on load so keyboard users start there.
 * @example renderErrorSummary(state, { reason: '撤回理由' }, 'zh-CN')
 */
export function renderErrorSummary(
  state: CaseFormState,
  labels: Readonly<Record<string, string>>,
  locale: Locale,
): SafeHtml | '' {
  if (state.errors.length === 0 && !state.problem) return '';
  const heading =
    state.errors.length > 0
      ? translate('portal.account.errors.heading', locale, { count: state.errors.length })
      : translate('portal.cases.problem', locale);
  const separator = locale === 'en' ? ': ' : '：';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">${heading}</h2>
${state.problem && html`<p>${state.problem}</p>\n`}${
  state.errors.length > 0
    ? html`<ul>
${state.errors.map((error) => {
  const label = labels[error.name];
  const text = fieldErrorText(error.reason, locale);
  return label === undefined
    ? html`<li>${text}</li>\n`
    : html`<li><a href="#${controlId(error.name)}">${label}${separator}${text}</a></li>\n`;
})}</ul>
`
    : ''
}</div>
`;
}

/**
 * A service's field errors as a form's: `/reason` → the control `reason`; others by `nameOf`.
 * @example formErrors(error.fields) // [{ name: 'reason', reason: 'required' }]
 */
export function formErrors(
  fields: readonly FieldError[],
  nameOf: (pointer: string) => string = (pointer) => pointer.replace(/^\//, '').replace(/\//g, '.'),
): Array<{ name: string; reason: string }> {
  return fields.map((field) => ({ name: nameOf(field.pointer), reason: field.reason }));
}

function errorLine(id: string, errors: ReadonlyArray<{ reason: string }>, locale: Locale): SafeHtml | '' {
  if (errors.length === 0) return '';
  const prefix = translate('portal.account.errors.prefix', locale);
  return html`<p class="field-error" id="${id}-error">${errors.map(
    (error, index) => html`${index > 0 ? html`<br>` : ''}${prefix}${fieldErrorText(error.reason, locale)}`,
  )}</p>
`;
}
