/**
 * The pieces of the account forms: a labelled field with its hint and error, a radio group, and the
 * error summary. The pattern is GOV.UK's, which meets WCAG 2.1 AA: the summary heads the form as an
 * alert, each entry links to its field; each field says what is wrong in text (not colour alone),
 * beside the field and tied to it with aria-describedby, and is marked aria-invalid.
 */
import type { FieldError } from '../../platform/errors.js';
import { hasMessage, type Locale, translate } from '../../platform/i18n/messages.js';
import { html, type SafeHtml } from './html.js';
import './account-pages.messages.js';

/** What a form shows after a submission that did not succeed. */
export interface FormState {
  /** The values typed, to fill the form again (never a password). */
  values: Readonly<Record<string, string>>;
  /** Field errors from the service, pointers like `/residentId`. */
  errors: readonly FieldError[];
  /** A problem that belongs to no field (already registered, too many attempts), already translated. */
  problem?: string | undefined;
}

export const EMPTY_FORM: FormState = { values: {}, errors: [] };

export interface FieldOptions {
  name: string;
  type: 'text' | 'tel' | 'email' | 'password';
  autocomplete: string;
  /** The on-screen keyboard a phone shows: digits for a mobile number. */
  inputmode?: 'numeric' | 'text';
  /** Not marked `required`. */
  optional?: boolean;
}

// Identifier reasons are explained by the identifier parsers' own texts, password reasons by the
// password policy's, except for the identity finding, which the public accounts word themselves.
const RESIDENT_ID_FIELDS = new Set(['residentId', 'agentResidentId']);

/**
 * The text of one field error in the reader's language, never repeating the value.
 * @example fieldErrorText({ pointer: '/residentId', reason: 'check_digit' }, 'zh-CN'); // '校验码不符，…'
 */
export function fieldErrorText(error: FieldError, locale: Locale): string {
  const name = fieldName(error.pointer);
  const candidates = [
    RESIDENT_ID_FIELDS.has(name) ? `identifier.resident_id_invalid.reason.${error.reason}` : '',
    name === 'creditCode' ? `identifier.credit_code_invalid.reason.${error.reason}` : '',
    error.reason === 'contains_identity' ? 'identity.public_field.reason.password_contains_identity' : '',
    /password/i.test(name) ? `identity.password_weak.reason.${error.reason}` : '',
    `identity.public_field.reason.${error.reason}`,
  ];
  const key = candidates.find((candidate) => candidate !== '' && hasMessage(candidate));
  return key ? translate(key, locale) : translate('identity.public_field.reason.format', locale);
}

/** `/residentId` → `residentId`: the field's name, id and the anchor the summary links to. */
export function fieldName(pointer: string): string {
  return pointer.replace(/^\//, '').replace(/\//g, '-');
}

/**
 * One text field with its label, hint and errors.
 * @example renderField({ name: 'mobile', type: 'tel', autocomplete: 'tel' }, state, 'zh-CN')
 */
export function renderField(options: FieldOptions, state: FormState, locale: Locale): SafeHtml {
  const { name, type } = options;
  const labelKey = `portal.account.field.${name}`;
  const hintKey = `${labelKey}.hint`;
  const hint = hasMessage(hintKey) ? translate(hintKey, locale) : undefined;
  const errors = errorsOf(name, state);
  const describedBy = [hint && `${name}-hint`, errors.length > 0 && `${name}-error`].filter(Boolean).join(' ');
  const value = type === 'password' ? '' : (state.values[name] ?? '');
  return html`<div class="field${errors.length > 0 ? ' field-invalid' : ''}">
<label for="${name}">${translate(labelKey, locale)}</label>
${hint && html`<p class="hint" id="${name}-hint">${hint}</p>\n`}${errorLines(name, errors, locale)}<input id="${name}" name="${name}" type="${type}" autocomplete="${options.autocomplete}"${options.inputmode ? html` inputmode="${options.inputmode}"` : ''} value="${value}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${errors.length > 0 ? html` aria-invalid="true"` : ''}${options.optional ? '' : html` required`}>
</div>
`;
}

/**
 * A group of radio buttons in a fieldset, its legend the question.
 * @example renderChoices('agentRole', [['agent', '经办人']], state, 'zh-CN', 'agent')
 */
export function renderChoices(
  name: string,
  choices: ReadonlyArray<readonly [value: string, label: string]>,
  state: FormState,
  locale: Locale,
  fallback: string,
): SafeHtml {
  const errors = errorsOf(name, state);
  const chosen = state.values[name] ?? fallback;
  return html`<fieldset class="${errors.length > 0 ? 'field-invalid' : ''}"${errors.length > 0 ? html` aria-describedby="${name}-error"` : ''} id="${name}">
<legend>${translate(`portal.account.field.${name}`, locale)}</legend>
${errorLines(name, errors, locale)}${choices.map(
  ([
    value,
    label,
  ]) => html`<div class="choice"><input type="radio" id="${name}-${value}" name="${name}" value="${value}"${value === chosen ? html` checked` : ''}><label for="${name}-${value}">${label}</label></div>
`,
)}</fieldset>
`;
}

/**
 * The summary above the form: the problem, or a heading with a link to every field in error. An alert,
 * so a screen reader announces it, and focused on load so keyboard users start there.
 * @example renderErrorSummary(state, 'zh-CN')
 */
export function renderErrorSummary(state: FormState, locale: Locale): SafeHtml | '' {
  if (state.errors.length === 0 && !state.problem) return '';
  const heading =
    state.errors.length > 0
      ? translate('portal.account.errors.heading', locale, { count: state.errors.length })
      : translate('portal.account.errors.problem', locale);
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">${heading}</h2>
${state.problem && html`<p>${state.problem}</p>\n`}${
  state.errors.length > 0
    ? html`<ul>
${state.errors.map((error) => {
  const name = fieldName(error.pointer);
  const label = translate(`portal.account.field.${name}`, locale);
  return html`<li><a href="#${name}">${label}${locale === 'en' ? ': ' : '：'}${fieldErrorText(error, locale)}</a></li>
`;
})}</ul>
`
    : ''
}</div>
`;
}

function errorsOf(name: string, state: FormState): FieldError[] {
  return state.errors.filter((error) => fieldName(error.pointer) === name);
}

function errorLines(name: string, errors: FieldError[], locale: Locale): SafeHtml | '' {
  if (errors.length === 0) return '';
  const prefix = translate('portal.account.errors.prefix', locale);
  return html`<p class="field-error" id="${name}-error">${errors.map(
    (error, index) => html`${index > 0 ? html`<br>` : ''}${prefix}${fieldErrorText(error, locale)}`,
  )}</p>
`;
}
