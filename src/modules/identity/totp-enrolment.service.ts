/**
 * Two-step verification for one's own account: begin (a new secret, sealed, not yet in force),
 * confirm with a first code (in force; ten recovery codes shown once), turn off or renew the recovery
 * codes (each proven with a current code or the password). Each step is audited; a wrong proof counts
 * towards the sign-in throttle, since it is one more guess at a credential.
 */
import type { Actor } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { ConflictError, ValidationError } from '../../platform/errors.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { type AccountRow, resetFailures, updateTotp } from './account.repository.js';
import { ownAccount } from './account.service.js';
import './identity.messages.js';
import { verifyPassword } from './password-hashing.js';
import { generateRecoveryCodes } from './recovery-codes.js';
import { type Clock, systemClock } from './session.js';
import {
  type AttemptContext,
  auditAttempt,
  failAttempt,
  spendSecondFactor,
  startAttempt,
  totpContext,
} from './sign-in-attempt.js';
import { generateTotpSecret, totpUri, verifyTotp } from './totp.js';

/** What authenticator apps show above the account. */
export const TOTP_ISSUER = '汇通';
export const RECOVERY_CODE_COUNT = 10;

export interface TotpDeps {
  secrets: SecretBox;
  clock?: Clock;
}

/** A current TOTP code, a recovery code, or the password: what proves it is the owner. */
export interface OwnerProof {
  code?: string | undefined;
  password?: string | undefined;
}

/**
 * Starts enrolment: a new secret, stored sealed and not yet in force, and its `otpauth://` URI for the
 * QR code. Beginning again replaces a secret that was never confirmed.
 * @throws ConflictError `identity.totp_already_enabled`
 * @example const { secret, uri } = await beginTotpEnrolment(database, actor, { secrets });
 */
export async function beginTotpEnrolment(
  database: Database,
  actor: Actor,
  deps: TotpDeps,
): Promise<{ secret: string; uri: string }> {
  const { account } = await ownAccount(database.kysely, actor);
  if (account.totpEnabledAt) throw new ConflictError('identity.totp_already_enabled');
  const secret = generateTotpSecret();
  const now = (deps.clock ?? systemClock)();
  await database.transaction(async (tx) => {
    await updateTotp(tx, account.id, {
      secretSealed: deps.secrets.seal(secret, totpContext(account.id)),
      enabledAt: null,
      lastStep: null,
      recoveryCodeHashes: [],
      now,
    });
    await auditAttempt(tx, actor, account, 'success', null, { action: 'identity.totp.begin' });
  });
  return { secret, uri: totpUri({ secret, account: account.username, issuer: TOTP_ISSUER }) };
}

/**
 * Puts the secret begun in force once the person shows a code from it, and returns ten recovery codes
 * to show once.
 * @throws ConflictError `identity.totp_already_enabled`, `identity.totp_not_pending`; ValidationError `identity.totp_code_wrong` (`/code`)
 * @example const { recoveryCodes } = await confirmTotpEnrolment(database, actor, { secrets }, '123456');
 */
export async function confirmTotpEnrolment(
  database: Database,
  actor: Actor,
  deps: TotpDeps,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const { account } = await ownAccount(database.kysely, actor);
  if (account.totpEnabledAt) throw new ConflictError('identity.totp_already_enabled');
  if (!account.totpSecretSealed) throw new ConflictError('identity.totp_not_pending');
  const now = (deps.clock ?? systemClock)();
  const secret = deps.secrets.open(account.totpSecretSealed, totpContext(account.id));
  const checked = verifyTotp(secret, code, { at: now });
  if (!checked.ok) {
    throw new ValidationError('identity.totp_code_wrong', [{ pointer: '/code', reason: 'wrong' }]);
  }
  const { codes, hashes } = generateRecoveryCodes(RECOVERY_CODE_COUNT);
  await database.transaction(async (tx) => {
    await updateTotp(tx, account.id, {
      secretSealed: account.totpSecretSealed,
      enabledAt: now,
      // The confirming code is used: it cannot sign in a second time.
      lastStep: checked.step,
      recoveryCodeHashes: hashes,
      now,
    });
    await auditAttempt(tx, actor, account, 'success', null, { action: 'identity.totp.enable' });
  });
  return { recoveryCodes: codes };
}

