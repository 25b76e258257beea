-- The OpenID Provider (src/modules/identity/oidc/, docs/oidc.md): the provider's own records
-- (sessions, grants, codes, tokens, interactions), its signing and cookie keys, and the registered
-- systems (clients) that sign their users in through it.
create schema if not exists identity;

-- Everything oidc-provider stores through its adapter, one row per (model, id). Access tokens are
-- opaque, so every API call with one reads its row here: lookups are by primary key.
create table identity.oidc_payload (
  model       text not null,
  id          text not null,
  payload     jsonb not null,
  grant_id    text,
  user_code   text,
  uid         text,
  -- The signed-in person of a Session, so ending a platform session finds that person's sessions.
  account_id  text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  primary key (model, id)
);

create index oidc_payload_uid_idx on identity.oidc_payload (uid) where uid is not null;
create index oidc_payload_user_code_idx on identity.oidc_payload (user_code) where user_code is not null;
create index oidc_payload_grant_idx on identity.oidc_payload (grant_id) where grant_id is not null;
create index oidc_payload_account_idx on identity.oidc_payload (model, account_id) where account_id is not null;
create index oidc_payload_expiry_idx on identity.oidc_payload (expires_at) where expires_at is not null;

-- Signing keys (use 'sig': JWS keys published in the JWKS) and cookie keys (use 'cookie': HMAC keys
-- for the provider's signed cookies). The private part is sealed with the platform key under the
-- context `identity.oidc.key:<kid>`. A key is published before it signs (next), signs (current), and
-- stays published after (retired) until what it signed has expired; then its row is deleted.
create table identity.oidc_signing_key (
  kid          text primary key check (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
  alg          text not null check (alg in ('RS256', 'ES256', 'HS256')),
  use          text not null check (use in ('sig', 'cookie')),
  private_jwk  text not null,
  public_jwk   jsonb,
  state        text not null check (state in ('next', 'current', 'retired')),
  created_at   timestamptz not null default now(),
  activated_at timestamptz,
  retired_at   timestamptz,
  constraint oidc_signing_key_public_for_sig check ((use = 'sig') = (public_jwk is not null)),
  constraint oidc_signing_key_alg_for_use check ((use = 'cookie') = (alg = 'HS256'))
);

-- One current key per algorithm: two would make which one signs a matter of chance.
create unique index oidc_signing_key_one_current on identity.oidc_signing_key (use, alg) where state = 'current';

-- The registered systems (relying parties and resource servers) and who owns each.
create table identity.oidc_client (
  client_id                 text primary key check (client_id ~ '^[a-z][a-z0-9-]{2,62}$'),
  name_zh                   text not null check (length(name_zh) between 1 and 100),
  name_en                   text not null check (length(name_en) between 1 and 100),
  -- The department that owns the system; permissions over it are checked on this unit.
  owner_org_unit_code       text not null,
  -- Sealed with the platform key under `identity.oidc.client:<client_id>`; shown once, never readable again.
  secret_sealed             text not null,
  redirect_uris             text[] not null default '{}',
  post_logout_redirect_uris text[] not null default '{}',
  backchannel_logout_uri    text,
  grant_types               text[] not null
                            check (grant_types <@ array['authorization_code', 'refresh_token', 'client_credentials']
                                   and cardinality(grant_types) > 0),
  scopes                    text[] not null default '{}',
  first_party               boolean not null default false,
  enabled                   boolean not null default true,
  created_at                timestamptz not null default now(),
  updated_at                timestamptz not null default now()
);

create index oidc_client_owner_idx on identity.oidc_client (owner_org_unit_code, client_id);
