/**
 * SQL for `identity.staff_account`: reads by id, person and username, and the narrow writes the
 * account, sign-in and TOTP services make. Writes that race (counting a failure, using a TOTP step
 * or a recovery code) are compare-and-set, so two requests at once cannot both win.
 */
import { type Selectable, sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { IdentityTables, StaffAccountTable } from './identity.tables.js';

const db = (executor: Executor) => tablesOf<IdentityTables>(executor);

export interface AccountRow {
  id: string;
  personId: string;
  username: string;
  passwordHash: string;
  passwordChangedAt: Date;
  totpSecretSealed: string | null;
  totpEnabledAt: Date | null;
  totpLastStep: number | null;
  recoveryCodeHashes: string[];
  failedCount: number;
  lastFailedAt: Date | null;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function selectAccountById(executor: Executor, id: string): Promise<AccountRow | undefined> {
  const row = await db(executor)
    .selectFrom('identity.staff_account')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function selectAccountByPerson(executor: Executor, personId: string): Promise<AccountRow | undefined> {
  const row = await db(executor)
    .selectFrom('identity.staff_account')
    .selectAll()
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function selectAccountByUsername(executor: Executor, username: string): Promise<AccountRow | undefined> {
  const row = await db(executor)
    .selectFrom('identity.staff_account')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function insertAccount(
  executor: Executor,
  account: { personId: string; username: string; passwordHash: string; now: Date },
): Promise<string> {
  const row = await db(executor)
    .insertInto('identity.staff_account')
    .values({
      person_id: account.personId,
      username: account.username,
      password_hash: account.passwordHash,
      password_changed_at: account.now,
      created_at: account.now,
      updated_at: account.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Counts an attempt as a failure before the password is checked, if the count is still the one read:
 * parallel attempts then cannot all slip through one throttle window. False when another attempt
 * changed the count first.
 */
export async function claimAttempt(executor: Executor, id: string, readCount: number, now: Date): Promise<boolean> {
  const result = await db(executor)
    .updateTable('identity.staff_account')
    .set({ failed_count: readCount + 1, last_failed_at: now })
    .where('id', '=', id)
    .where('failed_count', '=', readCount)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives back a claimed attempt that turned out not to be a failure (password right, code still to come). */
export async function releaseAttempt(executor: Executor, id: string): Promise<void> {
  await db(executor)
    .updateTable('identity.staff_account')
    .set({ failed_count: sql<number>`greatest(failed_count - 1, 0)` })
    .where('id', '=', id)
    .execute();
}

export async function setLockedUntil(executor: Executor, id: string, lockedUntil: Date | null): Promise<void> {
  await db(executor)
    .updateTable('identity.staff_account')
    .set({ locked_until: lockedUntil })
    .where('id', '=', id)
    .execute();
}

/** A success or an administrator's unlock: the slate is clean. */
export async function resetFailures(executor: Executor, id: string, now: Date): Promise<void> {
  await db(executor)
    .updateTable('identity.staff_account')
    .set({ failed_count: 0, last_failed_at: null, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function updatePasswordHash(
  executor: Executor,
  id: string,
  passwordHash: string,
  changedAt: Date | null,
): Promise<void> {
  await db(executor)
    .updateTable('identity.staff_account')
    .set({
      password_hash: passwordHash,
      // A rehash keeps the password, so it keeps its date; a change moves it.
      ...(changedAt ? { password_changed_at: changedAt, updated_at: changedAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Records the TOTP step just used, only if it is later than the last one: false when another request
 * used this step (or a later one) first, which makes the code a replay.
 */
export async function advanceTotpStep(executor: Executor, id: string, step: number): Promise<boolean> {
  const result = await db(executor)
    .updateTable('identity.staff_account')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Replaces the recovery code hashes, only if they are still the ones read (a code is used once). */
export async function replaceRecoveryCodes(
  executor: Executor,
  id: string,
  expected: readonly string[],
  hashes: readonly string[],
): Promise<boolean> {
  const result = await db(executor)
    .updateTable('identity.staff_account')
    .set({ recovery_code_hashes: sql<string[]>`${[...hashes]}::text[]` })
    .where('id', '=', id)
    .where('recovery_code_hashes', '=', sql<string[]>`${[...expected]}::text[]`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateTotp(
  executor: Executor,
  id: string,
  totp: {
    secretSealed: string | null;
    enabledAt: Date | null;
    lastStep: number | null;
    recoveryCodeHashes: readonly string[];
    now: Date;
  },
): Promise<void> {
  await db(executor)
    .updateTable('identity.staff_account')
    .set({
      totp_secret_sealed: totp.secretSealed,
      totp_enabled_at: totp.enabledAt,
      totp_last_step: totp.lastStep,
      recovery_code_hashes: sql<string[]>`${[...totp.recoveryCodeHashes]}::text[]`,
      updated_at: totp.now,
    })
    .where('id', '=', id)
    .execute();
}

function toAccount(row: Selectable<StaffAccountTable>): AccountRow {
  return {
    id: row.id,
    personId: row.person_id,
    username: row.username,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    totpSecretSealed: row.totp_secret_sealed,
    totpEnabledAt: row.totp_enabled_at,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    recoveryCodeHashes: row.recovery_code_hashes ?? [],
    failedCount: row.failed_count,
    lastFailedAt: row.last_failed_at,
    lockedUntil: row.locked_until,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
