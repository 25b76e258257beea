-- Provisioning (src/modules/provisioning/, docs/provisioning.md): the district's mail addresses, the
-- SCIM 2.0 service provider for downstream systems (mail, office, departmental systems), its groups
-- and the bearer tokens those systems hold.
create schema if not exists provisioning;

-- One mailbox (统一邮箱) per person. An address is never given to anyone else, so a removed mailbox
-- keeps its row and its address.
create table provisioning.mailbox (
  person_id    uuid primary key,
  address      text not null unique
               check (address = lower(address) and address ~ '^[a-z0-9]([a-z0-9.]*[a-z0-9])?@[a-z0-9.-]+$'),
  status       text not null check (status in ('pending', 'active', 'suspended', 'removed')),
  -- When the mail system first confirmed the mailbox: a reactivated person gets back an active
  -- mailbox only if it had ever been active, otherwise it is pending again.
  activated_at timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

-- The directory's people as SCIM shows them: a read model kept by the directory's
-- `directory.person.changed` events (and by the SCIM writes themselves, in their transaction), so
-- SCIM filters, sorting and paging run as SQL on this module's own table. The directory stays the
-- source of truth; external_id is the one value owned here (set by the downstream system).
create table provisioning.person_replica (
  person_id            uuid primary key,
  staff_no             text not null unique,
  -- SCIM userName: the staff account's username when there is one, else the staff number in lower case.
  user_name            text not null unique check (user_name = lower(user_name)),
  external_id          text check (length(external_id) between 1 and 200),
  name                 text not null,
  family_name          text not null,
  given_name           text not null,
  mobile               text,
  status               text not null check (status in ('active', 'suspended', 'left')),
  primary_org_unit_code text,
  primary_org_unit_name text,
  title                text,
  organization         text,
  person_created_at    timestamptz not null,
  person_updated_at    timestamptz not null,
  -- The last change of a value owned here (external_id).
  updated_at           timestamptz not null default now()
);

-- A token's view: the people whose primary post lies in its owner unit's subtree.
create index person_replica_unit_idx on provisioning.person_replica (primary_org_unit_code);
create index person_replica_external_id_idx on provisioning.person_replica (external_id);

-- "group" is a reserved word: quoted here, and Kysely quotes every identifier.
create table provisioning."group" (
  id           uuid primary key default gen_random_uuid(),
  display_name text not null unique check (length(btrim(display_name)) between 1 and 200),
  external_id  text check (length(external_id) between 1 and 200),
  -- The owner unit of the token that made it: a token sees only the groups made under its subtree.
  owner_org_unit_code text not null,
  version      integer not null default 1 check (version >= 1),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

create table provisioning.group_member (
  group_id  uuid not null references provisioning."group" (id) on delete cascade,
  person_id uuid not null,
  primary key (group_id, person_id)
);

create index group_member_person_idx on provisioning.group_member (person_id);

-- A bearer token per downstream system. Only the SHA-256 of the token is kept: the token itself
-- (256 random bits) is shown once, when it is made.
create table provisioning.scim_token (
  id                  uuid primary key default gen_random_uuid(),
  name                text not null check (length(btrim(name)) between 1 and 100),
  owner_org_unit_code text not null,
  token_hash          text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  scopes              text[] not null check (scopes <@ array['read', 'write']::text[] and cardinality(scopes) >= 1),
  created_by          text not null,
  created_at          timestamptz not null default now(),
  last_used_at        timestamptz,
  revoked_at          timestamptz
);

-- The one statement of this file outside its own schema: writes through SCIM are made by a machine
-- actor (`scim:<token id>`), and the directory's history must be able to name it.
alter table directory.person_history drop constraint person_history_actor_type_check;
alter table directory.person_history
  add constraint person_history_actor_type_check check (actor_type in ('user', 'system', 'machine'));
