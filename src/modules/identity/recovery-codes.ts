/**
 * Recovery codes: single-use codes a staff member prints or writes down when enrolling TOTP, to sign in
 * when the phone is lost. Each is shown once; the server keeps only a salted SHA-256 of it and deletes
 * that hash when the code is used.
 *
 * Why SHA-256 and not argon2: argon2 makes each guess expensive because a human-chosen password is
 * found among relatively few likely candidates. A recovery code has no likely candidates: 80 uniformly
 * random bits (16 symbols of 5 bits) take on average 2^79 SHA-256 guesses, about a million years for a
 * GPU doing 2·10^10 a second. The per-code salt stops one guess testing every stored code at once;
 * without it, a leaked table of 10 000 codes would cost 10 000 times less to attack. A code also
 * replaces only the second factor: the password is still needed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Crockford's Base32 (crockford.com/base32.html): no I, L, O or U, so nothing is mistaken for 1 or 0;
 * on input I and L are read as 1 and O as 0.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_SYMBOLS = 16;
const SALT_BYTES = 16;
const HASH_PREFIX = 'sha256';

export interface RecoveryCodes {
  /** To show the user once, e.g. `7k3m-q9xa-2fhp-wd0c`. Never stored or logged. */
  codes: string[];
  /** To store, in the same order: `sha256$<salt>$<digest>`, base64url. */
  hashes: string[];
}

/** `index` is the position of the matched hash: delete it, a code works once. */
export type RecoveryCodeMatch = { ok: true; index: number } | { ok: false; index: null };

/**
 * Makes a set of new recovery codes and their hashes. A new set replaces the old one entirely.
 *
 * @example
 * const { codes, hashes } = generateRecoveryCodes();
 * // codes: ['7k3m-q9xa-2fhp-wd0c', …] (10 of them); store hashes, show codes
 */
export function generateRecoveryCodes(count = 10): RecoveryCodes {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a whole number ≥ 1');
  const codes: string[] = [];
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    // 256 is a multiple of 32, so byte mod 32 picks every symbol with the same probability.
    const symbols = [...randomBytes(CODE_SYMBOLS)].map((byte) => ALPHABET[byte & 31]).join('');
    codes.push(symbols.replace(/(.{4})(?!$)/g, '$1-')); // groups of four, as people copy them
    const salt = randomBytes(SALT_BYTES);
    hashes.push(`${HASH_PREFIX}$${salt.toString('base64url')}$${digestOf(symbols, salt).toString('base64url')}`);
  }
  return { codes, hashes };
}

/**
 * Finds which stored hash a typed code matches. Case, dashes, spaces and full-width characters do not
 * matter, and I, L and O are read as 1, 1 and 0. Every hash is checked, in constant time, whether or not
 * an earlier one matched.
 *
 * @throws Error when a stored hash is not in the format `generateRecoveryCodes` writes
 * @example
 * const match = matchRecoveryCode(staff.recoveryHashes, '7K3M Q9XA 2FHP WD0C');
 * if (match.ok) staff.recoveryHashes.splice(match.index, 1);
 */
export function matchRecoveryCode(hashes: readonly string[], input: string): RecoveryCodeMatch {
  const symbols = normalise(input);
  if (symbols.length !== CODE_SYMBOLS || [...symbols].some((symbol) => !ALPHABET.includes(symbol))) {
    return { ok: false, index: null };
  }
  let matched: number | null = null;
  hashes.forEach((stored, index) => {
    const [prefix, salt, digest] = stored.split('$');
    if (prefix !== HASH_PREFIX || !salt || !digest) throw new Error('not a recovery code hash');
    const expected = Buffer.from(digest, 'base64url');
    const actual = digestOf(symbols, Buffer.from(salt, 'base64url'));
    if (expected.length === actual.length && timingSafeEqual(expected, actual) && matched === null) matched = index;
  });
  return matched === null ? { ok: false, index: null } : { ok: true, index: matched };
}

function normalise(input: string): string {
  return input.normalize('NFKC').toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
}

function digestOf(symbols: string, salt: Buffer): Buffer {
  return createHash('sha256').update(salt).update(symbols).digest();
}
