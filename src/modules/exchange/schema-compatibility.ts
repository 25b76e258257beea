/**
 * Whether a new version of a standard breaks those who use the previous one: the publishers whose
 * payloads were valid (a property newly required, a type narrowed, a value or limit tightened, extra
 * properties refused) and the subscribers who read them (a property removed or made optional).
 * Additions that neither side notices (an optional property, a new enum value, a looser limit) are
 * reported too, as not breaking. Compositions (oneOf, anyOf, allOf) of the same length are compared
 * branch by branch; any other change inside them is reported as breaking, since it cannot be proved
 * harmless without deciding schema inclusion, which JSON Schema makes undecidable in general.
 */
import { translate } from '../../platform/i18n/messages.js';
import './exchange-standards.messages.js';
import type { ChangeKind, CompatibilityChange } from './standard.js';
import { CODE_LIST_KEYWORD } from './standard-validator.js';

type Schema = Record<string, unknown> | boolean;

const BREAKING: Record<ChangeKind, boolean> = {
  property_removed: true,
  property_added: false,
  property_required: true,
  // A subscriber that relied on a field always being there no longer gets it.
  property_optional: true,
  type_changed: true,
  type_narrowed: true,
  type_widened: false,
  enum_values_removed: true,
  enum_values_added: false,
  enum_added: true,
  enum_removed: false,
  code_list_added: true,
  code_list_changed: true,
  code_list_removed: false,
  limit_tightened: true,
  limit_loosened: false,
  pattern_changed: true,
  pattern_removed: false,
  format_changed: true,
  format_removed: false,
  const_changed: true,
  additional_properties_closed: true,
  additional_properties_opened: false,
  composition_changed: true,
};