/**
 * Turns two-step verification off, proven with a current code, a recovery code or the password.
 * @throws ConflictError `identity.totp_not_enabled`; ValidationError `identity.credential_wrong`;
 *   RateLimitedError `identity.sign_in_throttled`
 * @example await disableTotp(database, actor, { secrets }, { password });
 */
export async function disableTotp(database: Database, actor: Actor, deps: TotpDeps, proof: OwnerProof): Promise<void> {
  const { account } = await ownAccount(database.kysely, actor);
  if (!account.totpEnabledAt) throw new ConflictError('identity.totp_not_enabled');
  const now = (deps.clock ?? systemClock)();
  await proveOwner(database, actor, deps, account, proof, now, 'identity.totp.disable');
  await database.transaction(async (tx) => {
    await updateTotp(tx, account.id, {
      secretSealed: null,
      enabledAt: null,
      lastStep: null,
      recoveryCodeHashes: [],
      now,
    });
    await auditAttempt(tx, actor, account, 'success', null, { action: 'identity.totp.disable' });
  });
}

/**
 * Replaces every recovery code with ten new ones, shown once; proven as for `disableTotp`.
 * @throws ConflictError `identity.totp_not_enabled`; ValidationError `identity.credential_wrong`;
 *   RateLimitedError `identity.sign_in_throttled`
 * @example const { recoveryCodes } = await regenerateRecoveryCodes(database, actor, { secrets }, { code: '123456' });
 */
export async function regenerateRecoveryCodes(
  database: Database,
  actor: Actor,
  deps: TotpDeps,
  proof: OwnerProof,
): Promise<{ recoveryCodes: string[] }> {
  const { account } = await ownAccount(database.kysely, actor);
  if (!account.totpEnabledAt) throw new ConflictError('identity.totp_not_enabled');
  const now = (deps.clock ?? systemClock)();
  const proven = await proveOwner(database, actor, deps, account, proof, now, 'identity.totp.recovery_codes');
  const { codes, hashes } = generateRecoveryCodes(RECOVERY_CODE_COUNT);
  await database.transaction(async (tx) => {
    await updateTotp(tx, account.id, {
      secretSealed: proven.totpSecretSealed,
      enabledAt: proven.totpEnabledAt,
      lastStep: proven.totpLastStep,
      recoveryCodeHashes: hashes,
      now,
    });
    await auditAttempt(tx, actor, account, 'success', null, { action: 'identity.totp.recovery_codes' });
  });
  return { recoveryCodes: codes };
}

/**
 * Checks the proof through the sign-in throttle, and returns the account as it stands after the proof
 * used up its code.
 */
async function proveOwner(
  database: Database,
  actor: Actor,
  deps: TotpDeps,
  account: AccountRow,
  proof: OwnerProof,
  now: Date,
  action: string,
): Promise<AccountRow> {
  if (!proof.code?.trim() && !proof.password) throw wrongProof(proof);
  const context: AttemptContext = { action };
  const start = await startAttempt(database, account, now, context);
  if (start.status === 'locked') {
    await auditAttempt(database.kysely, actor, account, 'failure', 'locked', context);
    throw wrongProof(proof);
  }
  let ok = false;
  if (proof.code?.trim()) {
    // A six-digit code is a TOTP code; anything else is tried as a recovery code.
    const isTotp = /^\d{6}$/.test(proof.code.normalize('NFKC').replace(/\s/g, ''));
    const used = await spendSecondFactor(
      database.kysely,
      deps.secrets,
      start.account,
      isTotp ? { totpCode: proof.code } : { recoveryCode: proof.code },
      now,
    );
    ok = used !== null;
  } else if (proof.password) {
    ok = (await verifyPassword(account.passwordHash, proof.password)).ok;
  }
  if (!ok) {
    await failAttempt(
      database,
      start.account,
      now,
      proof.code ? 'wrong_second_factor' : 'wrong_password',
      context,
      actor,
    );
    throw wrongProof(proof);
  }
  await resetFailures(database.kysely, account.id, now);
  const refreshed = await ownAccount(database.kysely, actor);
  return refreshed.account;
}

function wrongProof(proof: OwnerProof): ValidationError {
  const pointer = proof.code?.trim() ? '/code' : '/password';
  return new ValidationError('identity.credential_wrong', [
    { pointer, reason: proof.code?.trim() || proof.password ? 'wrong' : 'required' },
  ]);
}
