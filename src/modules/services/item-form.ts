/**
 * An item's application form: a JSON Schema 2020-12 object schema, checked with ajv in strict mode,
 * kept to what the portal can render as an accessible HTML form. Each field needs a `title` (its
 * label, Chinese) and may have `description` (its hint); `x-title-en` and `x-description-en` give
 * the English. Fields are strings (with `enum` a choice, with `format: "date"` a date), numbers,
 * integers, booleans, and objects, which render as fieldsets.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../../platform/errors.js';
import { LIMITS } from './item.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object on some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
/** Deeper nesting than a fieldset in a fieldset in a fieldset is a form nobody can fill in. */
const MAX_DEPTH = 3;
const MAX_FIELDS = 200;
/** Property names become HTML ids and form names: kept to what needs no escaping anywhere. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const ROOT_KEYWORDS = new Set(['$schema', '$id', 'title', 'description', 'x-title-en', 'x-description-en']);
const COMMON_KEYWORDS = new Set([
  'type',
  'title',
  'description',
  'x-title-en',
  'x-description-en',
  'default',
  'examples',
]);
const KEYWORDS_OF: Record<string, Set<string>> = {
  string: new Set([...COMMON_KEYWORDS, 'minLength', 'maxLength', 'pattern', 'format', 'enum']),
  number: new Set([...COMMON_KEYWORDS, 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  integer: new Set([...COMMON_KEYWORDS, 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  boolean: new Set(COMMON_KEYWORDS),
  object: new Set([...COMMON_KEYWORDS, 'properties', 'required', 'additionalProperties']),
};
/** Formats a browser has an input for, or that a text box serves. */
const STRING_FORMATS = new Set(['date', 'email', 'uri']);

export type FormFieldKind = 'text' | 'date' | 'email' | 'number' | 'integer' | 'boolean' | 'choice' | 'group';

/** One field of a form, as a page renders it. */
export interface FormField {
  kind: FormFieldKind;
  /** The property name. */
  name: string;
  /** A JSON Pointer into the application data, e.g. `/applicant/name`. */
  pointer: string;
  titleZh: string;
  titleEn: string;
  hintZh: string | null;
  hintEn: string | null;
  required: boolean;
  /** The values of a choice. */
  options: string[];
  minimum: number | null;
  maximum: number | null;
  maxLength: number | null;
  /** The fields of a group. */
  fields: FormField[];
}

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, logger: false, loadSchema: undefined });
  addFormats(ajv);
  for (const keyword of ['x-title-en', 'x-description-en']) ajv.addKeyword({ keyword, schemaType: 'string' });
  return ajv;
}

let sharedAjv: Ajv2020 | undefined;

/**
 * Every problem of a form schema, as field errors under `/form`: not a valid strict JSON Schema
 * 2020-12, or using what the portal cannot render.
 * @example checkForm({ type: 'object', properties: { name: { type: 'string', title: '姓名' } } }) // []
 */
export function checkForm(schema: unknown): FieldError[] {
  if (!isObject(schema)) return [{ pointer: '/form', reason: 'type' }];
  if (JSON.stringify(schema).length > LIMITS.formBytes) return [{ pointer: '/form', reason: 'too_large' }];
  const errors: FieldError[] = [];
  if (schema.$schema !== undefined && schema.$schema !== DRAFT_2020_12) {
    errors.push({ pointer: '/form/$schema', reason: 'dialect', message: `only ${DRAFT_2020_12}` });
  }
  if (schema.type !== 'object') errors.push({ pointer: '/form/type', reason: 'root_object' });
  for (const key of Object.keys(schema)) {
    if (!ROOT_KEYWORDS.has(key) && !KEYWORDS_OF.object!.has(key)) {
      errors.push({ pointer: `/form/${escapePointer(key)}`, reason: 'unsupported' });
    }
  }
  const count = { fields: 0 };
  checkObject(schema, '/form', 1, errors, count);
  if (count.fields > MAX_FIELDS) errors.push({ pointer: '/form', reason: 'too_many_fields' });
  if (errors.length > 0) return errors;
  sharedAjv ??= createAjv();
  try {
    sharedAjv.compile(schema);
  } catch (error) {
    errors.push({ pointer: '/form', reason: 'schema', message: (error as Error).message.slice(0, 300) });
  } finally {
    // Forms are compiled to be checked, not kept: without this the cache grows with every draft.
    sharedAjv.removeSchema(schema);
  }
  return errors;
}

