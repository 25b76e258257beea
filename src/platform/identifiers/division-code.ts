/**
 * Administrative division codes (GB/T 2260 中华人民共和国行政区划代码) as they appear inside identity
 * numbers and credit codes: six digits, the first two naming the province. The platform checks only
 * that the province exists. The full table changes every year (districts merge, counties become
 * districts) and an identity number keeps the code of the county where it was first issued, even one
 * abolished decades ago, so checking the whole table would reject real, valid numbers.
 */

/**
 * GB/T 2260 province-level codes: the 31 mainland provinces, autonomous regions and municipalities,
 * then 台湾 71, 香港 81, 澳门 82.
 */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  ...['11', '12', '13', '14', '15'],
  ...['21', '22', '23'],
  ...['31', '32', '33', '34', '35', '36', '37'],
  ...['41', '42', '43', '44', '45', '46'],
  ...['50', '51', '52', '53', '54'],
  ...['61', '62', '63', '64', '65'],
  ...['71', '81', '82'],
]);

/**
 * Whether `code` is six digits whose first two are a province of GB/T 2260 or one of `extraPrefixes`.
 *
 * @param extraPrefixes two-digit prefixes that a particular identifier allows besides the provinces
 * @example
 * isPlausibleDivisionCode('110105'); // true: 北京市朝阳区
 * isPlausibleDivisionCode('990105'); // false: no province 99
 * isPlausibleDivisionCode('100000', ['10']); // true where a national code is allowed
 */
export function isPlausibleDivisionCode(code: string, extraPrefixes: readonly string[] = []): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const prefix = code.slice(0, 2);
  return PROVINCE_CODES.has(prefix) || extraPrefixes.includes(prefix);
}
