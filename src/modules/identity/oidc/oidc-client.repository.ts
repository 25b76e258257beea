/** SQL for `identity.oidc_client`, the registered systems. */
import { type Selectable, sql } from 'kysely';
import { type Executor, tablesOf } from '../../../platform/db/database.js';
import type { OidcClientTable, OidcTables } from './oidc.tables.js';
import type { ClientGrantType, RegisteredClient } from './oidc-client.js';

export type ClientRow = RegisteredClient & { secretSealed: string };

export type ClientColumns = Omit<OidcClientTable, 'created_at' | 'updated_at'>;

const COLUMNS = [
  'client_id',
  'name_zh',
  'name_en',
  'owner_org_unit_code',
  'secret_sealed',
  'redirect_uris',
  'post_logout_redirect_uris',
  'backchannel_logout_uri',
  'grant_types',
  'scopes',
  'first_party',
  'enabled',
  'created_at',
  'updated_at',
] as const;

export async function selectClient(executor: Executor, clientId: string, lock = false): Promise<ClientRow | undefined> {
  let query = tablesOf<OidcTables>(executor)
    .selectFrom('identity.oidc_client')
    .select(COLUMNS)
    .where('client_id', '=', clientId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && clientOf(row);
}

export async function selectClients(
  executor: Executor,
  filter: { ownerOrgUnitCodes?: readonly string[] | undefined },
  page: { limit: number; offset: number },
): Promise<{ items: ClientRow[]; total: number }> {
  const db = tablesOf<OidcTables>(executor);
  let query = db.selectFrom('identity.oidc_client');
  if (filter.ownerOrgUnitCodes) {
    if (filter.ownerOrgUnitCodes.length === 0) return { items: [], total: 0 };
    query = query.where('owner_org_unit_code', 'in', filter.ownerOrgUnitCodes);
  }
  const rows = await query.select(COLUMNS).orderBy('client_id').limit(page.limit).offset(page.offset).execute();
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { items: rows.map(clientOf), total: Number(total) };
}

export async function insertClient(executor: Executor, columns: ClientColumns): Promise<void> {
  await tablesOf<OidcTables>(executor).insertInto('identity.oidc_client').values(columns).execute();
}

export async function updateClientColumns(
  executor: Executor,
  clientId: string,
  columns: Partial<ClientColumns>,
): Promise<void> {
  await tablesOf<OidcTables>(executor)
    .updateTable('identity.oidc_client')
    .set({ ...columns, updated_at: sql<Date>`now()` })
    .where('client_id', '=', clientId)
    .execute();
}

type SelectedRow = Selectable<OidcClientTable>;

function clientOf(row: SelectedRow): ClientRow {
  return {
    clientId: row.client_id,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    ownerOrgUnitCode: row.owner_org_unit_code,
    secretSealed: row.secret_sealed,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    backchannelLogoutUri: row.backchannel_logout_uri,
    grantTypes: row.grant_types as ClientGrantType[],
    scopes: row.scopes,
    firstParty: row.first_party,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
