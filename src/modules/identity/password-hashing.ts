/**
 * Password hashing for staff sign-in: argon2id (RFC 9106) in PHC string format, e.g.
 *
 *   $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
 *
 * The string carries its own parameters, so raising them later needs no migration: `verifyPassword`
 * reports `needsRehash` and the sign-in service stores a fresh hash while it still holds the password.
 *
 * Passwords are NFKC-normalised before hashing (NIST SP 800-63B §3.1.1.2): a password typed with a
 * Chinese input method in full-width mode (Ａｂｃ１２３) must match the same password typed half-width.
 */
import { randomBytes } from 'node:crypto';
import { type Algorithm, hash, type Options, parseOptions, type Version, verify } from '@node-rs/argon2';

// The package declares Algorithm and Version as ambient const enums, which verbatimModuleSyntax may not
// read (TS2748); these are their values from its index.d.ts.
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION_0X13 = 1 as Version;

/** The argon2id cost parameters; all three are recorded in the PHC string. */
export interface PasswordHashParams {
  /** Memory per lane, in KiB (`m=`). */
  memoryKiB: number;
  /** Passes over memory (`t=`). */
  iterations: number;
  /** Lanes (`p=`). */
  parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 iterations, 1 lane. About 15–20 ms
 * on one core of a current server, which bounds sign-in CPU cost while keeping offline guessing on GPUs
 * expensive.
 */
export const OWASP_ARGON2ID_PARAMS: Readonly<PasswordHashParams> = Object.freeze({
  memoryKiB: 19_456,
  iterations: 2,
  parallelism: 1,
});

/**
 * Keycloak's argon2 default (7 MiB, 5 iterations, 1 lane), another of the equivalent OWASP settings that
 * trades memory for passes. We benchmark against it because Keycloak is what the district would run
 * instead of this module; it is not used unless passed explicitly.
 */
export const KEYCLOAK_ARGON2ID_PARAMS: Readonly<PasswordHashParams> = Object.freeze({
  memoryKiB: 7_168,
  iterations: 5,
  parallelism: 1,
});

export const DEFAULT_PASSWORD_HASH_PARAMS = OWASP_ARGON2ID_PARAMS;

/** The outcome of checking a password against a stored hash. */
export interface PasswordVerification {
  ok: boolean;
  /** The password matched but the hash was made with other parameters: store `hashPassword(plain)`. */
  needsRehash: boolean;
}

/**
 * Hashes a password with argon2id and a fresh 16-byte random salt.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * // '$argon2id$v=19$m=19456,t=2,p=1$…'
 */
export function hashPassword(
  plain: string,
  params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS,
): Promise<string> {
  return hash(plain.normalize('NFKC'), argon2Options(params));
}

/**
 * Checks a password against a stored PHC string, and whether the stored hash should be replaced because
 * `params` (the current policy) has changed since it was made.
 *
 * @throws Error when `stored` is not an argon2 PHC string: a corrupt record, not a wrong password
 * @example
 * await verifyPassword(stored, 'correct horse battery staple'); // { ok: true, needsRehash: false }
 * await verifyPassword(stored, 'wrong');                        // { ok: false, needsRehash: false }
 */
export async function verifyPassword(
  stored: string,
  plain: string,
  params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS,
): Promise<PasswordVerification> {
  const ok = await verify(stored, plain.normalize('NFKC'));
  return { ok, needsRehash: ok && !madeWith(stored, params) };
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * Spends the time of a real `verifyPassword` and fails. Call it when the staff number is unknown, so
 * that the answer to a sign-in takes as long for a missing account as for a wrong password and timing
 * does not tell which accounts exist (OWASP Authentication Cheat Sheet, "Authentication Responses").
 *
 * The dummy hash is made once per parameter set, of 32 random bytes nobody knows, on first use; that one
 * call takes about twice as long.
 *
 * @example
 * const staff = await findStaff(staffNo);
 * const result = staff ? await verifyPassword(staff.passwordHash, plain) : await verifyAgainstDummy(plain);
 */
export async function verifyAgainstDummy(
  plain: string,
  params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS,
): Promise<PasswordVerification> {
  const key = `${params.memoryKiB}:${params.iterations}:${params.parallelism}`;
  let dummy = dummyHashes.get(key);
  if (!dummy) {
    dummy = hash(randomBytes(32), argon2Options(params));
    dummyHashes.set(key, dummy);
  }
  await verify(await dummy, plain.normalize('NFKC'));
  return { ok: false, needsRehash: false };
}

function argon2Options(params: PasswordHashParams): Options {
  return {
    algorithm: ARGON2ID,
    version: ARGON2_VERSION_0X13,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
  };
}

function madeWith(stored: string, params: PasswordHashParams): boolean {
  const used = parseOptions(stored);
  return (
    used.algorithm === ARGON2ID &&
    used.version === ARGON2_VERSION_0X13 &&
    used.memoryCost === params.memoryKiB &&
    used.timeCost === params.iterations &&
    used.parallelism === params.parallelism
  );
}
