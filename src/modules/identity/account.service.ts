/**
 * Staff accounts: an administrator opens one for a person of the directory with an initial password,
 * and unlocks one that repeated failures locked; the person changes their own password. Opening and
 * unlocking need `identity.account.manage` over the person's primary org unit.
 */

import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/database.js';
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../platform/errors.js';
import { maskName } from '../../platform/identifiers/mask.js';
import { getPerson, type Person } from '../directory/index.js';
import {
  type AccountRow,
  insertAccount,
  resetFailures,
  selectAccountByPerson,
  selectAccountByUsername,
  updatePasswordHash,
} from './account.repository.js';
import './identity.messages.js';
import { hashPassword, verifyPassword } from './password-hashing.js';
import { checkPasswordPolicy } from './password-policy.js';
import { type Clock, systemClock } from './session.js';
import { endSessionsOfPerson } from './session.service.js';
import { auditAttempt, failAttempt, startAttempt } from './sign-in-attempt.js';

export const ACCOUNT_MANAGE_PERMISSION = 'identity.account.manage';

/** Lower-case letters, digits and `._-`, 3 to 64, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
/** A username may not look like a mobile number: it would hide that person's mobile sign-in. */
const MOBILE_SHAPE = /^1[3-9]\d{9}$/;

export interface StaffAccountInput {
  personId: string;
  /** Defaults to the HR number, lower-cased. */
  username?: string | undefined;
  password: string;
}

/** What a person sees of their own account (GET /me). */
export interface AccountOverview {
  accountId: string;
  personId: string;
  username: string;
  /** The name masked (张*): enough to recognise oneself on a shared screen. */
  maskedName: string;
  passwordChangedAt: Date;
  totpEnabled: boolean;
  recoveryCodesLeft: number;
  lockedUntil: Date | null;
}

/**
 * Opens a sign-in account for an active person, with an initial password that meets the policy.
 * @throws NotFoundError `directory.person_not_found`; ForbiddenError `access.denied`; ConflictError
 *   `identity.person_not_active`, `identity.account_exists`; ValidationError `identity.account_invalid`
 *   (fields `/username`: pattern, mobile_shape, taken; `/password`: the policy's reasons)
 * @example const { accountId } = await createStaffAccount(db, actor, { policy }, { personId, password: 'Lantern-Festival-2025' });
 */
export async function createStaffAccount(
  executor: Executor,
  actor: Actor,
  deps: { policy: Policy; clock?: Clock },
  input: StaffAccountInput,
): Promise<{ accountId: string }> {
  const person = await getPerson(executor, input.personId);
  await deps.policy.assertAllowed(executor, actor, ACCOUNT_MANAGE_PERMISSION, primaryUnitOf(person));
  if (person.status !== 'active') throw new ConflictError('identity.person_not_active', { personId: person.id });
  if (await selectAccountByPerson(executor, person.id)) {
    throw new ConflictError('identity.account_exists', { personId: person.id });
  }
  const username = (input.username ?? person.staffNo).normalize('NFKC').trim().toLowerCase();
  const errors: FieldError[] = [];
  if (!USERNAME_PATTERN.test(username)) errors.push({ pointer: '/username', reason: 'pattern' });
  else if (MOBILE_SHAPE.test(username)) errors.push({ pointer: '/username', reason: 'mobile_shape' });
  else if (await selectAccountByUsername(executor, username)) errors.push({ pointer: '/username', reason: 'taken' });
  errors.push(...policyErrors(input.password, person));
  if (errors.length > 0) throw new ValidationError('identity.account_invalid', errors, { count: errors.length });

  const now = (deps.clock ?? systemClock)();
  const passwordHash = await hashPassword(input.password);
  return inTransaction(executor, async (tx) => {
    const accountId = await insertAccount(tx, { personId: person.id, username, passwordHash, now });
    await recordAudit(tx, {
      actor,
      action: 'identity.account.create',
      target: { type: 'staff_account', id: accountId },
      outcome: 'success',
      details: { personId: person.id, username },
    });
    return { accountId };
  });
}

/**
 * Lifts a lock and clears the failure count, for someone who called the help desk.
 * @throws NotFoundError `directory.person_not_found`, `identity.account_not_found`; ForbiddenError `access.denied`
 * @example await unlockAccount(db, actor, { policy }, personId);
 */
export async function unlockAccount(
  executor: Executor,
  actor: Actor,
  deps: { policy: Policy; clock?: Clock },
  personId: string,
): Promise<void> {
  const person = await getPerson(executor, personId);
  await deps.policy.assertAllowed(executor, actor, ACCOUNT_MANAGE_PERMISSION, primaryUnitOf(person));
  const account = await selectAccountByPerson(executor, personId);
  if (!account) throw new NotFoundError('identity.account_not_found', { personId });
  await inTransaction(executor, async (tx) => {
    await resetFailures(tx, account.id, (deps.clock ?? systemClock)());
    await recordAudit(tx, {
      actor,
      action: 'identity.account.unlock',
      target: { type: 'staff_account', id: account.id },
      outcome: 'success',
      details: { personId, failedCount: account.failedCount, wasLocked: account.lockedUntil !== null },
    });
  });
}

/**
 * An administrator sets a new password for someone who forgot theirs: the policy still applies, the
 * lock and failure count are cleared, and every session of that person ends (whoever held the old
 * password is out).
 * @throws NotFoundError `directory.person_not_found`, `identity.account_not_found`; ForbiddenError `access.denied`;
 *   ValidationError `identity.password_weak` (`/password`)
 * @example await resetPassword(db, actor, { policy }, personId, 'Dragon-Boat-Festival-25');
 */
