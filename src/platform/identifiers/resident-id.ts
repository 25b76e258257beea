/**
 * The citizen identity number (公民身份号码, GB 11643-1999): the 18 characters on the second-generation
 * resident identity card, with which citizens register and which case files carry.
 *
 *   110105 19491231 002 X
 *   │      │        │   └ check character, ISO 7064 MOD 11-2; X stands for 10
 *   │      │        └ sequence code: odd for men, even for women
 *   │      └ date of birth, YYYYMMDD
 *   └ address code: the county where the number was first issued (GB/T 2260)
 *
 * The number is personal data. Nothing here puts it into an error message, an error's params or a
 * log line: a rejected number is described by the reason alone, and the caller knows which field it
 * sent. To show a number to someone who does not need it whole, use `maskResidentId`.
 */
import { ValidationError } from '../errors.js';
import { registerMessages } from '../i18n/messages.js';
import { isPlausibleDivisionCode } from './division-code.js';

/** Why a text is not a resident identity number, in the order the checks run. */
export type ResidentIdReason = 'length' | 'characters' | 'address_code' | 'birth_date' | 'check_digit';

/** A resident identity number taken apart. */
export interface ResidentId {
  /** The number, normalised: 18 characters, a check `x` upper-cased. */
  value: string;
  /** The GB/T 2260 code of the county of first issue, e.g. `110105`. */
  addressCode: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: 'male' | 'female';
}

export interface ParseResidentIdOptions {
  /** JSON Pointer of the field being checked, for the error, e.g. `/applicant/idNumber`. Default `''`. */
  pointer?: string;
  /**
   * Today's civil date in China as `YYYY-MM-DD`; a birth date after it is rejected. Defaults to the
   * current date in Asia/Shanghai. Tests pass a fixed date.
   */
  today?: string;
}

const REASON_TEXT: Record<ResidentIdReason, { zh: string; en: string }> = {
  length: { zh: '公民身份号码应为 18 位。', en: 'A resident identity number has 18 characters.' },
  characters: {
    zh: '前 17 位应为数字，最后一位应为数字或 X。',
    en: 'The first 17 characters must be digits and the last a digit or X.',
  },
  address_code: {
    zh: '前 6 位地址码不是有效的行政区划代码。',
    en: 'The first 6 digits are not a valid administrative division code.',
  },
  birth_date: {
    zh: '第 7—14 位出生日期不是 1900 年以来、不晚于今天的真实日期。',
    en: 'Digits 7–14 are not a real date of birth between 1900 and today.',
  },
  check_digit: {
    zh: '校验码不符，号码可能有误录的数字。',
    en: 'The check character does not match; a digit may have been mistyped.',
  },
};

registerMessages({
  'identifier.resident_id_invalid': { zh: '公民身份号码无效', en: 'Invalid resident identity number' },
  'identifier.resident_id_invalid.detail': {
    zh: '公民身份号码应为 18 位：6 位地址码、8 位出生日期码、3 位顺序码和 1 位校验码（GB 11643-1999），校验码可为 X。不符合之处见 errors。',
    en: 'A resident identity number has 18 characters: a 6-digit address code, an 8-digit date of birth, a 3-digit sequence code and a check character that may be X (GB 11643-1999). See errors for what is wrong.',
  },
  ...Object.fromEntries(
    Object.entries(REASON_TEXT).map(([reason, text]) => [`identifier.resident_id_invalid.reason.${reason}`, text]),
  ),
});

// GB 11643-1999, ISO 7064 MOD 11-2: weight of position i (1-based from the left) is 2^(18-i) mod 11.
const CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// The check character for each value of (weighted sum mod 11): the one that makes the full sum ≡ 1 (mod 11).
const CHECK_CHARACTERS = '10X98765432';

/** China Standard Time is UTC+8 all year: no daylight saving since 1991. */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const EARLIEST_BIRTH_YEAR = 1900;

/**
 * Takes a resident identity number apart, checking every part it can check without a register:
 * length, characters, a real province in the address code, a real date of birth no earlier than
 * 1900 and no later than today, and the check character.
 *
 * Surrounding spaces are ignored, full-width digits (from a Chinese input method) count as digits
 * and a final `x` is read as `X`.
 *
 * The 港澳台居民居住证 numbers issued since 2018 follow the same scheme with address codes 810000
 * (香港), 820000 (澳门) and 830000 (台湾); they are accepted. The 15-digit numbers of first-generation
 * cards (invalid since 2013) are not.
 *
 * @throws ValidationError `identifier.resident_id_invalid`, with one field error whose reason is a
 *   `ResidentIdReason`; the number itself appears nowhere in the error
 * @example
 * parseResidentId('11010519491231002X');
 * // { value: '11010519491231002X', addressCode: '110105', birthDate: '1949-12-31', sex: 'female' }
 */
export function parseResidentId(text: string, options: ParseResidentIdOptions = {}): ResidentId {
  const result = examine(text, options.today ?? chinaToday());
  if ('reason' in result) {
    const { reason } = result;
    throw new ValidationError(
      'identifier.resident_id_invalid',
      [{ pointer: options.pointer ?? '', reason, message: REASON_TEXT[reason].en }],
      { reason },
    );
  }
  return result;
}

/**
 * Whether `text` is a valid resident identity number, by the rules of `parseResidentId`.
 *
 * @example
 * isValidResidentId('11010519491231002X'); // true
 * isValidResidentId('110105194912310021'); // false: wrong check character
 */
export function isValidResidentId(text: unknown, options: Pick<ParseResidentIdOptions, 'today'> = {}): boolean {
  return typeof text === 'string' && !('reason' in examine(text, options.today ?? chinaToday()));
}

/**
 * The GB 11643-1999 check character for the first 17 digits of a number.
 *
 * @example residentIdCheckCharacter('11010519491231002'); // 'X'
 */
export function residentIdCheckCharacter(first17Digits: string): string {
  if (!/^\d{17}$/.test(first17Digits)) throw new TypeError('expected the 17 digits before the check character');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17Digits[i]) * CHECK_WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

function examine(text: string, today: string): ResidentId | { reason: ResidentIdReason } {
  // NFKC turns full-width ０-９ and Ｘ into ASCII; it never changes the length of such text.
  const value = text.normalize('NFKC').trim().toUpperCase();
  if ([...value].length !== 18) return { reason: 'length' };
  if (!/^\d{17}[\dX]$/.test(value)) return { reason: 'characters' };

  // 港澳台居民居住证 use 83 (台湾) besides the GB/T 2260 provinces.
  const addressCode = value.slice(0, 6);
  if (!isPlausibleDivisionCode(addressCode, ['83'])) return { reason: 'address_code' };

  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isRealDate(birthDate) || Number(value.slice(6, 10)) < EARLIEST_BIRTH_YEAR || birthDate > today) {
    return { reason: 'birth_date' };
  }

  if (residentIdCheckCharacter(value.slice(0, 17)) !== value[17]) return { reason: 'check_digit' };

  return { value, addressCode, birthDate, sex: Number(value[16]) % 2 === 1 ? 'male' : 'female' };
}

/** Whether `YYYY-MM-DD` names a day of the Gregorian calendar (no 2月30日, no 1900-02-29). */
function isRealDate(iso: string): boolean {
  const ms = Date.parse(`${iso}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === iso;
}

function chinaToday(): string {
  return new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}
