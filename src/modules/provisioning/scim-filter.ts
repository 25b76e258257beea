/**
 * SCIM filters (RFC 7644 §3.4.2.2): parsed into a tree here, then compiled to a parameterised SQL
 * condition over the attributes a resource type maps to columns. Values only ever reach SQL as bound
 * parameters; attribute names only select from a fixed map.
 *
 * Why not scimmy's filter parser: it flattens every filter to an OR of ANDs and gets `not` wrong
 * (`not (a or b)` comes out as `not a or not b`), reads `True` as false, rejects escaped quotes in
 * strings, fails on `not (…)` inside parentheses and accepts `userName eq` without a value. A
 * recursive-descent parser of the RFC's grammar is about a hundred lines and keeps the tree.
 */
import { type RawBuilder, sql } from 'kysely';
import { ScimError } from './scim-error.js';

export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'not'; expr: FilterNode }
  | { op: 'compare'; path: string; operator: CompareOperator; value: FilterValue }
  | { op: 'present'; path: string }
  /** `emails[type eq "work"]`: some value of a multi-valued attribute matches the inner filter. */
  | { op: 'valuePath'; path: string; filter: FilterNode };

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: FilterValue }
  | { kind: 'punct'; text: '(' | ')' | '[' | ']' };

const MAX_FILTER_LENGTH = 2000;

/**
 * Parses a filter; attribute paths come back lower-cased with the core schema URN taken off
 * (`name.familyname`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber`).
 * @throws ScimError 400 invalidFilter
 * @example parseFilter('userName eq "zhangsan" and not (active eq false)');
 */
export function parseFilter(text: string, coreSchema: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) throw invalidFilter('too_long');
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const isWord = (token: Token | undefined, word: string) =>
    token?.kind === 'word' && token.text.toLowerCase() === word;
  const expect = (text: string) => {
    const token = next();
    if (token?.kind !== 'punct' || token.text !== text) throw invalidFilter('expected', { expected: text });
  };

  const orExpression = (): FilterNode => {
    let left = andExpression();
    while (isWord(peek(), 'or')) {
      next();
      left = { op: 'or', left, right: andExpression() };
    }
    return left;
  };
  const andExpression = (): FilterNode => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      next();
      left = { op: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): FilterNode => {
    const token = peek();
    if (isWord(token, 'not')) {
      next();
      expect('(');
      const expr = orExpression();
      expect(')');
      return { op: 'not', expr };
    }
    if (token?.kind === 'punct' && token.text === '(') {
      next();
      const expr = orExpression();
      expect(')');
      return expr;
    }
    return attributeExpression();
  };
  const attributeExpression = (): FilterNode => {
    const token = next();
    if (token?.kind !== 'word' || !ATTRIBUTE_PATH.test(token.text)) throw invalidFilter('attribute_expected');
    const path = normalisePath(token.text, coreSchema);
    const after = peek();
    if (after?.kind === 'punct' && after.text === '[') {
      next();
      const inner = orExpression();
      expect(']');
      const node: FilterNode = { op: 'valuePath', path, filter: inner };
      // `emails[type eq "work"].value eq "…"`: the sub-attribute of the matching values.
      const rest = peek();
      if (rest?.kind === 'word' && rest.text.startsWith('.')) {
        next();
        const sub = attributeTail(`${path}${rest.text.toLowerCase()}`);
        return { op: 'valuePath', path, filter: { op: 'and', left: inner, right: sub } };
      }
      return node;
    }
    return attributeTail(path);
  };
  const attributeTail = (path: string): FilterNode => {
    const operator = next();
    if (operator?.kind !== 'word') throw invalidFilter('operator_expected');
    const name = operator.text.toLowerCase();
    if (name === 'pr') return { op: 'present', path };
    if (!(COMPARE_OPERATORS as readonly string[]).includes(name)) {
      throw invalidFilter('unknown_operator', { operator: operator.text });
    }
    const value = next();
    if (value?.kind === 'string') return { op: 'compare', path, operator: name as CompareOperator, value: value.value };
    if (value?.kind === 'literal')
      return { op: 'compare', path, operator: name as CompareOperator, value: value.value };
    throw invalidFilter('value_expected');
  };

  const tree = orExpression();
  if (position !== tokens.length) throw invalidFilter('trailing_input');
  return tree;
}

const ATTRIBUTE_PATH = /^(?:urn:[A-Za-z0-9.:-]+:)?[A-Za-z$][\w$-]*(?:\.[A-Za-z$][\w$-]*)?$/;

/** Lower-cased (attribute names are case-insensitive, RFC 7643 §2.1), the core schema URN taken off. */
export function normalisePath(path: string, coreSchema: string): string {
  const lower = path.toLowerCase();
  const core = `${coreSchema.toLowerCase()}:`;
  return lower.startsWith(core) ? lower.slice(core.length) : lower;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (/\s/.test(character)) {
      index++;
    } else if ('()[]'.includes(character)) {
      tokens.push({ kind: 'punct', text: character as '(' | ')' | '[' | ']' });
      index++;
    } else if (character === '"') {
      // A JSON string (RFC 7644 §3.4.2.2: compValue is JSON): escapes included.
      let end = index + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) throw invalidFilter('unterminated_string');
      try {
        tokens.push({ kind: 'string', value: JSON.parse(text.slice(index, end + 1)) as string });
      } catch {
        throw invalidFilter('bad_string');
      }
      index = end + 1;
    } else {
      const match = /^[^\s()[\]"]+/.exec(text.slice(index))!;
      const word = match[0];
      // `emails[type eq "work"].value`: the `.value` after a bracket is a word of its own.
      const lower = word.toLowerCase();
      if (lower === 'true' || lower === 'false') tokens.push({ kind: 'literal', value: lower === 'true' });
      else if (lower === 'null') tokens.push({ kind: 'literal', value: null });
      else if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(word)) tokens.push({ kind: 'literal', value: Number(word) });
      else tokens.push({ kind: 'word', text: word });
      index += word.length;
    }
  }
  if (tokens.length === 0) throw invalidFilter('empty');
  return tokens;
}

