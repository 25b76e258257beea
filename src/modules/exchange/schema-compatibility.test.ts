import { describe, expect, it } from 'vitest';
import { compareSchemas } from './schema-compatibility.js';

const person = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});
const summary = (previous: Record<string, unknown>, next: Record<string, unknown>) =>
  compareSchemas(previous, next).map((change) => `${change.breaking ? '!' : ' '} ${change.change} ${change.path}`);

describe('the compatibility report', () => {
  it('finds nothing between identical schemas', () => {
    const schema = person({ name: { type: 'string', maxLength: 50 } }, { required: ['name'] });
    expect(compareSchemas(schema, structuredClone(schema))).toEqual([]);
  });

  it('reports a removed property as breaking, an added optional one as not', () => {
    expect(summary(person({ a: { type: 'string' } }), person({ b: { type: 'string' } }))).toEqual([
      '! property_removed /a',
      '  property_added /b',
    ]);
  });

  it('reports a newly required property, and one no longer required', () => {
    const props = { a: { type: 'string' }, b: { type: 'string' } };
    expect(summary(person(props, { required: ['a'] }), person(props, { required: ['b'] }))).toEqual([
      '! property_required /b',
      '! property_optional /a',
    ]);
  });

  it('tells a narrowed, a changed and a widened type apart', () => {
    expect(summary(person({ a: { type: ['string', 'null'] } }), person({ a: { type: 'string' } }))).toEqual([
      '! type_narrowed /a',
    ]);
    expect(summary(person({ a: { type: 'number' } }), person({ a: { type: 'integer' } }))).toEqual([
      '! type_narrowed /a',
    ]);
    expect(summary(person({ a: { type: 'string' } }), person({ a: { type: 'integer' } }))).toEqual([
      '! type_changed /a',
    ]);
    expect(summary(person({ a: { type: 'integer' } }), person({ a: { type: 'number' } }))).toEqual([
      '  type_widened /a',
    ]);
  });

  it('reports removed enum values and a changed code list as breaking, added values as not', () => {
    const status = (values: string[]) => person({ status: { type: 'string', enum: values } });
    expect(summary(status(['a', 'b']), status(['a', 'c']))).toEqual([
      '! enum_values_removed /status',
      '  enum_values_added /status',
    ]);
    const coded = (list?: string) => person({ sex: { type: 'string', ...(list ? { 'x-code-list': list } : {}) } });
    expect(summary(coded('gb-t-2261.1'), coded('gb-t-2261.2'))).toEqual(['! code_list_changed /sex']);
    expect(summary(coded(), coded('gb-t-2261.1'))).toEqual(['! code_list_added /sex']);
    expect(summary(coded('gb-t-2261.1'), coded())).toEqual(['  code_list_removed /sex']);
  });

  it('reports tighter limits and changed patterns as breaking, looser limits as not', () => {
    const text = (limits: Record<string, unknown>) => person({ a: { type: 'string', ...limits } });
    expect(summary(text({ maxLength: 50 }), text({ maxLength: 20 }))).toEqual(['! limit_tightened /a']);
    expect(summary(text({}), text({ maxLength: 20 }))).toEqual(['! limit_tightened /a']);
    expect(summary(text({ maxLength: 20 }), text({ maxLength: 50 }))).toEqual(['  limit_loosened /a']);
    expect(summary(text({ minLength: 1 }), text({ minLength: 2 }))).toEqual(['! limit_tightened /a']);
    expect(summary(text({ pattern: '^[0-9]+$' }), text({ pattern: '^[0-9]{6}$' }))).toEqual(['! pattern_changed /a']);
    expect(summary(text({ pattern: '^[0-9]+$' }), text({}))).toEqual(['  pattern_removed /a']);
    const num = (limits: Record<string, unknown>) => person({ n: { type: 'number', ...limits } });
    expect(summary(num({ maximum: 100 }), num({ maximum: 10 }))).toEqual(['! limit_tightened /n']);
    expect(summary(num({ minimum: 0 }), num({ minimum: -5 }))).toEqual(['  limit_loosened /n']);
  });

  it('reports closing additional properties as breaking', () => {
    expect(summary(person({}), person({}, { additionalProperties: false }))).toEqual([
      '! additional_properties_closed ',
    ]);
    expect(summary(person({}, { additionalProperties: false }), person({}))).toEqual([
      '  additional_properties_opened ',
    ]);
  });

  it('follows nested objects, array items and local references', () => {
    const previous = {
      type: 'object',
      properties: {
        address: { $ref: '#/$defs/address' },
        phones: { type: 'array', items: { type: 'string', maxLength: 20 } },
      },
      $defs: { address: { type: 'object', properties: { city: { type: 'string' }, street: { type: 'string' } } } },
    };
    const next = structuredClone(previous) as typeof previous;
    delete (next.$defs.address.properties as Record<string, unknown>).street;
    next.properties.phones.items.maxLength = 11;
    expect(summary(previous, next)).toEqual(['! property_removed /address/street', '! limit_tightened /phones/*']);
  });

  it('compares compositions branch by branch, and calls other changes in them breaking', () => {
    const geometry = (point: Record<string, unknown>) =>
      person({ geometry: { type: 'object', oneOf: [point, { type: 'object', properties: {} }] } });
    expect(
      summary(
        geometry({ type: 'object', properties: { type: { const: 'Point' }, z: { type: 'number' } } }),
        geometry({ type: 'object', properties: { type: { const: 'Point' } } }),
      ),
    ).toEqual(['! property_removed /geometry/z']);
    expect(
      summary(
        person({ a: { anyOf: [{ type: 'string' }] } }),
        person({ a: { anyOf: [{ type: 'string' }, { type: 'null' }] } }),
      ),
    ).toEqual(['! composition_changed /a']);
  });

  it('writes every message in Chinese and English, naming the path', () => {
    const [change] = compareSchemas(person({ idNumber: { type: 'string' } }), person({}));
    expect(change).toMatchObject({
      path: '/idNumber',
      change: 'property_removed',
      breaking: true,
      message: { zh: '删除了字段 /idNumber', en: 'Property /idNumber was removed' },
    });
  });
});
