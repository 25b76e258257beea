/**
 * SQL for `identity.public_account` and `identity.public_registration_attempt`: reads by id and by
 * each way of signing in, plain writes, and the registration attempt counter. No rules here.
 */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { AgentRole, PublicAccount, PublicAccountKind } from './public-account.js';
import type { PublicAccountTables } from './public-account.tables.js';

/** An account with what only the sign-in and password services read. */
export interface PublicAccountCredentials extends PublicAccount {
  passwordHash: string;
  failedCount: number;
  lastFailedAt: Date | null;
  lockedUntil: Date | null;
}

export interface PublicAccountColumns {
  kind: PublicAccountKind;
  person_name: string;
  resident_id: string;
  credit_code: string | null;
  enterprise_name: string | null;
  agent_role: AgentRole | null;
  mobile: string;
  email: string | null;
  password_hash: string;
  password_changed_at: Date;
}

/** The throttle's columns after an attempt. */
export interface ThrottleColumns {
  failed_count: number;
  last_failed_at: Date | null;
  locked_until: Date | null;
}

const ACCOUNT_COLUMNS = [
  'id',
  'kind',
  'person_name as personName',
  'resident_id as residentId',
  'credit_code as creditCode',
  'enterprise_name as enterpriseName',
  'agent_role as agentRole',
  'mobile',
  'email',
  'status',
  'password_changed_at as passwordChangedAt',
  'created_at as createdAt',
  'updated_at as updatedAt',
] as const;

const CREDENTIAL_COLUMNS = [
  ...ACCOUNT_COLUMNS,
  'password_hash as passwordHash',
  'failed_count as failedCount',
  'last_failed_at as lastFailedAt',
  'locked_until as lockedUntil',
] as const;

export async function selectPublicAccount(executor: Executor, id: string): Promise<PublicAccount | undefined> {
  return tablesOf<PublicAccountTables>(executor)
    .selectFrom('identity.public_account')
    .select(ACCOUNT_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The account a sign-in names, its row locked until the transaction ends, so that two attempts at once
 * count as two failures rather than one. `login` is a resident identity number (citizens), a credit
 * code (enterprises) or a mobile number (either), already normalised.
 */
export async function lockPublicAccountByLogin(
  executor: Executor,
  kind: PublicAccountKind,
  login: { residentId?: string; creditCode?: string; mobile?: string },
): Promise<PublicAccountCredentials | undefined> {
  let query = tablesOf<PublicAccountTables>(executor)
    .selectFrom('identity.public_account')
    .select(CREDENTIAL_COLUMNS)
    .where('kind', '=', kind);
  if (login.mobile !== undefined) query = query.where('mobile', '=', login.mobile);
  else if (login.creditCode !== undefined) query = query.where('credit_code', '=', login.creditCode);
  else if (login.residentId !== undefined) query = query.where('resident_id', '=', login.residentId);
  else return undefined;
  return query.forUpdate().executeTakeFirst();
}

export async function lockPublicAccountCredentials(
  executor: Executor,
  id: string,
): Promise<PublicAccountCredentials | undefined> {
  return tablesOf<PublicAccountTables>(executor)
    .selectFrom('identity.public_account')
    .select(CREDENTIAL_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Whether an account of this kind already holds the identity number (citizens), the credit code
 * (enterprises) or the mobile number.
 */
export async function publicAccountTaken(
  executor: Executor,
  kind: PublicAccountKind,
  keys: { residentId?: string; creditCode?: string; mobile: string },
): Promise<boolean> {
  const row = await tablesOf<PublicAccountTables>(executor)
    .selectFrom('identity.public_account')
    .select('id')
    .where('kind', '=', kind)
    .where((eb) =>
      eb.or([
        eb('mobile', '=', keys.mobile),
        ...(keys.residentId !== undefined ? [eb('resident_id', '=', keys.residentId)] : []),
        ...(keys.creditCode !== undefined ? [eb('credit_code', '=', keys.creditCode)] : []),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertPublicAccount(executor: Executor, columns: PublicAccountColumns): Promise<string> {
  const row = await tablesOf<PublicAccountTables>(executor)
    .insertInto('identity.public_account')
    .values(columns)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateThrottle(executor: Executor, id: string, columns: ThrottleColumns): Promise<void> {
  await tablesOf<PublicAccountTables>(executor)
    .updateTable('identity.public_account')
    .set({ ...columns, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function updatePasswordHash(
  executor: Executor,
  id: string,
  passwordHash: string,
  changedAt: Date | undefined,
): Promise<void> {
  await tablesOf<PublicAccountTables>(executor)
    .updateTable('identity.public_account')
    .set({
      password_hash: passwordHash,
      ...(changedAt ? { password_changed_at: changedAt } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Counts the registration attempts from `ip` since `since` and finds the oldest of them, after deleting
 * that address's older ones (nothing else reads them), then records this one. The advisory lock makes
 * count-then-insert atomic per address, so parallel requests cannot all slip under the limit.
 */
export async function countAndRecordRegistrationAttempt(
  executor: Executor,
  ip: string,
  at: Date,
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const db = tablesOf<PublicAccountTables>(executor);
  await sql`select pg_advisory_xact_lock(hashtext('identity.public_registration'), hashtext(${ip}))`.execute(executor);
  await db.deleteFrom('identity.public_registration_attempt').where('ip', '=', ip).where('at', '<', since).execute();
  const row = await db
    .selectFrom('identity.public_registration_attempt')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min<Date | null>('at').as('oldest')])
    .where('ip', '=', ip)
    .executeTakeFirstOrThrow();
  await db.insertInto('identity.public_registration_attempt').values({ ip, at }).execute();
  return { count: Number(row.count), oldest: row.oldest === null ? null : new Date(row.oldest) };
}
