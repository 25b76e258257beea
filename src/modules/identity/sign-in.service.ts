/**
 * Staff sign-in: checks a login (username, or a mainland mobile number looked up in the directory), a
 * password and, when the account has TOTP, a code or a recovery code. Every way of failing (unknown
 * login, wrong password or code, lock, disabled account, a person suspended or gone) gives the same
 * `identity.sign_in_failed` after the same argon2id work, so neither the answer nor its timing says
 * which accounts exist. Throttling and lock-out are in sign-in-throttle.ts; every outcome is audited.
 */
import type { Database, Executor } from '../../platform/db/database.js';
import { RateLimitedError, UnauthenticatedError } from '../../platform/errors.js';
import { maskName, maskPhone } from '../../platform/identifiers/mask.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { getPerson, listPeople } from '../directory/index.js';
import {
  type AccountRow,
  releaseAttempt,
  resetFailures,
  selectAccountById,
  selectAccountByPerson,
  selectAccountByUsername,
  updatePasswordHash,
} from './account.repository.js';
import './identity.messages.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hashing.js';
import { type Clock, systemClock } from './session.js';
import {
  type AttemptContext,
  auditAttempt,
  type FailureReason,
  failAttempt,
  spendSecondFactor,
  startAttempt,
} from './sign-in-attempt.js';
import { UnknownLoginThrottle } from './sign-in-throttle.js';

export type StaffAuthentication =
  | { status: 'authenticated'; personId: string; accountId: string; secondFactor: boolean }
  | {
      status: 'second_factor_required';
      /**
       * Sealed proof that the password was right, for the second step without the password
       * (`authenticateStaffSecondFactor`); valid `PENDING_SIGN_IN_MINUTES` minutes.
       */
      pendingToken: string;
    };

export interface StaffCredentials {
  login: string;
  password: string;
  totpCode?: string | undefined;
  recoveryCode?: string | undefined;
  ip: string | null;
}

export interface SignInDeps {
  secrets: SecretBox;
  clock?: Clock;
}

/** How long the second step may follow the password. */
export const PENDING_SIGN_IN_MINUTES = 5;
const PENDING_CONTEXT = 'identity.sign_in_pending';
const unknownLogins = new UnknownLoginThrottle();
/** A mainland mobile number as people type it: +86, spaces and dashes allowed. */
const MOBILE_LOGIN = /^(?:\+?86)?(1[3-9]\d{9})$/;

/**
 * Checks a civil servant's credentials. The caller opens the session (`openSession`).
 * @throws UnauthenticatedError `identity.sign_in_failed`, whatever was wrong; RateLimitedError
 *   `identity.sign_in_throttled` (retry after `retryAfterSeconds`)
 * @example
 * const result = await authenticateStaff(database, { secrets }, { login: 'ht000123', password, ip });
 * if (result.status === 'second_factor_required') askForCode(result.pendingToken);
 */
export async function authenticateStaff(
  database: Database,
  deps: SignInDeps,
  input: StaffCredentials,
): Promise<StaffAuthentication> {
  const now = (deps.clock ?? systemClock)();
  const login = normaliseLogin(input.login);
  const context: AttemptContext = { action: 'identity.sign_in', maskedLogin: maskLogin(login), ip: input.ip };
  const found = login === '' ? undefined : await findAccountByLogin(database.kysely, login);
  if (!found) {
    // Throttled like a real account, or the 429 would tell which logins exist.
    const key = `staff\n${login}`;
    const verdict = unknownLogins.verdict(key, now);
    if (!verdict.allowed && verdict.reason === 'throttled') {
      throw new RateLimitedError('identity.sign_in_throttled', verdict.retryAfterSeconds);
    }
    await verifyAgainstDummy(input.password);
    if (verdict.allowed) unknownLogins.recordFailure(key, now);
    await auditAttempt(database.kysely, { type: 'anonymous' }, undefined, 'failure', 'unknown_login', context);
    throw signInFailed();
  }
  const start = await startAttempt(database, found, now, context);
  if (start.status === 'locked') {
    await verifyAgainstDummy(input.password);
    await auditAttempt(database.kysely, { type: 'anonymous' }, found, 'failure', 'locked', context);
    throw signInFailed();
  }
  const account = start.account;
  const verification = await verifyPassword(account.passwordHash, input.password);
  if (!verification.ok) return fail(database, account, now, 'wrong_password', context);
  const refusal = await refusalOf(database.kysely, account);
  if (refusal) return fail(database, account, now, refusal, context);
  // The stored hash was made with weaker parameters than today's: store a new one while we have the password.
  if (verification.needsRehash) {
    await updatePasswordHash(database.kysely, account.id, await hashPassword(input.password), null);
  }
  if (!account.totpEnabledAt) return succeed(database, account, now, false, context);
  if (!input.totpCode?.trim() && !input.recoveryCode?.trim()) {
    await releaseAttempt(database.kysely, account.id);
    await auditAttempt(database.kysely, { type: 'anonymous' }, account, 'failure', 'second_factor_required', context);
    return { status: 'second_factor_required', pendingToken: sealPending(deps.secrets, account, now) };
  }
  return secondFactor(database, deps.secrets, account, input, now, context);
}

/**
 * The second step of a sign-in whose password was right: a TOTP code or a recovery code with the
 * pending token `authenticateStaff` returned, so the sign-in page never carries the password.
 * @throws UnauthenticatedError `identity.sign_in_expired` (token too old, altered, or the password
 *   changed since), `identity.sign_in_failed`; RateLimitedError `identity.sign_in_throttled`
 * @example await authenticateStaffSecondFactor(database, { secrets }, { pendingToken, totpCode: '123456', ip });
 */
