/**
 * Time-based one-time passwords, the second factor of staff sign-in: TOTP (RFC 6238) over HOTP
 * (RFC 4226), as the authenticator apps staff already have compute them (Google Authenticator,
 * Microsoft Authenticator, 腾讯身份验证器 …).
 *
 *   code = truncate(HMAC(secret, floor(unixSeconds / 30))) mod 10^6
 *
 * The secret is shown once as a QR code of `totpUri` and kept by the server. It is a credential: the
 * identity module must store it encrypted and never log it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { base32Decode, base32Encode } from './base32.js';

/** The HMAC hash of RFC 6238 §1.2; authenticator apps support SHA1 everywhere, the others not always. */
export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpOptions {
  /** Default `SHA1`. */
  algorithm?: TotpAlgorithm;
  /** Code length, 6 to 8 (RFC 4226 §5.3). Default 6. */
  digits?: number;
  /** Time step X of RFC 6238 §4.1. Default 30, the value §5.2 recommends. */
  stepSeconds?: number;
}

export interface VerifyTotpOptions extends TotpOptions {
  /** The time to check at. Default now. */
  at?: Date;
  /** Steps accepted either side of the current one for clock drift (RFC 6238 §5.2). Default 1. */
  window?: number;
  /** The step of the last code this account used; it and earlier steps are refused. */
  lastUsedStep?: number;
}

/** `step` is the time step the code belongs to: store it as the account's `lastUsedStep`. */
export type TotpVerification = { ok: true; step: number } | { ok: false; step: null };

const HMAC_NAMES: Record<TotpAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** RFC 4226 §4 R6 recommends a 160-bit shared secret. */
const SECRET_BYTES = 20;

/**
 * A new random TOTP secret, Base32 without padding as authenticator apps expect it.
 *
 * @example generateTotpSecret(); // 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' (32 characters, 160 bits)
 */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES), { padding: false });
}

export interface TotpUriInput extends TotpOptions {
  /** Base32 secret from `generateTotpSecret`. */
  secret: string;
  /** What the app shows under the issuer, e.g. the staff number. */
  account: string;
  /** e.g. `汇通`. */
  issuer: string;
}

/**
 * The `otpauth://` key URI to show as a QR code, in the format Google Authenticator reads
 * (github.com/google/google-authenticator/wiki/Key-Uri-Format): label `issuer:account` and an `issuer`
 * parameter, both percent-encoded as UTF-8, so 汇通 becomes `%E6%B1%87%E9%80%9A`. Algorithm, digits and
 * period are written only when they differ from the defaults, which some apps ignore.
 *
 * @throws TypeError when issuer or account contains a colon, which the format forbids in either
 * @example
 * totpUri({ secret: 'JBSWY3DPEHPK3PXP', account: 'A0012', issuer: '汇通' });
 * // 'otpauth://totp/%E6%B1%87%E9%80%9A:A0012?secret=JBSWY3DPEHPK3PXP&issuer=%E6%B1%87%E9%80%9A'
 */
export function totpUri({ secret, account, issuer, algorithm, digits, stepSeconds }: TotpUriInput): string {
  if (issuer.includes(':') || account.includes(':')) throw new TypeError('issuer and account may not contain ":"');
  // encodeURIComponent writes a space as %20; the format asks for that rather than '+'.
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  let query = `secret=${secret.replace(/[\s=]/g, '').toUpperCase()}&issuer=${encodeURIComponent(issuer)}`;
  if (algorithm && algorithm !== 'SHA1') query += `&algorithm=${algorithm}`;
  if (digits && digits !== 6) query += `&digits=${digits}`;
  if (stepSeconds && stepSeconds !== 30) query += `&period=${stepSeconds}`;
  return `otpauth://totp/${label}?${query}`;
}

/**
 * The HOTP value of RFC 4226 §5.3 for a counter: HMAC, dynamic truncation to 31 bits, last `digits`
 * decimal digits.
 *
 * @example hotp(new TextEncoder().encode('12345678901234567890'), 1); // '287082' (RFC 4226 Appendix D)
 */
export function hotp(key: Uint8Array, counter: number, { algorithm = 'SHA1', digits = 6 }: TotpOptions = {}): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('digits must be 6, 7 or 8');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(HMAC_NAMES[algorithm], key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The time step of RFC 6238 §4.2: whole steps since the Unix epoch.
 *
 * @example totpStep(new Date('2009-02-13T23:31:30Z')); // 41152263
 */
export function totpStep(at: Date, { stepSeconds = 30 }: TotpOptions = {}): number {
  return Math.floor(at.getTime() / 1000 / stepSeconds);
}

/**
 * The code an authenticator app shows at a time, for a Base32 secret.
 *
 * @example totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { at: new Date(59_000), digits: 8 }); // '94287082'
 */
export function totpCode(secret: string, options: TotpOptions & { at?: Date } = {}): string {
  return hotp(base32Decode(secret), totpStep(options.at ?? new Date(), options), options);
}

/**
 * Checks a code typed by the user. Accepts the current step and `window` steps either side, refuses
 * every step up to `lastUsedStep` so a code seen over a shoulder or in a proxy log cannot be used again
 * (RFC 6238 §5.2), and compares every candidate in constant time.
 *
 * Spaces and full-width digits (from a Chinese input method) in the code are accepted.
 *
 * @example
 * const result = verifyTotp(account.totpSecret, '287 082', { lastUsedStep: account.totpLastStep });
 * if (result.ok) account.totpLastStep = result.step;
 */
export function verifyTotp(secret: string, code: string, options: VerifyTotpOptions = {}): TotpVerification {
  const { window = 1, lastUsedStep = Number.NEGATIVE_INFINITY, digits = 6 } = options;
  if (!Number.isInteger(window) || window < 0) throw new RangeError('window must be a whole number ≥ 0');
  const typed = code.normalize('NFKC').replace(/\s/g, '');
  if (typed.length !== digits || !/^\d+$/.test(typed)) return { ok: false, step: null };

  const key = base32Decode(secret);
  const current = totpStep(options.at ?? new Date(), options);
  const expected = Buffer.from(typed);
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    if (step <= lastUsedStep || step < 0) continue;
    // No early exit: the time taken does not depend on which step, if any, matched.
    if (timingSafeEqual(Buffer.from(hotp(key, step, options)), expected)) matched = step;
  }
  return matched === null ? { ok: false, step: null } : { ok: true, step: matched };
}