function checkObject(
  schema: Record<string, unknown>,
  pointer: string,
  depth: number,
  errors: FieldError[],
  count: { fields: number },
) {
  const properties = schema.properties;
  if (!isObject(properties) || Object.keys(properties).length === 0) {
    errors.push({ pointer: `${pointer}/properties`, reason: 'required' });
    return;
  }
  const required = schema.required ?? [];
  if (!Array.isArray(required) || required.some((name) => typeof name !== 'string' || !(name in properties))) {
    errors.push({ pointer: `${pointer}/required`, reason: 'unknown_property' });
  }
  for (const [name, property] of Object.entries(properties)) {
    count.fields += 1;
    const at = `${pointer}/properties/${escapePointer(name)}`;
    if (!FIELD_NAME.test(name)) errors.push({ pointer: at, reason: 'field_name' });
    if (!isObject(property)) {
      errors.push({ pointer: at, reason: 'type' });
      continue;
    }
    const type = property.type;
    const allowed = typeof type === 'string' ? KEYWORDS_OF[type] : undefined;
    if (!allowed) {
      errors.push({ pointer: `${at}/type`, reason: 'unsupported' });
      continue;
    }
    for (const key of Object.keys(property)) {
      if (!allowed.has(key)) errors.push({ pointer: `${at}/${escapePointer(key)}`, reason: 'unsupported' });
    }
    if (typeof property.title !== 'string' || property.title.trim() === '') {
      errors.push({ pointer: `${at}/title`, reason: 'required' });
    }
    if (type === 'string' && property.format !== undefined && !STRING_FORMATS.has(String(property.format))) {
      errors.push({ pointer: `${at}/format`, reason: 'unsupported' });
    }
    if (property.enum !== undefined) {
      const values = property.enum;
      if (!Array.isArray(values) || values.length === 0 || values.some((value) => typeof value !== 'string')) {
        errors.push({ pointer: `${at}/enum`, reason: 'strings' });
      }
    }
    if (type === 'object') {
      if (depth >= MAX_DEPTH) errors.push({ pointer: at, reason: 'too_deep' });
      else checkObject(property, at, depth + 1, errors, count);
    }
  }
}

/**
 * The fields of a checked form, in the schema's order, for rendering.
 * @example describeForm(schema).map((field) => field.titleZh) // ['申请人姓名', '联系电话', …]
 */
export function describeForm(schema: Record<string, unknown>): FormField[] {
  return fieldsOf(schema, '');
}

function fieldsOf(schema: Record<string, unknown>, pointer: string): FormField[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).flatMap(([name, property]) => {
    if (!isObject(property)) return [];
    const at = `${pointer}/${name}`;
    const number = (key: string) => (typeof property[key] === 'number' ? (property[key] as number) : null);
    const string = (key: string) => (typeof property[key] === 'string' ? (property[key] as string) : null);
    const titleZh = string('title') ?? name;
    return [
      {
        kind: kindOf(property),
        name,
        pointer: at,
        titleZh,
        titleEn: string('x-title-en') ?? titleZh,
        hintZh: string('description'),
        hintEn: string('x-description-en') ?? string('description'),
        required: required.has(name),
        options: Array.isArray(property.enum) ? property.enum.map(String) : [],
        minimum: number('minimum'),
        maximum: number('maximum'),
        maxLength: number('maxLength'),
        fields: property.type === 'object' ? fieldsOf(property, at) : [],
      },
    ];
  });
}

function kindOf(property: Record<string, unknown>): FormFieldKind {
  switch (property.type) {
    case 'object':
      return 'group';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
  }
  if (Array.isArray(property.enum)) return 'choice';
  if (property.format === 'date') return 'date';
  if (property.format === 'email') return 'email';
  return 'text';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901: `~` and `/` in a property name. */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
