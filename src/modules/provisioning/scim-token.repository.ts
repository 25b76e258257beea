/** SQL for `provisioning.scim_token`. Only token hashes are stored, never tokens. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { ProvisioningTables, ScimTokenScope } from './provisioning.tables.js';

export interface ScimToken {
  id: string;
  name: string;
  ownerOrgUnitCode: string;
  scopes: ScimTokenScope[];
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = [
  'id',
  'name',
  'owner_org_unit_code as ownerOrgUnitCode',
  'scopes',
  'created_by as createdBy',
  'created_at as createdAt',
  'last_used_at as lastUsedAt',
  'revoked_at as revokedAt',
] as const;

export async function insertScimToken(
  executor: Executor,
  token: { name: string; ownerOrgUnitCode: string; tokenHash: string; scopes: ScimTokenScope[]; createdBy: string },
): Promise<string> {
  const row = await tablesOf<ProvisioningTables>(executor)
    .insertInto('provisioning.scim_token')
    .values({
      name: token.name,
      owner_org_unit_code: token.ownerOrgUnitCode,
      token_hash: token.tokenHash,
      scopes: sql<ScimTokenScope[]>`${sql.val(token.scopes)}::text[]`,
      created_by: token.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function selectScimToken(executor: Executor, id: string): Promise<ScimToken | undefined> {
  return tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.scim_token')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The live (unrevoked) token with this hash. */
export async function selectLiveTokenByHash(executor: Executor, tokenHash: string): Promise<ScimToken | undefined> {
  return tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.scim_token')
    .select(COLUMNS)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Tokens owned by these units (all tokens when undefined), newest first. */
export async function selectScimTokens(
  executor: Executor,
  ownerOrgUnitCodes?: readonly string[],
): Promise<ScimToken[]> {
  if (ownerOrgUnitCodes?.length === 0) return [];
  return tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.scim_token')
    .select(COLUMNS)
    .$if(ownerOrgUnitCodes !== undefined, (q) => q.where('owner_org_unit_code', 'in', ownerOrgUnitCodes!))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function markTokenRevoked(executor: Executor, id: string): Promise<void> {
  await tablesOf<ProvisioningTables>(executor)
    .updateTable('provisioning.scim_token')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Notes a use, at most once a minute per token, so a busy client does not write on every request. */
export async function touchToken(executor: Executor, id: string): Promise<void> {
  await tablesOf<ProvisioningTables>(executor)
    .updateTable('provisioning.scim_token')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
    )
    .execute();
}
