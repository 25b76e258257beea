import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../platform/errors.js';
import {
  checkExpression,
  EXPRESSION_LIMITS,
  evaluateExpression,
  expressionCompilations,
  hasNestedQuantifier,
} from './jsonata-expression.js';

describe('evaluateExpression', () => {
  it('evaluates to plain JSON: sequences become arrays, nothing matched is undefined', async () => {
    const input = { RKXX: { XM: '张三', DZ: [{ '@_LX': 'HJ' }, { '@_LX': 'JZ' }] } };
    const result = await evaluateExpression('RKXX.{ "name": XM, "kinds": [DZ.`@_LX`] }', input);
    expect(result).toEqual({ name: '张三', kinds: ['HJ', 'JZ'] });
    const sequence = await evaluateExpression('RKXX.DZ.{ "kind": `@_LX` }', input);
    expect(Object.getOwnPropertyNames(sequence)).not.toContain('sequence');
    expect(sequence).toEqual([{ kind: 'HJ' }, { kind: 'JZ' }]);
    expect(await evaluateExpression('RKXX.nothing', input)).toBeUndefined();
    expect(await evaluateExpression('{ "a": RKXX.nothing, "b": 1 }', input)).toEqual({ b: 1 });
  });

  it('compiles each expression text once, however often it runs', async () => {
    const text = `{ "once": $ & "${Math.random()}" }`;
    const before = expressionCompilations();
    await Promise.all(Array.from({ length: 20 }, (_, index) => evaluateExpression(text, String(index))));
    expect(expressionCompilations()).toBe(before + 1);
    await evaluateExpression(`${text} `, 'x');
    expect(expressionCompilations()).toBe(before + 2);
  });

  it('stops an expression that would run forever, within the time limit', async () => {
    const started = Date.now();
    const error = await failure(evaluateExpression('($loop := function($n) { $loop($n + 1) }; $loop(0))', {}));
    expect(Date.now() - started).toBeLessThan(EXPRESSION_LIMITS.timeoutMs + 2000);
    expect(error).toMatchObject({
      code: 'exchange.expression_failed',
      params: { reason: 'timeout', jsonataCode: 'D1012' },
      fields: [{ pointer: '/expression', reason: 'timeout' }],
    });
  });

  it('keeps concurrent evaluations of one cached expression on their own clocks', async () => {
    const text = '$count($)';
    const runs = Array.from({ length: 50 }, (_, index) =>
      evaluateExpression(
        text,
        Array.from({ length: index }, () => 1),
      ),
    );
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('stops a recursion deeper than the limit and a sequence longer than the limit', async () => {
    const deep = await failure(evaluateExpression('($f := function($n) { 1 + $f($n) }; $f(0))', {}));
    expect(deep).toMatchObject({ params: { reason: 'too_deep', jsonataCode: 'D1011' } });
    const long = await failure(evaluateExpression('$count([1..10000000])', {}));
    expect(long).toMatchObject({ params: { reason: 'too_large', jsonataCode: 'D2015' } });
  });

  it('pads as JSONata does, but refuses a padding that would fill the memory', async () => {
    expect(
      await evaluateExpression(
        '[$pad("12", 5, "0"), $pad("12", -5, "0"), $pad("张三", 4), $pad("ab", 6, "xy"), $pad("abc", 2)]',
        {},
      ),
    ).toEqual(['12000', '00012', '张三  ', 'abxyxy', 'abc']);
    const huge = await failure(evaluateExpression('[1..100].$pad("", 100000000)', {}));
    expect(huge).toMatchObject({ params: { reason: 'too_large', jsonataCode: 'H0001' } });
  });

  it('refuses regular expressions that backtrack catastrophically, which no time limit could stop', async () => {
    expect(checkExpression('$match(GMSFHM, /^(\\d+)+X$/)')).toEqual([
      { pointer: '/expression', reason: 'unsafe_regex', message: expect.stringMatching(/^JSONata H0002 at position/) },
    ]);
    const started = Date.now();
    const built = await failure(
      evaluateExpression('$eval("$match(\'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\', /(a+)+$/)")', {}),
    );
    expect(built.code).toBe('exchange.expression_failed');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(
      await evaluateExpression('$match(id, /^([0-9]{6})([0-9]{8})/).groups', { id: '110105194912310029' }),
    ).toEqual(['110105', '19491231']);
  });

  it('names the JSONata code and position of a failure, never the data', async () => {
    const error = await failure(evaluateExpression('XM + 1', { XM: '张三' }));
    expect(error).toMatchObject({ params: { reason: 'evaluation', jsonataCode: 'T2001', position: 4 } });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('张三');
  });

  it('refuses a function as a result: it cannot travel in a message', async () => {
    const error = await failure(evaluateExpression('function($x) { $x }', {}));
    expect(error).toMatchObject({ params: { reason: 'not_json' } });
    expect(await failure(evaluateExpression('$string', {}))).toMatchObject({ params: { reason: 'not_json' } });
  });

  it('refuses a syntax error with its position and code', async () => {
    const error = await failure(evaluateExpression('RKXX.{ "name": XM', {}));
    expect(error).toMatchObject({
      code: 'exchange.expression_invalid',
      params: { jsonataCode: 'S0203', position: 17 },
      fields: [{ pointer: '/expression', reason: 'syntax' }],
    });
  });
});

describe('checkExpression', () => {
  it('is empty for an expression that compiles', () => {
    expect(checkExpression('RKXX.{ "name": XM }')).toEqual([]);
  });

  it('names the field, JSONata code and position of a syntax error', () => {
    expect(checkExpression('foo bar(', '/filter')).toEqual([
      { pointer: '/filter', reason: 'syntax', message: 'JSONata S0201 at position 7: Syntax error: "bar"' },
    ]);
  });

  it('refuses empty and oversized texts', () => {
    expect(checkExpression('  ')).toEqual([{ pointer: '/expression', reason: 'length' }]);
    expect(checkExpression(`"${'x'.repeat(EXPRESSION_LIMITS.maxChars)}"`)).toEqual([
      { pointer: '/expression', reason: 'length' },
    ]);
  });
});

describe('hasNestedQuantifier', () => {
  it('finds a repeated group that repeats inside, and nothing else', () => {
    for (const unsafe of ['(a+)+', '(a*)*', '(?:\\d+x)*', '((ab)+c)+', '(a{2,})+', '([a-z]+)*$', '(x(a+))+']) {
      expect(hasNestedQuantifier(unsafe), unsafe).toBe(true);
    }
    for (const safe of ['a+b+', '(ab)+', '(\\d+)-(\\d+)', '(a+){2}', '[(a+)]+', '\\(a+\\)+', '(a+)?']) {
      expect(hasNestedQuantifier(safe), safe).toBe(false);
    }
  });
});

async function failure(promise: Promise<unknown>): Promise<ValidationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}