function invalidFilter(reason: string, params: Record<string, unknown> = {}): ScimError {
  return new ScimError(400, 'provisioning.scim_filter_invalid', 'invalidFilter', { reason, ...params });
}

/** How one filterable attribute reads in SQL. */
export interface AttributeSql {
  expression: RawBuilder<unknown>;
  type: 'string' | 'boolean' | 'datetime';
  /** Case-exact strings compare as stored; others (userName, emails) compare case-insensitively. */
  caseExact?: boolean;
  /** Case-insensitive, but the column only ever holds lower case: the value is lowered instead of the column. */
  storedLowerCase?: boolean;
}

/**
 * Compiles a filter to a SQL condition. An attribute outside `attributes`, an operator its type does
 * not support (`gt` on a boolean) or a value of the wrong type is an invalidFilter error. Each
 * comparison is coalesced to false, so `not (title eq "x")` also matches people without a title.
 * @example const where = compileFilter(parseFilter(text, USER_SCHEMA), USER_ATTRIBUTES);
 */
export function compileFilter(
  node: FilterNode,
  attributes: Readonly<Record<string, AttributeSql>>,
): RawBuilder<boolean> {
  switch (node.op) {
    case 'and':
      return sql<boolean>`(${compileFilter(node.left, attributes)} and ${compileFilter(node.right, attributes)})`;
    case 'or':
      return sql<boolean>`(${compileFilter(node.left, attributes)} or ${compileFilter(node.right, attributes)})`;
    case 'not':
      return sql<boolean>`(not ${compileFilter(node.expr, attributes)})`;
    case 'valuePath':
      // Every multi-valued attribute mapped here holds at most one value (the work mailbox, the
      // mobile), so "some value matches" is the inner filter on the sub-attributes.
      return compileFilter(prefixed(node.filter, node.path), attributes);
    case 'present': {
      const attribute = attributeOf(node.path, attributes);
      return attribute.type === 'string'
        ? sql<boolean>`coalesce(${attribute.expression}::text <> '', false)`
        : sql<boolean>`(${attribute.expression} is not null)`;
    }
    case 'compare':
      return comparison(attributeOf(node.path, attributes), node.operator, node.value, node.path);
  }
}

function prefixed(node: FilterNode, path: string): FilterNode {
  switch (node.op) {
    case 'and':
    case 'or':
      return { ...node, left: prefixed(node.left, path), right: prefixed(node.right, path) };
    case 'not':
      return { op: 'not', expr: prefixed(node.expr, path) };
    case 'valuePath':
      throw invalidFilter('nested_value_path');
    default:
      return node.path.startsWith(`${path}.`) ? node : { ...node, path: `${path}.${node.path}` };
  }
}

function attributeOf(path: string, attributes: Readonly<Record<string, AttributeSql>>): AttributeSql {
  const attribute = attributes[path];
  if (!attribute) throw invalidFilter('unknown_attribute', { attribute: path });
  return attribute;
}

const SQL_OPERATOR = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function comparison(
  attribute: AttributeSql,
  operator: CompareOperator,
  value: FilterValue,
  path: string,
): RawBuilder<boolean> {
  const { expression, type } = attribute;
  if (value === null) {
    if (operator === 'eq') return sql<boolean>`(${expression} is null)`;
    if (operator === 'ne') return sql<boolean>`(${expression} is not null)`;
    throw invalidFilter('operator_type', { attribute: path, operator });
  }
  if (type === 'boolean') {
    if (typeof value !== 'boolean' || (operator !== 'eq' && operator !== 'ne')) {
      throw invalidFilter('operator_type', { attribute: path, operator });
    }
    return sql<boolean>`coalesce(${expression} ${sql.raw(SQL_OPERATOR[operator])} ${value}, false)`;
  }
  if (typeof value !== 'string') throw invalidFilter('value_type', { attribute: path });
  if (type === 'datetime') {
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
      throw invalidFilter('value_type', { attribute: path });
    }
    if (operator === 'co' || operator === 'sw' || operator === 'ew') {
      throw invalidFilter('operator_type', { attribute: path, operator });
    }
    // Stored with microseconds, shown with milliseconds: compare at the precision the client saw.
    return sql<boolean>`coalesce(date_trunc('milliseconds', ${expression}) ${sql.raw(SQL_OPERATOR[operator])} ${instant}::timestamptz, false)`;
  }
  // A column stored in lower case is compared as it is, so `userName eq` stays a unique-index lookup.
  const column = attribute.caseExact || attribute.storedLowerCase ? sql`${expression}` : sql`lower(${expression})`;
  const text = attribute.caseExact ? value : value.toLowerCase();
  if (operator === 'co' || operator === 'sw' || operator === 'ew') {
    const literal = text.replace(/[\\%_]/g, (character) => `\\${character}`);
    const pattern = operator === 'co' ? `%${literal}%` : operator === 'sw' ? `${literal}%` : `%${literal}`;
    return sql<boolean>`coalesce(${column} like ${pattern}, false)`;
  }
  if (operator === 'eq' || operator === 'ne') {
    return sql<boolean>`coalesce(${column} ${sql.raw(SQL_OPERATOR[operator])} ${text}, false)`;
  }
  // Byte-wise order, the same on every locale and engine.
  return sql<boolean>`coalesce(${column} collate "C" ${sql.raw(SQL_OPERATOR[operator])} ${text}, false)`;
}
