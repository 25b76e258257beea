/**
 * CloudEvents `type` of a message under a standard version: `huitong.<code>.v<version>`, so a member
 * names the standard and the version it publishes in the one attribute every CloudEvents tool shows.
 */

/** Standard codes: lower-case words joined by single hyphens, at most 60 characters. */
export const STANDARD_CODE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const MAX_STANDARD_CODE_LENGTH = 60;
/** Versions beyond this are not a standard evolving but a bug; it also keeps `v<n>` inside an int4. */
export const MAX_STANDARD_VERSION = 1_000_000;

const EVENT_TYPE = /^huitong\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.v([1-9][0-9]{0,6})$/;

/** Whether `code` is a well-formed standard code. */
export function isStandardCode(code: unknown): code is string {
  return typeof code === 'string' && code.length <= MAX_STANDARD_CODE_LENGTH && STANDARD_CODE_PATTERN.test(code);
}

/** Whether `version` is a positive integer version number. */
export function isStandardVersion(version: unknown): version is number {
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 && version <= MAX_STANDARD_VERSION;
}

/**
 * The CloudEvents type of a standard version.
 * @example eventType('population-basic', 1) // 'huitong.population-basic.v1'
 */
export function eventType(code: string, version: number): string {
  if (!isStandardCode(code) || !isStandardVersion(version)) {
    throw new RangeError(`not a standard code and version: ${JSON.stringify(code)} v${version}`);
  }
  return `huitong.${code}.v${version}`;
}

/**
 * The standard and version a CloudEvents type names, or null when it names none (leading zeros,
 * v0, upper case and trailing text are all refused: one type, one spelling).
 * @example parseEventType('huitong.population-basic.v1') // { code: 'population-basic', version: 1 }
 */
export function parseEventType(type: string): { code: string; version: number } | null {
  if (typeof type !== 'string') return null;
  const match = EVENT_TYPE.exec(type);
  if (!match) return null;
  const code = match[1]!;
  const version = Number(match[2]);
  return isStandardCode(code) && isStandardVersion(version) ? { code, version } : null;
}
