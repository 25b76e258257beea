/**
 * Canonical JSON, so that one value always serialises to the same bytes and its hash can be
 * recomputed by anyone, in any language: RFC 8785 (JSON Canonicalization Scheme) for the JSON
 * values the audit log stores.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Serialises a JSON value canonically: object members sorted, no whitespace.
 * RFC 8785 §3.2.2: literals, strings and numbers are written as ECMAScript's JSON.stringify writes
 * them; §3.2.3: members are sorted by the UTF-16 code units of their names, which is what the
 * default `Array.prototype.sort` compares.
 * @example canonicalJson({ b: [1, 'x'], a: null }) // '{"a":null,"b":[1,"x"]}'
 */
export function canonicalJson(value: JsonValue): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError('canonical JSON has no representation for NaN or Infinity'); // RFC 8785 §3.2.2.3
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${canonicalJson(value[name]!)}`);
  return `{${members.join(',')}}`;
}

/**
 * The JSON object a value becomes when it is stored as JSON (undefined members dropped, dates as
 * ISO strings, `toJSON` applied), or undefined when it is not a JSON object (an array, a bigint, a
 * cycle). What is hashed must be what a later read gives back.
 * @example asJsonObject({ at: new Date(0), gone: undefined }) // { at: '1970-01-01T00:00:00.000Z' }
 */
export function asJsonObject(value: object): JsonObject | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as JsonValue;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
}
