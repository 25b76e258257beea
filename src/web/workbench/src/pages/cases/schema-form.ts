/**
 * An item's application form (a JSON Schema 2020-12 object, as the catalogue checks it:
 * src/modules/services/item-form.ts) as the fields a page renders, and the filled-in values as the
 * object the schema describes. The catalogue keeps forms to strings (with `enum` a choice, with
 * `format` a date or an email), numbers, integers, booleans and objects (fieldsets).
 */

export type SchemaFieldKind = 'text' | 'date' | 'email' | 'number' | 'integer' | 'boolean' | 'choice' | 'group';

export interface SchemaField {
  kind: SchemaFieldKind;
  /** The path of names from the form's root, e.g. ['applicant', 'name']. */
  path: string[];
  titleZh: string;
  titleEn: string;
  hintZh: string | null;
  hintEn: string | null;
  /** Required where it stands: inside an optional group only once the group is filled in. */
  required: boolean;
  options: string[];
  minimum: number | null;
  maximum: number | null;
  maxLength: number | null;
  fields: SchemaField[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields of a form schema in its own order.
 * @example describeSchema({ type: 'object', properties: { name: { type: 'string', title: '姓名' } } })[0].titleZh // '姓名'
 */
export function describeSchema(schema: unknown, path: string[] = []): SchemaField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(schema.properties).flatMap(([name, property]) => {
    if (!isObject(property)) return [];
    const text = (key: string) => (typeof property[key] === 'string' ? (property[key] as string) : null);
    const number = (key: string) => (typeof property[key] === 'number' ? (property[key] as number) : null);
    const titleZh = text('title') ?? name;
    const at = [...path, name];
    return [
      {
        kind: kindOf(property),
        path: at,
        titleZh,
        titleEn: text('x-title-en') ?? titleZh,
        hintZh: text('description'),
        hintEn: text('x-description-en') ?? text('description'),
        required: required.has(name),
        options: Array.isArray(property.enum) ? property.enum.map(String) : [],
        minimum: number('minimum'),
        maximum: number('maximum'),
        maxLength: number('maxLength'),
        fields: property.type === 'object' ? describeSchema(property, at) : [],
      },
    ];
  });
}

function kindOf(property: Json): SchemaFieldKind {
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

/** Every field's dotted name under `prefix`, groups included: the names a problem's pointers may name. */
export function fieldNamesOf(fields: SchemaField[], prefix: string): string[] {
  return fields.flatMap((field) => [[prefix, ...field.path].join('.'), ...fieldNamesOf(field.fields, prefix)]);
}

/**
 * The values as the schema wants them: empty answers left out (an empty text is no answer, not an
 * answer the schema would refuse), and a group nobody filled in left out too.
 * @example formDataOf({ name: ' 张三 ', agent: { name: '' } }) // { name: '张三' }
 */
export function formDataOf(values: unknown): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (!isObject(values)) return data;
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value.trim() !== '') data[name] = value.trim();
    } else if (isObject(value)) {
      const inner = formDataOf(value);
      if (Object.keys(inner).length > 0) data[name] = inner;
    } else {
      data[name] = value;
    }
  }
  return data;
}
