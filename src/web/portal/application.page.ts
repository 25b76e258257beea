/**
 * `/services/{code}/apply`: the application form of an item that can be handled online, as ONE
 * multipart form — the form's fields first, then a file input per material accepted electronically
 * and one for other documents — so the server creates the case from the fields before the first file
 * arrives and streams each file into the blob store. Materials only taken on paper are listed with
 * what to bring. Works without JavaScript; errors come back beside their fields.
 */
import { describeForm, type ItemVersion } from '../../modules/services/index.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { ACCOUNT_STYLESHEET } from './account-pages.css.js';
import { controlName, labelsOf, renderFormFields } from './application-form.js';
import { CASES_STYLESHEET } from './cases.css.js';
import { type CaseFormState, controlId, renderErrorSummary, renderTextField } from './cases-form.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './portal-layout.js';
import './cases.messages.js';

/** The file input of the item's material at `index`; `extra` takes other documents. */
export const materialControl = (index: number) => `material-${index}`;
export const EXTRA_MATERIALS_CONTROL = 'extra';
/** The contact mobile, apart from the item's own fields. */
export const MOBILE_CONTROL = 'mobile';

export interface ApplicationPage {
  item: ItemVersion;
  /** Who applies: the account's person or enterprise name. */
  applicantName: string;
  state: CaseFormState;
  /** The largest file accepted, for the hint. */
  maxUploadBytes: number;
}

/**
 * The whole application page.
 * @example reply.send(renderApplicationPage({ item, applicantName: '陈静', state: EMPTY_CASE_FORM, maxUploadBytes }, 'zh-CN').markup)
 */
export function renderApplicationPage(page: ApplicationPage, locale: Locale): SafeHtml {
  const { item, state } = page;
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const name = locale === 'en' ? item.nameEn : item.nameZh;
  const fields = describeForm(item.form);
  const labels: Record<string, string> = {
    ...labelsOf(fields, locale),
    [MOBILE_CONTROL]: t('portal.cases.field.mobile'),
    ...Object.fromEntries(
      item.materials.map((material, index) => [
        materialControl(index),
        locale === 'en' ? material.nameEn : material.nameZh,
      ]),
    ),
    [EXTRA_MATERIALS_CONTROL]: t('portal.cases.apply.extra'),
  };
  const title = t('portal.cases.apply.title', { name });
  const action = `/services/${encodeURIComponent(item.code)}/apply`;
  const main = html`<p><a href="/services/${encodeURIComponent(item.code)}">${t('portal.cases.apply.back')}</a></p>
<h1>${title}</h1>
<p>${t('portal.cases.apply.intro', { applicant: page.applicantName })}</p>
${renderErrorSummary(state, labels, locale)}<form class="case-form" method="post" action="${action}" enctype="multipart/form-data" novalidate>
<fieldset>
<legend>${t('portal.cases.apply.form')}</legend>
${renderFormFields(fields, state, locale)}</fieldset>
<fieldset>
<legend>${t('portal.cases.apply.contact')}</legend>
${renderTextField(
  {
    name: MOBILE_CONTROL,
    label: labels[MOBILE_CONTROL]!,
    hint: t('portal.cases.field.mobile.hint'),
    type: 'tel',
    autocomplete: 'tel',
    maxlength: 11,
  },
  state,
  locale,
)}</fieldset>
${materialsFieldset(page, locale)}<button type="submit">${t('portal.cases.apply.submit')}</button>
</form>
`;
  return renderPage({
    locale,
    title,
    sections: [],
    main,
    languageSwitchPath: action,
    stylesheets: [ACCOUNT_STYLESHEET, CASES_STYLESHEET],
  });
}

function materialsFieldset({ item, state, maxUploadBytes }: ApplicationPage, locale: Locale): SafeHtml {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
  const hadValues = Object.keys(state.values).length > 0;
  const fileInput = (name: string, label: string, multiple: boolean) => {
    const id = controlId(name);
    const errors = state.errors.filter((error) => error.name === name);
    return html`<div class="field${errors.length > 0 ? ' field-invalid' : ''}">
<label for="${id}">${label}</label>
${errors.length > 0 ? html`<p class="field-error" id="${id}-error">${t('portal.account.errors.prefix')}${t(`portal.cases.field_error.${errors[0]!.reason}`)}</p>\n` : ''}<input type="file" id="${id}" name="${name}"${multiple ? html` multiple` : ''} aria-describedby="materials-hint${errors.length > 0 ? html` ${id}-error` : ''}"${errors.length > 0 ? html` aria-invalid="true"` : ''}>
</div>
`;
  };
  const materials = item.materials.map((material, index) => ({ material, index }));
  const online = materials.filter(({ material }) => material.electronicAccepted);
  const paper = materials.filter(({ material }) => !material.electronicAccepted);
  const nameOf = (material: { nameZh: string; nameEn: string }) =>
    locale === 'en' ? material.nameEn : material.nameZh;
  return html`<fieldset>
<legend>${t('portal.cases.apply.materials')}</legend>
<p class="hint" id="materials-hint">${t('portal.cases.apply.materials.hint', { limit: sizeText(maxUploadBytes) })}</p>
${hadValues && html`<p class="notice">${t('portal.cases.apply.reselect')}</p>\n`}${item.materials.length === 0 && html`<p>${t('portal.cases.apply.materials.none')}</p>\n`}${online.map(
  ({ material, index }) =>
    fileInput(
      materialControl(index),
      `${nameOf(material)}${t(material.required ? 'portal.cases.apply.material.required' : 'portal.cases.apply.material.optional')}`,
      false,
    ),
)}${
  paper.length > 0 &&
  html`<ul>
${paper.map(
  ({ material }) =>
    html`<li>${t('portal.cases.apply.material.paper_only', {
      name: nameOf(material),
      form: t(`services.material_form.${material.form}`),
      copies: material.copies,
    })}</li>\n`,
)}</ul>
`
}${fileInput(EXTRA_MATERIALS_CONTROL, t('portal.cases.apply.extra'), true)}</fieldset>
`;
}

/** 104857600 → '100 MB': the size a reader understands. */
function sizeText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit]}`;
}

/** The control names a posted field may have: the item's fields and the contact mobile. */
export function postedFieldNames(item: ItemVersion): Set<string> {
  const names = new Set<string>([MOBILE_CONTROL]);
  const walk = (fields: ReturnType<typeof describeForm>) => {
    for (const field of fields) {
      names.add(controlName(field.pointer));
      walk(field.fields);
    }
  };
  walk(describeForm(item.form));
  return names;
}
