import { describe, expect, it } from 'vitest';
import { TEST_FORM } from './item.fixtures.js';
import { checkForm, describeForm } from './item-form.js';

const lines = (schema: unknown) => checkForm(schema).map((error) => `${error.pointer} ${error.reason}`);

describe('checking a form schema', () => {
  it('accepts what the portal can render', () => {
    expect(checkForm(TEST_FORM)).toEqual([]);
  });

  it('names each part the portal cannot render', () => {
    expect(
      lines({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        required: ['name', 'missing'],
        oneOf: [],
        properties: {
          name: { type: 'string', title: '姓名', $ref: '#/$defs/x' },
          photos: { type: 'array', title: '照片' },
          kind: { type: 'string', title: '类别', enum: [1, 2] },
          when: { type: 'string', title: '时间', format: 'date-time' },
          'bad name': { type: 'boolean', title: '是否' },
          untitled: { type: 'integer' },
          a: {
            type: 'object',
            title: '一',
            properties: {
              b: {
                type: 'object',
                title: '二',
                properties: { c: { type: 'object', title: '三', properties: { d: { type: 'string', title: '四' } } } },
              },
            },
          },
        },
      }),
    ).toEqual([
      '/form/$schema dialect',
      '/form/oneOf unsupported',
      '/form/required unknown_property',
      '/form/properties/name/$ref unsupported',
      '/form/properties/photos/type unsupported',
      '/form/properties/kind/enum strings',
      '/form/properties/when/format unsupported',
      '/form/properties/bad name field_name',
      '/form/properties/untitled/title required',
      '/form/properties/a/properties/b/properties/c too_deep',
    ]);
  });

  it('refuses a root that is not an object schema, and an empty one', () => {
    expect(lines([])).toEqual(['/form type']);
    expect(lines({ type: 'string' })).toEqual(['/form/type root_object', '/form/properties required']);
    expect(lines({ type: 'object', properties: {} })).toEqual(['/form/properties required']);
  });

  it('compiles the schema in strict mode, so a broken keyword value is caught', () => {
    expect(lines({ type: 'object', properties: { n: { type: 'string', title: '名', pattern: '(' } } })).toEqual([
      '/form schema',
    ]);
  });
});

describe('describing a form', () => {
  it('gives each field its kind, labels, hint, requiredness and limits, groups with their fields', () => {
    const fields = describeForm(TEST_FORM);
    expect(fields.map((field) => `${field.pointer} ${field.kind} ${field.required}`)).toEqual([
      '/applicant group true',
      '/openingDate date true',
      '/seats integer false',
      '/area number false',
      '/category choice false',
      '/chain boolean false',
    ]);
    expect(fields[0]!.fields.map((field) => [field.pointer, field.titleZh, field.titleEn, field.required])).toEqual([
      ['/applicant/name', '姓名', 'Name', true],
      // Without an English title the Chinese one stands in.
      ['/applicant/phone', '联系电话', '联系电话', false],
    ]);
    expect(fields[0]!.fields[1]).toMatchObject({ hintZh: '11 位手机号码', hintEn: '11 位手机号码' });
    expect(fields[4]!.options).toEqual(['餐饮服务', '食品销售']);
    expect(fields[2]).toMatchObject({ minimum: 0, maximum: null });
  });
});