const UPPER_LIMITS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;
const LOWER_LIMITS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;
const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf'] as const;
/** Compared whole: a difference in any of these is a change we cannot judge field by field. */
const OPAQUE = ['not', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired', 'patternProperties', 'contains'];
const MAX_DEPTH = 64;

/**
 * Every difference between the previous published schema and the next one, breaking ones first.
 * @example
 * compareSchemas({ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: {} })
 * // [{ path: '/a', change: 'property_removed', breaking: true, message: { zh: '…', en: '…' } }]
 */
export function compareSchemas(
  previousRoot: Record<string, unknown>,
  nextRoot: Record<string, unknown>,
): CompatibilityChange[] {
  const changes: CompatibilityChange[] = [];
  const add = (path: string, change: ChangeKind, params: Record<string, unknown> = {}) => {
    const all = { path: path || '/', ...params };
    changes.push({
      path,
      change,
      breaking: BREAKING[change],
      message: {
        zh: translate(`exchange.compatibility.${change}`, 'zh-CN', all),
        en: translate(`exchange.compatibility.${change}`, 'en', all),
      },
    });
  };
  const seen = new Set<string>();

  const compare = (before: Schema, after: Schema, path: string, depth: number) => {
    const prev = resolve(previousRoot, before);
    const next = resolve(nextRoot, after);
    if (depth > MAX_DEPTH) return;
    if (typeof prev === 'boolean' || typeof next === 'boolean') {
      if (JSON.stringify(prev) !== JSON.stringify(next))
        add(path, next === false ? 'type_narrowed' : 'composition_changed');
      return;
    }
    const pair = `${path}\u0000${JSON.stringify(prev)}\u0000${JSON.stringify(next)}`;
    if (seen.has(pair)) return;
    seen.add(pair);

    compareTypes(prev, next, path);
    compareValues(prev, next, path);
    compareLimits(prev, next, path);
    compareObject(prev, next, path, depth);
    compareArray(prev, next, path, depth);
    for (const keyword of COMPOSITIONS) {
      const a = prev[keyword];
      const b = next[keyword];
      if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        a.forEach((branch, index) => {
          compare(branch as Schema, b[index] as Schema, path, depth + 1);
        });
      } else if (JSON.stringify(a) !== JSON.stringify(b)) add(path, 'composition_changed', { keyword });
    }
    for (const keyword of OPAQUE) {
      if (JSON.stringify(prev[keyword]) !== JSON.stringify(next[keyword]))
        add(path, 'composition_changed', { keyword });
    }
  };

  const compareTypes = (prev: Record<string, unknown>, next: Record<string, unknown>, path: string) => {
    const a = typesOf(prev);
    const b = typesOf(next);
    if (a === undefined && b === undefined) return;
    const previousText = a ? [...a].join('|') : 'any';
    const nextText = b ? [...b].join('|') : 'any';
    if (previousText === nextText) return;
    const params = { previous: previousText, next: nextText };
    if (b === undefined || (a !== undefined && covers(b, a))) add(path, 'type_widened', params);
    else if (a === undefined || covers(a, b)) add(path, 'type_narrowed', params);
    else add(path, 'type_changed', params);
  };

  const compareValues = (prev: Record<string, unknown>, next: Record<string, unknown>, path: string) => {
    if ('const' in next && JSON.stringify(prev.const) !== JSON.stringify(next.const)) add(path, 'const_changed');
    const before = Array.isArray(prev.enum) ? prev.enum.map((value) => JSON.stringify(value)) : undefined;
    const after = Array.isArray(next.enum) ? next.enum.map((value) => JSON.stringify(value)) : undefined;
    if (before && after) {
      const removed = before.filter((value) => !after.includes(value));
      const added = after.filter((value) => !before.includes(value));
      if (removed.length > 0) add(path, 'enum_values_removed', { values: removed.join(', ') });
      if (added.length > 0) add(path, 'enum_values_added', { values: added.join(', ') });
    } else if (after) add(path, 'enum_added');
    else if (before) add(path, 'enum_removed');
    const listBefore = prev[CODE_LIST_KEYWORD];
    const listAfter = next[CODE_LIST_KEYWORD];
    if (listBefore === undefined && listAfter !== undefined) add(path, 'code_list_added', { list: listAfter });
    else if (listBefore !== undefined && listAfter === undefined) add(path, 'code_list_removed', { list: listBefore });
    else if (listBefore !== listAfter) add(path, 'code_list_changed', { previous: listBefore, next: listAfter });
    for (const keyword of ['pattern', 'format'] as const) {
      if (prev[keyword] === next[keyword]) continue;
      if (next[keyword] === undefined) add(path, `${keyword}_removed`, { previous: prev[keyword] });
      else add(path, `${keyword}_changed`, { previous: prev[keyword] ?? '—', next: next[keyword] });
    }
  };

  const compareLimits = (prev: Record<string, unknown>, next: Record<string, unknown>, path: string) => {
    const limit = (keyword: string, tighter: (a: number, b: number) => boolean) => {
      const a = typeof prev[keyword] === 'number' ? (prev[keyword] as number) : undefined;
      const b = typeof next[keyword] === 'number' ? (next[keyword] as number) : undefined;
      if (a === b) return;
      const params = { keyword, previous: a ?? '—', next: b ?? '—' };
      if (b !== undefined && (a === undefined || tighter(a, b))) add(path, 'limit_tightened', params);
      else add(path, 'limit_loosened', params);
    };
    for (const keyword of UPPER_LIMITS) limit(keyword, (a, b) => b < a);
    for (const keyword of LOWER_LIMITS) limit(keyword, (a, b) => b > a);
    // A new step is looser only when every old value still fits it.
    limit('multipleOf', (a, b) => !Number.isInteger(a / b));
    if (prev.uniqueItems !== true && next.uniqueItems === true) {
      add(path, 'limit_tightened', { keyword: 'uniqueItems', previous: 'false', next: 'true' });
    }
  };

  const compareObject = (prev: Record<string, unknown>, next: Record<string, unknown>, path: string, depth: number) => {
    const before = objectOf(prev.properties);
    const after = objectOf(next.properties);
    for (const [name, schema] of Object.entries(before)) {
      const at = `${path}/${escapePointer(name)}`;
      if (!(name in after)) add(at, 'property_removed');
      else compare(schema as Schema, after[name] as Schema, at, depth + 1);
    }
    for (const name of Object.keys(after)) {
      if (!(name in before)) add(`${path}/${escapePointer(name)}`, 'property_added');
    }
    const requiredBefore = stringsOf(prev.required);
    const requiredAfter = stringsOf(next.required);
    for (const name of requiredAfter) {
      if (!requiredBefore.includes(name)) add(`${path}/${escapePointer(name)}`, 'property_required');
    }
    for (const name of requiredBefore) {
      if (!requiredAfter.includes(name) && name in after) add(`${path}/${escapePointer(name)}`, 'property_optional');
    }
    for (const keyword of ['additionalProperties', 'unevaluatedProperties'] as const) {
      const a = prev[keyword];
      const b = next[keyword];
      if (a !== false && b === false) add(path, 'additional_properties_closed', { keyword });
      else if (a === false && b !== false && b !== undefined) add(path, 'additional_properties_opened', { keyword });
      else if (a === false && b === undefined) add(path, 'additional_properties_opened', { keyword });
      else if (isSchemaObject(a) && isSchemaObject(b)) compare(a, b, `${path}/*`, depth + 1);
      else if (isSchemaObject(b) && a === undefined) add(path, 'composition_changed', { keyword });
    }
  };

  const compareArray = (prev: Record<string, unknown>, next: Record<string, unknown>, path: string, depth: number) => {
    if (isSchemaOrBoolean(prev.items) && isSchemaOrBoolean(next.items)) {
      compare(prev.items, next.items, `${path}/*`, depth + 1);
    } else if (prev.items === undefined && isSchemaOrBoolean(next.items))
      add(`${path}/*`, 'type_narrowed', {
        previous: 'any',
        next: 'items',
      });
    const a = Array.isArray(prev.prefixItems) ? prev.prefixItems : [];
    const b = Array.isArray(next.prefixItems) ? next.prefixItems : [];
    for (let index = 0; index < Math.max(a.length, b.length); index++) {
      const at = `${path}/${index}`;
      if (index >= b.length) add(at, 'property_removed');
      else if (index >= a.length) add(at, 'type_narrowed', { previous: 'any', next: 'prefixItems' });
      else compare(a[index] as Schema, b[index] as Schema, at, depth + 1);
    }
  };

  compare(previousRoot, nextRoot, '', 0);
  return changes.sort((x, y) => Number(y.breaking) - Number(x.breaking));
}

