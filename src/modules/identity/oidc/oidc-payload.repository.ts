/**
 * SQL for `identity.oidc_payload`, the store behind oidc-provider's adapter: one statement per
 * operation, every lookup on an index. Expired rows are invisible at once and deleted by `pruneExpired`.
 */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../../platform/db/database.js';
import type { OidcTables } from './oidc.tables.js';

export interface StoredPayload {
  payload: Record<string, unknown>;
  consumedAt: Date | null;
}

export interface PayloadRow {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  accountId: string | null;
  expiresInSeconds: number | null;
}

const live = sql<boolean>`(expires_at is null or expires_at > now())`;

export async function upsertPayload(executor: Executor, row: PayloadRow): Promise<void> {
  const expiresAt =
    row.expiresInSeconds === null ? sql`null` : sql`now() + ${row.expiresInSeconds} * interval '1 second'`;
  await sql`
    insert into identity.oidc_payload (model, id, payload, grant_id, user_code, uid, account_id, expires_at)
    values (${row.model}, ${row.id}, ${JSON.stringify(row.payload)}::jsonb, ${row.grantId}, ${row.userCode},
            ${row.uid}, ${row.accountId}, ${expiresAt})
    on conflict (model, id) do update set
      payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
      uid = excluded.uid, account_id = excluded.account_id, expires_at = excluded.expires_at`.execute(executor);
}

export async function selectPayload(executor: Executor, model: string, id: string): Promise<StoredPayload | undefined> {
  const row = await tablesOf<OidcTables>(executor)
    .selectFrom('identity.oidc_payload')
    .select(['payload', 'consumed_at'])
    .where('model', '=', model)
    .where('id', '=', id)
    .where(live)
    .executeTakeFirst();
  return row && { payload: row.payload, consumedAt: row.consumed_at };
}

export async function selectPayloadBy(
  executor: Executor,
  model: string,
  column: 'uid' | 'user_code',
  value: string,
): Promise<StoredPayload | undefined> {
  const row = await tablesOf<OidcTables>(executor)
    .selectFrom('identity.oidc_payload')
    .select(['payload', 'consumed_at'])
    .where(column, '=', value)
    .where('model', '=', model)
    .where(live)
    .executeTakeFirst();
  return row && { payload: row.payload, consumedAt: row.consumed_at };
}

export async function consumePayload(executor: Executor, model: string, id: string): Promise<void> {
  await tablesOf<OidcTables>(executor)
    .updateTable('identity.oidc_payload')
    .set({ consumed_at: sql<Date>`now()` })
    .where('model', '=', model)
    .where('id', '=', id)
    .execute();
}

export async function deletePayload(executor: Executor, model: string, id: string): Promise<void> {
  await tablesOf<OidcTables>(executor)
    .deleteFrom('identity.oidc_payload')
    .where('model', '=', model)
    .where('id', '=', id)
    .execute();
}

/** Every token of one model issued under a grant (oidc-provider calls this once per token model). */
export async function deleteByGrant(executor: Executor, model: string, grantId: string): Promise<void> {
  await tablesOf<OidcTables>(executor)
    .deleteFrom('identity.oidc_payload')
    .where('grant_id', '=', grantId)
    .where('model', '=', model)
    .execute();
}

/** A grant and everything issued under it, whatever the model: what ending a session revokes. */
export async function deleteGrant(executor: Executor, grantId: string): Promise<void> {
  await tablesOf<OidcTables>(executor)
    .deleteFrom('identity.oidc_payload')
    .where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])]))
    .execute();
}

/** The live provider sessions of a signed-in person. */
export async function selectSessionsOfAccount(
  executor: Executor,
  accountId: string,
): Promise<Array<{ id: string; payload: Record<string, unknown> }>> {
  return tablesOf<OidcTables>(executor)
    .selectFrom('identity.oidc_payload')
    .select(['id', 'payload'])
    .where('model', '=', 'Session')
    .where('account_id', '=', accountId)
    .where(live)
    .execute();
}

/** Deletes rows that expired before now; returns how many. */
export async function pruneExpired(executor: Executor): Promise<number> {
  const result = await tablesOf<OidcTables>(executor)
    .deleteFrom('identity.oidc_payload')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