export async function authenticateStaffSecondFactor(
  database: Database,
  deps: SignInDeps,
  input: { pendingToken: string; totpCode?: string | undefined; recoveryCode?: string | undefined; ip: string | null },
): Promise<Extract<StaffAuthentication, { status: 'authenticated' }>> {
  const now = (deps.clock ?? systemClock)();
  const pending = openPending(deps.secrets, input.pendingToken, now);
  const found = pending && (await selectAccountById(database.kysely, pending.accountId));
  if (!pending || !found || found.passwordChangedAt.getTime() !== pending.passwordChangedAt || !found.totpEnabledAt) {
    throw new UnauthenticatedError('identity.sign_in_expired', { minutes: PENDING_SIGN_IN_MINUTES });
  }
  const context: AttemptContext = { action: 'identity.sign_in', ip: input.ip };
  const start = await startAttempt(database, found, now, context);
  if (start.status === 'locked') {
    await auditAttempt(database.kysely, { type: 'anonymous' }, found, 'failure', 'locked', context);
    throw signInFailed();
  }
  const refusal = await refusalOf(database.kysely, start.account);
  if (refusal) return fail(database, start.account, now, refusal, context);
  return secondFactor(database, deps.secrets, start.account, input, now, context);
}

async function secondFactor(
  database: Database,
  secrets: SecretBox,
  account: AccountRow,
  input: { totpCode?: string | undefined; recoveryCode?: string | undefined },
  now: Date,
  context: AttemptContext,
): Promise<Extract<StaffAuthentication, { status: 'authenticated' }>> {
  const used = await spendSecondFactor(database.kysely, secrets, account, input, now);
  if (!used) return fail(database, account, now, 'wrong_second_factor', context);
  return succeed(database, account, now, true, context, { method: used });
}

async function succeed(
  database: Database,
  account: AccountRow,
  now: Date,
  secondFactorUsed: boolean,
  context: AttemptContext,
  extra: Record<string, unknown> = {},
): Promise<Extract<StaffAuthentication, { status: 'authenticated' }>> {
  await database.transaction(async (tx) => {
    await resetFailures(tx, account.id, now);
    await auditAttempt(tx, { type: 'user', id: account.personId }, account, 'success', null, context, {
      secondFactor: secondFactorUsed,
      ...extra,
    });
  });
  return { status: 'authenticated', personId: account.personId, accountId: account.id, secondFactor: secondFactorUsed };
}

async function fail(
  database: Database,
  claimed: AccountRow,
  now: Date,
  reason: FailureReason,
  context: AttemptContext,
): Promise<never> {
  await failAttempt(database, claimed, now, reason, context);
  throw signInFailed();
}

/** Why an account whose password was right may still not sign in, or null. */
async function refusalOf(executor: Executor, account: AccountRow): Promise<FailureReason | null> {
  if (account.disabledAt) return 'disabled';
  const person = await getPerson(executor, account.personId).catch(() => undefined);
  return person?.status === 'active' ? null : 'person_inactive';
}

/**
 * The account a login names: a username first, then a mobile number through the directory. Usernames
 * shaped like a mobile number are refused at creation, so the two never compete.
 */
async function findAccountByLogin(executor: Executor, login: string): Promise<AccountRow | undefined> {
  const byUsername = await selectAccountByUsername(executor, login);
  if (byUsername) return byUsername;
  const mobile = MOBILE_LOGIN.exec(login.replace(/[\s-]/g, ''))?.[1];
  if (!mobile) return undefined;
  const { items } = await listPeople(executor, { q: mobile, limit: 2, offset: 0 });
  const person = items.find((candidate) => candidate.mobile === mobile);
  return person && selectAccountByPerson(executor, person.id);
}

/**
 * A login as compared: full-width forms from a Chinese input method folded (NFKC), trimmed, lower case.
 * @example normaliseLogin(' ＨＴ000123 '); // 'ht000123'
 */
export function normaliseLogin(login: string): string {
  return login.normalize('NFKC').trim().toLowerCase();
}

/**
 * A login as the audit log keeps it: a mobile number as 138****5678, a username with its first character.
 * @example maskLogin('13812345678'); // '138****5678'
 */
export function maskLogin(login: string): string {
  if (login === '') return '';
  return MOBILE_LOGIN.test(login.replace(/[\s-]/g, '')) ? maskPhone(login) : maskName(login);
}

function signInFailed(): UnauthenticatedError {
  return new UnauthenticatedError('identity.sign_in_failed');
}

function sealPending(secrets: SecretBox, account: AccountRow, now: Date): string {
  const payload = {
    accountId: account.id,
    passwordChangedAt: account.passwordChangedAt.getTime(),
    expiresAt: now.getTime() + PENDING_SIGN_IN_MINUTES * 60_000,
  };
  return secrets.seal(JSON.stringify(payload), PENDING_CONTEXT);
}

function openPending(
  secrets: SecretBox,
  token: string,
  now: Date,
): { accountId: string; passwordChangedAt: number } | undefined {
  try {
    const payload = JSON.parse(secrets.open(token, PENDING_CONTEXT)) as {
      accountId: string;
      passwordChangedAt: number;
      expiresAt: number;
    };
    return payload.expiresAt > now.getTime() ? payload : undefined;
  } catch {
    return undefined;
  }
}
