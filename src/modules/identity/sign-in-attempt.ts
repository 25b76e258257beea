/**
 * One attempt at proving who one is with an account's credentials (signing in, changing the password,
 * turning TOTP off): the throttle and lock of sign-in-throttle.ts applied to a stored account, the
 * second-factor checks with their replay protection, and the audit entry of every outcome. Shared by
 * sign-in.service.ts, account.service.ts and totp-enrolment.service.ts, so a guesser gains nothing by
 * trying one door rather than another.
 */
import { type AuditActor, recordAudit } from '../../platform/audit/audit-log.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { RateLimitedError } from '../../platform/errors.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import {
  type AccountRow,
  advanceTotpStep,
  claimAttempt,
  replaceRecoveryCodes,
  selectAccountById,
  setLockedUntil,
} from './account.repository.js';
import { matchRecoveryCode } from './recovery-codes.js';
import { attemptVerdict, lockedUntilAfter } from './sign-in-throttle.js';
import { verifyTotp } from './totp.js';

/** Why an attempt failed, for the audit log only: the caller always hears the same answer. */
export type FailureReason =
  | 'unknown_login'
  | 'wrong_password'
  | 'wrong_second_factor'
  | 'locked'
  | 'throttled'
  | 'disabled'
  | 'person_inactive';

/** What the audit entry of an attempt says besides its outcome. */
export interface AttemptContext {
  /** `identity.sign_in`, `identity.account.password_change`, `identity.totp.disable` … */
  action: string;
  /** The login as typed, already masked. */
  maskedLogin?: string | undefined;
  ip?: string | null | undefined;
}

/** How many times a claim is retried when parallel attempts keep changing the count under it. */
const CLAIM_TRIES = 3;

export type AttemptStart = { status: 'claimed'; account: AccountRow } | { status: 'locked'; account: AccountRow };

/**
 * Starts an attempt on an account: refuses it at once when throttled, reports a lock, and otherwise
 * counts it as a failure before any credential is checked (see `claimAttempt`), to be taken back by
 * `succeedAttempt` or `releaseAttempt`.
 * @throws RateLimitedError `identity.sign_in_throttled` with `retryAfterSeconds`
 */
export async function startAttempt(
  database: Database,
  account: AccountRow,
  now: Date,
  context: AttemptContext,
): Promise<AttemptStart> {
  let current = account;
  for (let tries = 0; tries < CLAIM_TRIES; tries += 1) {
    const verdict = attemptVerdict(current, now);
    if (!verdict.allowed && verdict.reason === 'locked') return { status: 'locked', account: current };
    if (!verdict.allowed) {
      await auditAttempt(database.kysely, { type: 'anonymous' }, current, 'failure', 'throttled', context);
      throw new RateLimitedError('identity.sign_in_throttled', verdict.retryAfterSeconds);
    }
    if (await claimAttempt(database.kysely, current.id, current.failedCount, now)) {
      return { status: 'claimed', account: { ...current, failedCount: current.failedCount + 1, lastFailedAt: now } };
    }
    const reread = await selectAccountById(database.kysely, current.id);
    if (!reread) break;
    current = reread;
  }
  // Others keep winning the race: they are guessing in parallel, and this one waits its turn.
  await auditAttempt(database.kysely, { type: 'anonymous' }, current, 'failure', 'throttled', context);
  throw new RateLimitedError('identity.sign_in_throttled', 1);
}

/**
 * Settles a claimed attempt as a failure: locks the account when this was the failure too many, and
 * audits both in one transaction.
 */
export async function failAttempt(
  database: Database,
  claimed: AccountRow,
  now: Date,
  reason: FailureReason,
  context: AttemptContext,
  actor: AuditActor = { type: 'anonymous' },
): Promise<void> {
  const lockedUntil = reason === 'locked' ? null : lockedUntilAfter(claimed.failedCount, now);
  await database.transaction(async (tx) => {
    if (lockedUntil) {
      await setLockedUntil(tx, claimed.id, lockedUntil);
      await recordAudit(tx, {
        actor: { type: 'system', id: 'huitong' },
        action: 'identity.account.lock',
        target: { type: 'staff_account', id: claimed.id },
        outcome: 'success',
        details: {
          personId: claimed.personId,
          failedCount: claimed.failedCount,
          lockedUntil: lockedUntil.toISOString(),
        },
      });
    }
    await auditAttempt(tx, actor, claimed, 'failure', reason, context);
  });
}

/**
 * Writes the audit entry of an attempt. Never the password or the code: the masked login, the
 * address and why it failed.
 */
export async function auditAttempt(
  executor: Executor,
  actor: AuditActor,
  account: AccountRow | undefined,
  outcome: 'success' | 'failure',
  reason: FailureReason | 'second_factor_required' | null,
  context: AttemptContext,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(executor, {
    actor,
    action: context.action,
    ...(account ? { target: { type: 'staff_account', id: account.id } } : {}),
    outcome,
    details: {
      ...(context.maskedLogin !== undefined ? { login: context.maskedLogin } : {}),
      ...(context.ip !== undefined ? { ip: context.ip } : {}),
      ...(reason ? { reason } : {}),
      ...(account ? { personId: account.personId } : {}),
      ...extra,
    },
  });
}

/**
 * Checks a TOTP code or a recovery code against an account with TOTP enabled, and uses it up: the
 * TOTP step is recorded (a code works once, RFC 6238 §5.2), the recovery code is deleted. Both writes
 * are compare-and-set, so two requests with one code cannot both pass.
 */
export async function spendSecondFactor(
  executor: Executor,
  secrets: SecretBox,
  account: AccountRow,
  input: { totpCode?: string | undefined; recoveryCode?: string | undefined },
  now: Date,
): Promise<'totp' | 'recovery_code' | null> {
  const totpCode = input.totpCode?.trim();
  if (totpCode && account.totpSecretSealed) {
    const secret = secrets.open(account.totpSecretSealed, totpContext(account.id));
    const checked = verifyTotp(secret, totpCode, { at: now, lastUsedStep: account.totpLastStep ?? undefined });
    return checked.ok && (await advanceTotpStep(executor, account.id, checked.step)) ? 'totp' : null;
  }
  const recoveryCode = input.recoveryCode?.trim();
  if (recoveryCode) {
    const match = matchRecoveryCode(account.recoveryCodeHashes, recoveryCode);
    if (!match.ok) return null;
    const left = account.recoveryCodeHashes.filter((_, index) => index !== match.index);
    return (await replaceRecoveryCodes(executor, account.id, account.recoveryCodeHashes, left))
      ? 'recovery_code'
      : null;
  }
  return null;
}

/**
 * The context a TOTP secret is sealed under: bound to its account, so a sealed secret copied to
 * another row does not open there.
 * @example secrets.seal(secret, totpContext(account.id));
 */
export function totpContext(accountId: string): string {
  return `identity.totp:${accountId}`;
}
