-- Exchange members, publication rights and subscriptions (src/modules/exchange/member*.ts,
-- subscription*.ts, docs/exchange.md). A member is a departmental system; its id is its OIDC client
-- id (identity.oidc_client), which is not a foreign key: the client is registered in the same
-- transaction by the member service, and disabling one disables the other.
create table exchange.member (
  id                  text primary key check (id ~ '^[a-z][a-z0-9-]{2,62}$'),
  name_zh             text not null check (length(btrim(name_zh)) between 1 and 100),
  name_en             text not null check (length(btrim(name_en)) between 1 and 100),
  -- The department that owns the system: exchange.manage over it is checked on every change.
  owner_org_unit_code text not null,
  -- A sensitive or classified message is never delivered to an external (internet-facing) member.
  zone                text not null default 'internal' check (zone in ('internal', 'external')),
  status              text not null default 'enabled' check (status in ('enabled', 'disabled')),
  -- [{ name, phone, email }]: personal data, masked for readers who do not manage the owner unit.
  contacts            jsonb not null default '[]'::jsonb check (jsonb_typeof(contacts) = 'array'),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);

create index member_owner_idx on exchange.member (owner_org_unit_code, id);

-- Who may publish under a standard: granted by the standard's owner unit.
create table exchange.publisher (
  standard_code text not null references exchange.standard (code),
  member_id     text not null references exchange.member (id),
  granted_by    text,
  granted_at    timestamptz not null default now(),
  primary key (standard_code, member_id)
);

create index publisher_member_idx on exchange.publisher (member_id);

-- A member's subscription to a standard (any version), approved by the standard's owner unit.
create table exchange.subscription (
  id            uuid primary key default gen_random_uuid(),
  member_id     text not null references exchange.member (id),
  standard_code text not null references exchange.standard (code),
  -- A JSONata boolean expression over the standard payload; null delivers everything.
  filter        text check (filter is null or length(filter) between 1 and 4000),
  mode          text not null check (mode in ('push', 'pull')),
  -- Push only: https://, or http:// to a loopback host for development (checked by the service).
  endpoint      text check (endpoint is null or length(endpoint) between 1 and 2000),
  status        text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'revoked')),
  -- Why it was rejected or revoked.
  reason        text check (reason is null or length(reason) between 1 and 500),
  requested_by  text,
  decided_by    text,
  decided_at    timestamptz,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  constraint subscription_endpoint_for_push check ((mode = 'push') = (endpoint is not null))
);

-- One live subscription per member and standard: a second request waits until the first is rejected or revoked.
create unique index subscription_live_idx on exchange.subscription (member_id, standard_code)
  where status in ('pending', 'approved');
-- Routing reads the approved subscriptions of a standard on every publish.
create index subscription_route_idx on exchange.subscription (standard_code) where status = 'approved';
create index subscription_status_idx on exchange.subscription (status, created_at);
