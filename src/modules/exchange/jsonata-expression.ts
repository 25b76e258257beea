/**
 * JSONata expressions written by administrators (mappings, subscription filters), run on every
 * message. Each text is compiled once and kept in a bounded LRU cache. Every evaluation runs under
 * JSONata's own guardrails (the `timeout`/`stack`/`sequence` options, checked on entry to each step
 * of the evaluation and kept per evaluation, unlike the older `__evaluate_entry` callback technique,
 * whose counters a cached expression's concurrent evaluations would share): a runaway expression
 * (an endless tail recursion, a deep recursion, a huge range) is stopped instead of holding the hub.
 *
 * Errors name JSONata's error code and the position in the expression, never the data: a JSONata
 * message may quote a value of the payload, which is personal data.
 */
import jsonata from 'jsonata';
import { type FieldError, ValidationError } from '../../platform/errors.js';
import { registerMessages } from '../../platform/i18n/messages.js';
import './exchange-mappings.messages.js';

registerMessages({
  'exchange.expression_failed': { zh: 'JSONata 表达式执行失败', en: 'The JSONata expression failed' },
  'exchange.expression_failed.detail': {
    zh: '表达式在第 {position} 个字符处执行失败（原因：{reason}，JSONata 错误码 {jsonataCode}）。',
    en: 'The expression failed at character {position} (reason: {reason}, JSONata error {jsonataCode}).',
  },
});

export const EXPRESSION_LIMITS = Object.freeze({
  /** Longest expression text accepted (the mapping table's bound too). */
  maxChars: 65536,
  /**
   * Longest evaluation. JSONata's steps do not yield to the event loop, so this is also the longest
   * the process stalls for one message: long enough for a mapping over a large CSV file.
   */
  timeoutMs: 500,
  /** Deepest recursion of JSONata functions, well within Node's own stack. */
  maxDepth: 250,
  /** Longest sequence an evaluation may build (a guard on memory). */
  maxSequence: 1_000_000,
  /** Widest `$pad` (fixed-width fields are tens of characters). */
  maxPadWidth: 10_000,
  /** Compiled expressions kept; a district's mappings and filters are a few hundred. */
  cacheEntries: 1000,
});

const cache = new Map<string, jsonata.Expression>();
let compilations = 0;

/** How many times an expression was compiled since the process started (tests assert the cache works). */
export function expressionCompilations(): number {
  return compilations;
}

/**
 * The problems of an expression text before it is saved: empty when it compiles.
 * @example checkExpression('RKXX.{ "name": XM'); // [{ pointer: '/expression', reason: 'syntax', message: 'JSONata S0203 at position 17: …' }]
 */
export function checkExpression(text: string, pointer = '/expression'): FieldError[] {
  try {
    compiled(text);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.fields.map((field) => ({ ...field, pointer }));
    throw error;
  }
}

/**
 * Evaluates an expression against a JSON value, compiling it on first use. The result is plain JSON
 * (JSONata's sequences become arrays), or undefined when the expression matched nothing.
 * @throws ValidationError `exchange.expression_invalid` (syntax) or `exchange.expression_failed`
 *   (evaluation; reason `timeout`, `too_deep`, `too_large`, `not_json` or `evaluation`)
 * @example await evaluateExpression('RKXX.XM', { RKXX: { XM: '张三' } }); // '张三'
 */
export async function evaluateExpression(
  expression: string,
  input: unknown,
  options: { timeoutMs?: number } = {},
): Promise<unknown> {
  const compiledExpression = compiled(expression, options.timeoutMs);
  let result: unknown;
  try {
    result = await compiledExpression.evaluate(input);
  } catch (error) {
    const { code, position } = jsonataErrorOf(error);
    const reason = EVALUATION_REASONS[code] ?? 'evaluation';
    throw new ValidationError(
      'exchange.expression_failed',
      [{ pointer: '/expression', reason, message: `JSONata ${code} at position ${position}` }],
      { reason, jsonataCode: code, position },
    );
  }
  return toJsonValue(result);
}

const EVALUATION_REASONS: Readonly<Record<string, string>> = {
  H0001: 'too_large',
  H0002: 'unsafe_regex',
  D1012: 'timeout',
  D1011: 'too_deep',
  D2015: 'too_large',
};