export async function resetPassword(
  executor: Executor,
  actor: Actor,
  deps: { policy: Policy; clock?: Clock },
  personId: string,
  password: string,
): Promise<{ sessionsEnded: number }> {
  const person = await getPerson(executor, personId);
  await deps.policy.assertAllowed(executor, actor, ACCOUNT_MANAGE_PERMISSION, primaryUnitOf(person));
  const account = await selectAccountByPerson(executor, personId);
  if (!account) throw new NotFoundError('identity.account_not_found', { personId });
  const weaknesses = policyErrors(password, person);
  if (weaknesses.length > 0)
    throw new ValidationError('identity.password_weak', weaknesses, { count: weaknesses.length });
  const now = (deps.clock ?? systemClock)();
  const passwordHash = await hashPassword(password);
  return inTransaction(executor, async (tx) => {
    await updatePasswordHash(tx, account.id, passwordHash, now);
    await resetFailures(tx, account.id, now);
    const sessionsEnded = await endSessionsOfPerson(tx, personId, 'password_reset', { actor, clock: () => now });
    await recordAudit(tx, {
      actor,
      action: 'identity.account.password_reset',
      target: { type: 'staff_account', id: account.id },
      outcome: 'success',
      details: { personId, sessionsEnded },
    });
    return { sessionsEnded };
  });
}

/**
 * A person changes their own password: the current one proves it is them (and counts towards the
 * sign-in throttle when wrong), the new one meets the policy, and every other session of theirs ends.
 * @throws UnauthenticatedError `auth.unauthenticated` (not a person); NotFoundError `identity.account_not_found`;
 *   ValidationError `identity.credential_wrong` (`/currentPassword`), `identity.password_weak` (`/newPassword`);
 *   RateLimitedError `identity.sign_in_throttled`
 * @example await changePassword(database, { type: 'user', id: personId }, {}, { currentPassword, newPassword, keepSessionId });
 */
export async function changePassword(
  database: Database,
  actor: Actor,
  deps: { clock?: Clock },
  input: { currentPassword: string; newPassword: string; keepSessionId?: string | undefined; ip?: string | null },
): Promise<{ sessionsEnded: number }> {
  const { account, person } = await ownAccount(database.kysely, actor);
  const now = (deps.clock ?? systemClock)();
  const context = { action: 'identity.account.password_change', ip: input.ip ?? null };
  const start = await startAttempt(database, account, now, context);
  const ok = start.status === 'claimed' && (await verifyPassword(account.passwordHash, input.currentPassword)).ok;
  if (!ok) {
    if (start.status === 'claimed') await failAttempt(database, start.account, now, 'wrong_password', context, actor);
    else await auditAttempt(database.kysely, actor, account, 'failure', 'locked', context);
    throw new ValidationError('identity.credential_wrong', [{ pointer: '/currentPassword', reason: 'wrong' }]);
  }
  // The current password was right: this attempt was no failure, whatever the new password turns out to be.
  await resetFailures(database.kysely, account.id, now);
  const weaknesses = policyErrors(input.newPassword, person);
  if (weaknesses.length > 0) {
    const fields = weaknesses.map((field) => ({ ...field, pointer: '/newPassword' }));
    throw new ValidationError('identity.password_weak', fields, { count: fields.length });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return database.transaction(async (tx) => {
    await updatePasswordHash(tx, account.id, passwordHash, now);
    const sessionsEnded = await endSessionsOfPerson(tx, person.id, 'password_changed', {
      actor,
      keepSessionId: input.keepSessionId,
      clock: () => now,
    });
    await auditAttempt(tx, actor, account, 'success', null, context, { sessionsEnded });
    return { sessionsEnded };
  });
}

/**
 * The signed-in person's own account, as GET /me shows it.
 * @throws UnauthenticatedError `auth.unauthenticated` (not a person); NotFoundError `identity.account_not_found`
 * @example const me = await getOwnAccount(db, { type: 'user', id: personId });
 */
export async function getOwnAccount(executor: Executor, actor: Actor): Promise<AccountOverview> {
  const { account, person } = await ownAccount(executor, actor);
  return {
    accountId: account.id,
    personId: person.id,
    username: account.username,
    maskedName: maskName(person.name),
    passwordChangedAt: account.passwordChangedAt,
    totpEnabled: account.totpEnabledAt !== null,
    recoveryCodesLeft: account.totpEnabledAt ? account.recoveryCodeHashes.length : 0,
    lockedUntil: account.lockedUntil,
  };
}

/**
 * The account of the person acting, and the person.
 * @throws UnauthenticatedError `auth.unauthenticated` when the actor is not a person; NotFoundError `identity.account_not_found`
 */
export async function ownAccount(executor: Executor, actor: Actor): Promise<{ account: AccountRow; person: Person }> {
  if (actor.type !== 'user') throw new UnauthenticatedError('auth.unauthenticated');
  const account = await selectAccountByPerson(executor, actor.id);
  if (!account) throw new NotFoundError('identity.account_not_found', { personId: actor.id });
  return { account, person: await getPerson(executor, actor.id) };
}

function policyErrors(password: string, person: Person): FieldError[] {
  try {
    checkPasswordPolicy(password, { staffNo: person.staffNo, name: person.name, mobile: person.mobile ?? '' });
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.fields;
    throw error;
  }
}

function primaryUnitOf(person: Person): string | null {
  return person.posts[0]?.orgUnitCode ?? null;
}
