/**
 * The password policy for staff accounts, checked when a password is set or changed (never at sign-in:
 * a password set under an older policy still signs in, and the user is asked to change it).
 *
 * The rules and why:
 * - At least 12 characters. NIST SP 800-63B-4 §3.1.1.2 requires 15 for a password used alone and lets
 *   us require as few as 8 when it is one factor of several. Staff accounts will sign in with TOTP as
 *   the second factor, but they reach residents' personal data across the district, and until the
 *   second factor is enforced for every account a password may stand alone; 12 keeps an offline attack
 *   on a leaked hash table expensive while staying typeable on shared counter workstations.
 * - At most 128 characters: enough for any passphrase (NIST asks for at least 64), and a bound on the
 *   work an attacker can make us do per request.
 * - At least three of four kinds (lower, upper, digit, symbol). NIST advises against composition rules,
 *   but GB/T 22239-2019 (等保 2.0) §8.1.4.1 a) requires 身份鉴别信息具有复杂度要求, and the district is
 *   assessed against it. Any character that is not a cased letter or a digit, a Chinese character or a
 *   space included, counts as a symbol.
 * - Not containing the staff number, the mobile number or the name: the first things a colleague or an
 *   attacker with the staff list would try (NIST SP 800-63B-4 §3.1.1.2, "context-specific words").
 * - Not a common password, alone or with up to four characters added (`COMMON_PASSWORDS`).
 * - No character four or more times in a row (`aaaa`, `1111`), the usual way to pad to a length rule.
 *
 * Text is NFKC-normalised first, as `hashPassword` does, so full-width characters from a Chinese input
 * method count as their half-width forms. The error never carries the password or the identity values;
 * each broken rule is one field error at `/password` with its reason.
 */
import { ValidationError } from '../../platform/errors.js';
import { registerMessages } from '../../platform/i18n/messages.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** A broken rule, in the order the rules are checked. */
export type PasswordWeakness = 'too_short' | 'too_long' | 'too_few_kinds' | 'contains_identity' | 'common' | 'repeated';

/** What the password may not contain. Values too short to mean anything are ignored. */
export interface PasswordContext {
  staffNo?: string;
  /** The name as written, e.g. `王丽`; pinyin forms are not checked. */
  name?: string;
  mobile?: string;
}

const WEAKNESS_TEXT: Record<PasswordWeakness, { zh: string; en: string }> = {
  too_short: {
    zh: `密码至少 ${PASSWORD_MIN_LENGTH} 位。`,
    en: `A password has at least ${PASSWORD_MIN_LENGTH} characters.`,
  },
  too_long: {
    zh: `密码最多 ${PASSWORD_MAX_LENGTH} 位。`,
    en: `A password has at most ${PASSWORD_MAX_LENGTH} characters.`,
  },
  too_few_kinds: {
    zh: '密码应包含小写字母、大写字母、数字、符号中的至少三类。',
    en: 'A password mixes at least three of: lower-case letters, upper-case letters, digits, symbols.',
  },
  contains_identity: {
    zh: '密码不能包含工号、手机号或姓名。',
    en: 'A password may not contain the staff number, mobile number or name.',
  },
  common: {
    zh: '这是最常用的密码之一，或只在其上添加了几个字符，容易被猜中。',
    en: 'This is one of the most common passwords, or one with a few characters added, and easy to guess.',
  },
  repeated: {
    zh: '同一字符不能连续出现 4 次及以上。',
    en: 'A password may not repeat one character 4 or more times in a row.',
  },
};

registerMessages({
  'identity.password_weak': { zh: '密码强度不足', en: 'The password is too weak' },
  'identity.password_weak.detail': {
    zh: '密码有 {count} 处不符合要求，见 errors。',
    en: 'The password breaks {count} rule(s); see errors.',
  },
  ...Object.fromEntries(
    Object.entries(WEAKNESS_TEXT).map(([reason, text]) => [`identity.password_weak.reason.${reason}`, text]),
  ),
});