function compiled(text: string, timeoutMs: number = EXPRESSION_LIMITS.timeoutMs): jsonata.Expression {
  const key = timeoutMs === EXPRESSION_LIMITS.timeoutMs ? text : `${timeoutMs}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) {
    // Map keeps insertion order: re-inserting makes this the most recently used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  if (typeof text !== 'string' || text.trim() === '' || text.length > EXPRESSION_LIMITS.maxChars) {
    throw new ValidationError('exchange.expression_invalid', [{ pointer: '/expression', reason: 'length' }], {
      jsonataCode: '-',
      position: 0,
    });
  }
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text, {
      timeout: timeoutMs,
      stack: EXPRESSION_LIMITS.maxDepth,
      sequence: EXPRESSION_LIMITS.maxSequence,
      // JSONata only ever calls `new RegexEngine(literal)`; the static side of RegExp is never used.
      RegexEngine: GuardedRegExp as unknown as RegExpConstructor,
    });
  } catch (error) {
    const { code, position, message } = jsonataErrorOf(error);
    throw new ValidationError(
      'exchange.expression_invalid',
      [{ pointer: '/expression', reason: 'syntax', message: `JSONata ${code} at position ${position}: ${message}` }],
      { jsonataCode: code, position },
    );
  }
  const regex = unsafeRegexIn(expression.ast());
  if (regex) {
    throw new ValidationError(
      'exchange.expression_invalid',
      [{ pointer: '/expression', reason: 'unsafe_regex', message: `JSONata H0002 at position ${regex.position}` }],
      { jsonataCode: 'H0002', position: regex.position },
    );
  }
  // $pad builds its padding at once, before any guardrail runs: a width of 10^8 would be 200 MB per call.
  expression.registerFunction('pad', boundedPad, '<s-ns?:s>');
  compilations += 1;
  cache.set(key, expression);
  if (cache.size > EXPRESSION_LIMITS.cacheEntries) cache.delete(cache.keys().next().value!);
  return expression;
}

/**
 * A regular expression runs inside one evaluation step, where no guardrail can stop it: a nested
 * quantifier such as `(a+)+` backtracks exponentially on a short unlucky input and would hold the
 * process for minutes. Such patterns are refused, when the expression is compiled (literals) and
 * when a regex is built at run time (`$eval`).
 */
class GuardedRegExp extends RegExp {
  constructor(pattern: string | RegExp, flags?: string) {
    super(pattern, flags);
    if (hasNestedQuantifier(this.source)) {
      throw { code: 'H0002', position: 0, message: 'regular expression with a nested quantifier' };
    }
  }
}

function unsafeRegexIn(node: unknown): { position: number } | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = unsafeRegexIn(child);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const { type, value, position } = node as { type?: unknown; value?: unknown; position?: unknown };
  if (type === 'regex' || type === 'regexp') {
    if (value instanceof RegExp && hasNestedQuantifier(value.source)) {
      return { position: typeof position === 'number' ? position : 0 };
    }
    return undefined;
  }
  for (const child of Object.values(node)) {
    const found = unsafeRegexIn(child);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether a pattern repeats (`*`, `+`, `{n,}`, `{n,m}`) a group that itself holds a repetition: the
 * shape of catastrophic backtracking. Conservative: `(\d+)+` is refused though it could be written safely.
 */
export function hasNestedQuantifier(source: string): boolean {
  const groups: boolean[] = [];
  let inClass = false;
  for (let index = 0; index < source.length; index += 1) {
    const character = source[index]!;
    if (character === '\\') {
      index += 1;
      continue;
    }
    if (inClass) {
      if (character === ']') inClass = false;
      continue;
    }
    if (character === '[') inClass = true;
    else if (character === '(') groups.push(false);
    else if (character === ')') {
      const repeatsInside = groups.pop() ?? false;
      const after = source.slice(index + 1);
      const repeated = /^(?:[*+]|\{\d*,\d*\})/.test(after);
      if (repeatsInside && repeated) return true;
      if (groups.length > 0 && (repeatsInside || repeated)) groups[groups.length - 1] = true;
    } else if ((character === '*' || character === '+' || character === '{') && groups.length > 0) {
      groups[groups.length - 1] = true;
    }
  }
  return false;
}

/** JSONata's `$pad` (same result, code points as its unit), with the width bounded. */
function boundedPad(text: string | undefined, width: number, padding?: string): string | undefined {
  if (text === undefined) return undefined;
  const target = Math.trunc(width);
  if (Math.abs(target) > EXPRESSION_LIMITS.maxPadWidth) {
    // H-codes are the platform's own, beside JSONata's letters (S syntax, T type, D dynamic, U user).
    throw { code: 'H0001', position: 0, message: `$pad width beyond ${EXPRESSION_LIMITS.maxPadWidth}` };
  }
  const missing = Math.abs(target) - [...text].length;
  if (missing <= 0) return text;
  const unit = padding === undefined || padding === '' ? [' '] : [...padding];
  let fill = '';
  for (let index = 0; index < missing; index += 1) fill += unit[index % unit.length];
  return target > 0 ? text + fill : fill + text;
}

function jsonataErrorOf(error: unknown): { code: string; position: number; message: string } {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    position?: unknown;
    message?: unknown;
  };
  return {
    code: typeof fields.code === 'string' ? fields.code : 'unknown',
    position: typeof fields.position === 'number' ? fields.position : 0,
    message: typeof fields.message === 'string' ? fields.message : '',
  };
}

/**
 * JSONata's result as plain JSON: sequences (arrays carrying flags) become arrays, undefined members
 * are dropped as JSON.stringify drops them, and a function (a lambda left unapplied) is refused, since
 * it cannot travel in a message.
 */
function toJsonValue(value: unknown, depth = 0): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'function' || isJsonataFunction(value)) throw notJson();
  if (typeof value !== 'object') return value;
  if (depth > EXPRESSION_LIMITS.maxDepth) throw notJson();
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const plain = toJsonValue(item, depth + 1);
      if (plain !== undefined) items.push(plain);
    }
    return items;
  }
  const object: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const plain = toJsonValue(member, depth + 1);
    if (plain !== undefined) object[key] = plain;
  }
  return object;
}

function isJsonataFunction(value: unknown): boolean {
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown } | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    (flags!._jsonata_function === true || flags!._jsonata_lambda === true)
  );
}

function notJson(): ValidationError {
  return new ValidationError('exchange.expression_failed', [{ pointer: '/expression', reason: 'not_json' }], {
    reason: 'not_json',
    jsonataCode: '-',
    position: 0,
  });
}
