-- The directory's organisation tree (src/modules/directory/, docs/directory.md): the district, its
-- departments, towns and streets, service centres and offices. Every module scopes by it.
create schema if not exists directory;

create table directory.org_unit (
  id            uuid primary key default gen_random_uuid(),
  -- Stable and human-readable (HT, D01, T01, C00…): what other systems and people refer to.
  code          text not null unique check (code ~ '^[A-Z][A-Z0-9-]{1,31}$'),
  parent_id     uuid references directory.org_unit (id),
  kind          text not null
                check (kind in ('district', 'department', 'town', 'street', 'service_centre', 'office')),
  name_zh       text not null check (length(name_zh) between 1 and 200),
  name_en       text not null check (length(name_en) between 1 and 200),
  short_name_zh text check (length(short_name_zh) between 1 and 50),
  sort_order    integer not null default 0 check (sort_order >= 0),
  status        text not null default 'active' check (status in ('active', 'dissolved')),
  valid_from    date not null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  -- The district is the root and the root is the district: every other unit hangs somewhere.
  constraint org_unit_only_root_has_no_parent check ((parent_id is null) = (kind = 'district')),
  constraint org_unit_not_own_parent check (parent_id <> id)
);

-- One tree, one root.
create unique index org_unit_one_root on directory.org_unit ((true)) where parent_id is null;
-- Children of a unit, and the recursive walks down the tree.
create index org_unit_parent_idx on directory.org_unit (parent_id, sort_order, code);