/** Characters a listed common password may be padded with and still count as that password. */
const COMMON_PADDING_MAX = 4;
/** Shorter staff numbers and mobiles would forbid too much (a staff number `7` forbids every 7). */
const IDENTITY_MIN_LENGTH = 3;
/** A single-character name would forbid every password containing that character. */
const NAME_MIN_LENGTH = 2;

/**
 * Checks a new password against the policy and throws when it breaks any rule, listing every rule it
 * breaks so the page can show them all at once.
 *
 * @throws ValidationError `identity.password_weak`, one field error `{ pointer: '/password', reason }` per
 *   broken rule (`reason` is a `PasswordWeakness`), params `{ count }`
 * @example
 * checkPasswordPolicy('Lantern-Festival-2025', { staffNo: 'A0012', name: '王丽', mobile: '13800138000' }); // passes
 * checkPasswordPolicy('woaini1314', {}); // throws: too_short, too_few_kinds, common
 */
export function checkPasswordPolicy(plain: string, context: PasswordContext = {}): void {
  const weaknesses = passwordWeaknesses(plain, context);
  if (weaknesses.length === 0) return;
  throw new ValidationError(
    'identity.password_weak',
    weaknesses.map((reason) => ({ pointer: '/password', reason, message: WEAKNESS_TEXT[reason].en })),
    { count: weaknesses.length },
  );
}

function passwordWeaknesses(plain: string, context: PasswordContext): PasswordWeakness[] {
  const password = plain.normalize('NFKC');
  const lower = password.toLowerCase();
  const length = [...password].length; // code points: 汉 is one character, as the user sees it
  const found: PasswordWeakness[] = [];

  if (length < PASSWORD_MIN_LENGTH) found.push('too_short');
  if (length > PASSWORD_MAX_LENGTH) found.push('too_long');
  if (kindsOf(password) < 3) found.push('too_few_kinds');
  if (containsIdentity(lower, context)) found.push('contains_identity');
  if (isCommon(lower)) found.push('common');
  if (/(.)\1{3}/su.test(password)) found.push('repeated');
  return found;
}

function kindsOf(password: string): number {
  const lower = /\p{Ll}/u.test(password);
  const upper = /\p{Lu}/u.test(password);
  const digit = /\p{Nd}/u.test(password);
  const symbol = /[^\p{Ll}\p{Lu}\p{Nd}]/u.test(password);
  return [lower, upper, digit, symbol].filter(Boolean).length;
}

function containsIdentity(lowerPassword: string, { staffNo, name, mobile }: PasswordContext): boolean {
  const values: string[] = [];
  const staff = staffNo && withoutSeparators(staffNo.normalize('NFKC').toLowerCase());
  if (staff && staff.length >= IDENTITY_MIN_LENGTH) values.push(staff);
  // The national number, whatever the stored form: '+86 138-0013-8000' → '13800138000'.
  const phone = mobile
    ?.normalize('NFKC')
    .replace(/\D/g, '')
    .replace(/^86(?=1\d{10}$)/, '');
  if (phone && phone.length >= IDENTITY_MIN_LENGTH) values.push(phone);
  const person = name && withoutSeparators(name.normalize('NFKC').toLowerCase());
  if (person && [...person].length >= NAME_MIN_LENGTH) values.push(person);
  const password = withoutSeparators(lowerPassword);
  return values.some((value) => password.includes(value));
}

/**
 * Spaces, dashes, dots and the middle dot of minority names (买买提·艾力) go, so '138-0013-8000' or
 * '买买提艾力' in a password are still found.
 */
function withoutSeparators(text: string): string {
  return text.replace(/[\s\-_.·・]/g, '');
}

function isCommon(lowerPassword: string): boolean {
  for (const common of COMMON_PASSWORDS) {
    if (lowerPassword.length - common.length <= COMMON_PADDING_MAX && lowerPassword.includes(common)) return true;
  }
  return false;
}