/** Follows local references (`#/$defs/…`) within the schema they come from. */
function resolve(root: Record<string, unknown>, node: Schema): Schema {
  let current: Schema = node;
  for (let hops = 0; hops < 16 && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    const target = pointerGet(root, current.$ref);
    if (target === undefined) break;
    const { $ref: _ref, ...rest } = current;
    current = Object.keys(rest).length === 0 ? target : { ...target, ...rest };
  }
  return current;
}

function pointerGet(root: Record<string, unknown>, ref: string): Record<string, unknown> | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const token of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return isSchemaObject(node) ? node : undefined;
}

function typesOf(schema: Record<string, unknown>): Set<string> | undefined {
  const type = schema.type;
  if (typeof type === 'string') return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is string => typeof t === 'string'));
  return undefined;
}

/** Whether every value of the types `inner` is a value of the types `outer` (integers are numbers). */
function covers(outer: Set<string>, inner: Set<string>): boolean {
  return [...inner].every((type) => outer.has(type) || (type === 'integer' && outer.has('number')));
}

function objectOf(value: unknown): Record<string, unknown> {
  return isSchemaObject(value) ? value : {};
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isSchemaObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isSchemaOrBoolean(value: unknown): value is Schema {
  return typeof value === 'boolean' || isSchemaObject(value);
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
