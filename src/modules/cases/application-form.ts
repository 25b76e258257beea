/**
 * An application's form data checked against its item version's form (a JSON Schema 2020-12 that
 * the catalogue checked with `checkForm` when the version was saved). Every bad field is reported,
 * each as a pointer under `/form` and the schema keyword it failed.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../../platform/errors.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object on some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/** Compiled forms by item code and version: published versions never change, so they are kept. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 2000;
let ajv: Ajv2020 | undefined;

/**
 * The field errors of `data` against the form of one item version (empty when it is valid).
 * @example formErrors({ code, version: 1, form }, { applicant: { name: '张三' } }) // [{ pointer: '/form/openingDate', reason: 'required' }]
 */
export function formErrors(
  item: { code: string; version: number; form: Record<string, unknown> },
  data: unknown,
): FieldError[] {
  const key = `${item.code}.v${item.version}`;
  let validate = compiled.get(key);
  if (!validate) {
    ajv ??= createAjv();
    // A form goes in without its $id, so two versions' identical forms never collide in ajv's registry.
    const { $id: _id, ...schema } = item.form;
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error) => {
    const missing =
      error.keyword === 'required' ? `/${(error.params as { missingProperty: string }).missingProperty}` : '';
    return { pointer: `/form${error.instancePath}${missing}`, reason: error.keyword };
  });
}

function createAjv(): Ajv2020 {
  const instance = new Ajv2020({ strict: true, allErrors: true, logger: false, addUsedSchema: false });
  addFormats(instance);
  for (const keyword of ['x-title-en', 'x-description-en']) instance.addKeyword({ keyword, schemaType: 'string' });
  return instance;
}
