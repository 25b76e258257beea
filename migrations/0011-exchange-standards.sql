-- Exchange data standards (src/modules/exchange/standard.*, docs/exchange.md): named, versioned JSON
-- Schemas that every message is validated against, the data-element dictionary their properties
-- point at (`x-data-element`), and the code lists their values are drawn from (`x-code-list`).
create schema if not exists exchange;

-- Code lists such as GB/T 2261.1 (sex) or GB/T 2260 (administrative divisions). The id is the
-- standard's number made safe for URLs and schema keywords: `GB/T 2261.1` → `gb-t-2261.1`.
create table exchange.code_list (
  id          text primary key check (id ~ '^[a-z0-9]+([.-][a-z0-9]+)*$' and length(id) <= 60),
  name_zh     text not null check (length(name_zh) between 1 and 200),
  name_en     text not null check (length(name_en) between 1 and 200),
  -- The published reference as people write it (`GB/T 2261.1-2003`), shown beside the name.
  source      text check (length(source) between 1 and 200),
  description text check (length(description) <= 2000),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table exchange.code_list_entry (
  code_list_id text not null references exchange.code_list (id) on delete cascade,
  value        text not null check (length(value) between 1 and 100),
  label_zh     text not null check (length(label_zh) between 1 and 200),
  label_en     text check (length(label_en) between 1 and 200),
  -- Hierarchical lists (a district under its city under its province) name the parent's value.
  parent_value text,
  position     integer not null default 0 check (position >= 0),
  primary key (code_list_id, value),
  -- Deferred: the entries of a list are replaced as a whole, children may come before parents.
  constraint code_list_entry_parent foreign key (code_list_id, parent_value)
    references exchange.code_list_entry (code_list_id, value) deferrable initially deferred,
  constraint code_list_entry_not_own_parent check (parent_value is null or parent_value <> value)
);

create index code_list_entry_order_idx on exchange.code_list_entry (code_list_id, position, value);

-- The data-element dictionary: one meaning, one name, used by every standard that carries it.
create table exchange.data_element (
  id            text primary key check (id ~ '^DE[0-9]{5}$'),
  name_zh       text not null check (length(name_zh) between 1 and 200),
  name_en       text not null check (length(name_en) between 1 and 200),
  definition_zh text check (length(definition_zh) <= 2000),
  definition_en text check (length(definition_en) <= 2000),
  data_type     text not null default 'string'
                check (data_type in ('string', 'integer', 'number', 'boolean', 'object', 'array')),
  -- A JSON Schema format (date, date-time, email…) or a named pattern, for people reading the dictionary.
  format        text check (length(format) between 1 and 100),
  code_list_id  text references exchange.code_list (id),
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

create table exchange.standard (
  code                text primary key check (code ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' and length(code) <= 60),
  name_zh             text not null check (length(name_zh) between 1 and 200),
  name_en             text not null check (length(name_en) between 1 and 200),
  description         text check (length(description) <= 4000),
  -- The department that owns the standard; `exchange.manage` is checked over this unit.
  owner_org_unit_code text not null,
  -- Sensitive (personal data) and classified messages never go to an external-zone member.
  classification      text not null default 'internal'
                      check (classification in ('public', 'internal', 'sensitive', 'classified')),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);

create index standard_owner_idx on exchange.standard (owner_org_unit_code, code);

create table exchange.standard_version (
  standard_code  text not null references exchange.standard (code) on delete cascade,
  version        integer not null check (version > 0),
  status         text not null default 'draft' check (status in ('draft', 'published', 'deprecated')),
  schema         jsonb not null,
  -- What changed, for the people who map to it.
  change_note    text check (length(change_note) <= 4000),
  -- The compatibility report against the previous published version, kept as it was at publishing.
  compatibility  jsonb,
  breaking       boolean,
  published_at   timestamptz,
  deprecated_at  timestamptz,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  primary key (standard_code, version)
);

create index standard_version_status_idx on exchange.standard_version (standard_code, status, version);

-- Published versions are what messages were validated against and what is cached in every
-- process: their schema never changes, and they never go back to draft. The service refuses
-- this first; the trigger keeps any other writer honest.
create function exchange.standard_version_refuse_change() returns trigger
language plpgsql as $$
begin
  if old.status <> 'draft' and (
       new.schema is distinct from old.schema
       or new.standard_code is distinct from old.standard_code
       or new.version is distinct from old.version
       or new.status = 'draft'
       or (old.status = 'deprecated' and new.status <> 'deprecated')) then
    raise exception 'exchange.standard_version %.v% is %: its schema and status are fixed',
      old.standard_code, old.version, old.status
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end;
$$;

create trigger standard_version_refuse_change
  before update on exchange.standard_version
  for each row execute function exchange.standard_version_refuse_change();
