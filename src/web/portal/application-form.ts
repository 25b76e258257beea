/**
 * An item's application form as an HTML form a citizen fills in, and back: the fields come from the
 * item's JSON Schema (the services module's describeForm), each control named by its pointer with
 * dots (`applicant.name`), and what the browser posts (text only) is turned into the typed data the
 * schema describes. A failed submission shows every value again, with each error beside its field.
 */
import type { FormField } from '../../modules/services/index.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { type CaseFormState, controlId, fieldErrorText } from './cases-form.js';
import { html, type SafeHtml } from './html.js';
import './cases.messages.js';

/** `/applicant/name` → `applicant.name`: the control's name for a field's pointer. */
export function controlName(pointer: string): string {
  return pointer.replace(/^\//, '').replace(/\//g, '.');
}

/**
 * The data the schema describes from the posted text: numbers as numbers, a ticked box as true,
 * empty fields left out (so "required" is what the check says, not "wrong type"). A number that is
 * not one stays text, for the check to name.
 * @example formDataOf(describeForm(schema), { 'applicant.name': '陈静', seats: '12' }) // { applicant: { name: '陈静' }, seats: 12 }
 */
export function formDataOf(fields: readonly FormField[], posted: Readonly<Record<string, string>>) {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const name = controlName(field.pointer);
    if (field.kind === 'group') {
      const group = formDataOf(field.fields, posted);
      if (field.required || Object.keys(group).length > 0) data[field.name] = group;
      continue;
    }
    if (field.kind === 'boolean') {
      data[field.name] = posted[name] === 'true';
      continue;
    }
    const text = (posted[name] ?? '').trim();
    if (text === '') continue;
    if (field.kind === 'number' || field.kind === 'integer') {
      const number = Number(text);
      data[field.name] = Number.isFinite(number) ? number : text;
    } else {
      data[field.name] = text;
    }
  }
  return data;
}

/** Every control name of the form with its label in `locale`, for the error summary's links. */
export function labelsOf(fields: readonly FormField[], locale: Locale): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const field of fields) {
    labels[controlName(field.pointer)] = locale === 'en' ? field.titleEn : field.titleZh;
    Object.assign(labels, labelsOf(field.fields, locale));
  }
  return labels;
}

/**
 * The form's controls, filled with what was posted and marked with their errors.
 * @example renderFormFields(describeForm(item.form), state, 'zh-CN')
 */
export function renderFormFields(fields: readonly FormField[], state: CaseFormState, locale: Locale): SafeHtml {
  return html`${fields.map((field) => formField(field, state, locale))}`;
}

function formField(field: FormField, state: CaseFormState, locale: Locale): SafeHtml {
  const name = controlName(field.pointer);
  const id = controlId(name);
  const title = locale === 'en' ? field.titleEn : field.titleZh;
  const hint = locale === 'en' ? field.hintEn : field.hintZh;
  const errors = state.errors.filter((error) => error.name === name);
  const mark = field.required
    ? html`<span class="required-mark">${translate('portal.cases.form.required', locale)}</span>`
    : '';
  const hintLine = hint ? html`<p class="hint" id="${id}-hint">${hint}</p>\n` : '';
  const errorLine =
    errors.length > 0
      ? html`<p class="field-error" id="${id}-error">${errors.map(
          (error, index) =>
            html`${index > 0 ? html`<br>` : ''}${translate('portal.account.errors.prefix', locale)}${fieldErrorText(error.reason, locale)}`,
        )}</p>\n`
      : '';
  const describedIds = [hint && `${id}-hint`, errors.length > 0 && `${id}-error`].filter(Boolean).join(' ');
  const describedBy = describedIds ? html` aria-describedby="${describedIds}"` : '';
  const invalid = errors.length > 0 ? html` aria-invalid="true"` : '';
  const required = field.required ? html` required` : '';
  const value = state.values[name] ?? '';
  const wrapper = (control: SafeHtml) => html`<div class="field${errors.length > 0 ? ' field-invalid' : ''}">
<label for="${id}">${title}${mark}</label>
${hintLine}${errorLine}${control}
</div>
`;
  switch (field.kind) {
    case 'group':
      return html`<fieldset id="${id}"${describedBy}>
<legend>${title}${mark}</legend>
${hintLine}${errorLine}${field.fields.map((child) => formField(child, state, locale))}</fieldset>
`;
    case 'boolean':
      return html`<div class="choice${errors.length > 0 ? ' field-invalid' : ''}"><input type="checkbox" id="${id}" name="${name}" value="true"${value === 'true' ? html` checked` : ''}${describedBy}${invalid}><label for="${id}">${title}</label></div>
${hintLine}${errorLine}`;
    case 'choice':
      return wrapper(html`<select id="${id}" name="${name}"${describedBy}${invalid}${required}>
<option value="">${translate('portal.cases.form.choose', locale)}</option>
${field.options.map((option) => html`<option${option === value ? html` selected` : ''}>${option}</option>\n`)}</select>`);
    default: {
      const type = { text: 'text', email: 'email', date: 'date', number: 'number', integer: 'number' }[field.kind];
      const step = field.kind === 'integer' ? html` step="1"` : field.kind === 'number' ? html` step="any"` : '';
      const range = html`${field.minimum !== null ? html` min="${field.minimum}"` : ''}${field.maximum !== null ? html` max="${field.maximum}"` : ''}`;
      const maxLength = field.maxLength !== null ? html` maxlength="${field.maxLength}"` : '';
      return wrapper(
        html`<input type="${type}" id="${id}" name="${name}" value="${value}"${step}${range}${maxLength}${describedBy}${invalid}${required}>`,
      );
    }
  }
}
