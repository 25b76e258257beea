/** SQL for `identity.oidc_signing_key`: the provider's signing and cookie keys. */
import { type Selectable, sql } from 'kysely';
import { type Executor, tablesOf } from '../../../platform/db/database.js';
import type { OidcSigningKeyTable, OidcTables, SigningKeyAlg, SigningKeyState, SigningKeyUse } from './oidc.tables.js';

export interface StoredKey {
  kid: string;
  alg: SigningKeyAlg;
  use: SigningKeyUse;
  privateJwkSealed: string;
  publicJwk: Record<string, unknown> | null;
  state: SigningKeyState;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
}

/** Every key, oldest first within a state. */
export async function selectKeys(executor: Executor): Promise<StoredKey[]> {
  const rows = await tablesOf<OidcTables>(executor)
    .selectFrom('identity.oidc_signing_key')
    .selectAll()
    .orderBy('created_at')
    .orderBy('kid')
    .execute();
  return rows.map(keyOf);
}

export async function insertKey(
  executor: Executor,
  key: Omit<StoredKey, 'createdAt' | 'activatedAt' | 'retiredAt'> & { now: Date },
): Promise<void> {
  await tablesOf<OidcTables>(executor)
    .insertInto('identity.oidc_signing_key')
    .values({
      kid: key.kid,
      alg: key.alg,
      use: key.use,
      private_jwk: key.privateJwkSealed,
      public_jwk: key.publicJwk ? JSON.stringify(key.publicJwk) : null,
      state: key.state,
      created_at: key.now,
      activated_at: key.state === 'current' ? key.now : null,
    })
    .execute();
}

export async function setKeyState(executor: Executor, kid: string, state: SigningKeyState, now: Date): Promise<void> {
  await tablesOf<OidcTables>(executor)
    .updateTable('identity.oidc_signing_key')
    .set(state === 'current' ? { state, activated_at: now } : { state, retired_at: now })
    .where('kid', '=', kid)
    .execute();
}

export async function deleteKeys(executor: Executor, kids: readonly string[]): Promise<void> {
  if (kids.length === 0) return;
  await tablesOf<OidcTables>(executor).deleteFrom('identity.oidc_signing_key').where('kid', 'in', kids).execute();
}

/** A fingerprint of the key set that changes with any key added, promoted, retired or dropped. */
export async function selectKeysVersion(executor: Executor): Promise<string> {
  const { rows } = await sql<{ version: string | null }>`
    select string_agg(kid || ':' || state, ',' order by kid) as version from identity.oidc_signing_key`.execute(
    executor,
  );
  return rows[0]?.version ?? '';
}

/** Serialises key maintenance across processes for the rest of the caller's transaction. */
export async function lockKeys(executor: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('huitong.identity.oidc_keys'))`.execute(executor);
}

function keyOf(row: Selectable<OidcSigningKeyTable>): StoredKey {
  return {
    kid: row.kid,
    alg: row.alg,
    use: row.use,
    privateJwkSealed: row.private_jwk,
    publicJwk: row.public_jwk,
    state: row.state,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
  };
}
