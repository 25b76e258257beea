/** The OpenID Provider's own tables (schema `identity`, migration 0007), as Kysely sees them. */
import type { ColumnType } from 'kysely';

export interface OidcPayloadTable {
  model: string;
  id: string;
  // Written as JSON text (jsonb), read back as a value.
  payload: ColumnType<Record<string, unknown>, string, string>;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  account_id: string | null;
  expires_at: Date | null;
  consumed_at: Date | null;
}

export type SigningKeyState = 'next' | 'current' | 'retired';
export type SigningKeyUse = 'sig' | 'cookie';
export type SigningKeyAlg = 'RS256' | 'ES256' | 'HS256';

export interface OidcSigningKeyTable {
  kid: string;
  alg: SigningKeyAlg;
  use: SigningKeyUse;
  private_jwk: string;
  public_jwk: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  state: SigningKeyState;
  created_at: ColumnType<Date, Date | undefined, never>;
  activated_at: Date | null;
  retired_at: Date | null;
}

export interface OidcClientTable {
  client_id: string;
  name_zh: string;
  name_en: string;
  owner_org_unit_code: string;
  secret_sealed: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri: string | null;
  grant_types: string[];
  scopes: string[];
  first_party: boolean;
  enabled: boolean;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface OidcTables {
  'identity.oidc_payload': OidcPayloadTable;
  'identity.oidc_signing_key': OidcSigningKeyTable;
  'identity.oidc_client': OidcClientTable;
}
