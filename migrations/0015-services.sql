-- The service catalogue 政务服务事项 (src/modules/services/, docs/services.md): each item as a
-- national implementation list (国家政务服务事项实施清单) carries it, versioned. Drafts are edited;
-- publishing a version makes it the one the portal shows; earlier published versions stay readable,
-- because cases name the version they were applied under.
create schema if not exists services;

update access.role
   set permissions = permissions || array['services.manage']
 where code in ('platform.system_admin', 'platform.department_admin');

-- The item: its implementation code (实施编码, see docs/services.md for the pattern) and the unit
-- that handles it, over which `services.manage` is checked. `published_version` is the version the
-- portal shows; null before the first publication and after a withdrawal.
create table services.item (
  code              text primary key
                    check (code ~ '^[0-9A-HJ-NPQRTUWXY]{18}-(01|04|05|07|08|09|10|20)[0-9]{8}$'),
  department_code   text not null,
  published_version integer,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);

create table services.item_version (
  item_code             text not null references services.item (code) on delete cascade,
  version               integer not null check (version > 0),
  -- draft → published → superseded (a later version was published) or withdrawn (taken off the portal).
  status                text not null default 'draft'
                        check (status in ('draft', 'published', 'superseded', 'withdrawn')),
  -- What the public list filters and sorts on, as columns; everything else is in `details`.
  name_zh               text not null check (length(name_zh) between 1 and 200),
  name_en               text not null check (length(name_en) between 1 and 300),
  type                  text not null check (type in ('administrative_licence', 'administrative_payment',
                          'administrative_confirmation', 'administrative_levy', 'administrative_ruling',
                          'administrative_reward', 'other_administrative_power', 'public_service')),
  department_code       text not null,
  online                boolean not null,
  any_centre            boolean not null,
  centre_codes          text[] not null default '{}',
  statutory_limit_days  integer not null check (statutory_limit_days between 0 and 3650),
  promised_limit_days   integer not null check (promised_limit_days between 0 and 3650),
  -- Legal basis, conditions, materials, fees, result and the application form (a JSON Schema). json,
  -- not jsonb: jsonb reorders object keys, and the order of a form's properties is the order of its fields.
  details               json not null,
  published_at          timestamptz,
  withdrawn_at          timestamptz,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  primary key (item_code, version),
  check (promised_limit_days <= statutory_limit_days),
  check (not (any_centre and cardinality(centre_codes) > 0))
);

-- At most one draft and one published version per item.
create unique index item_version_one_draft on services.item_version (item_code) where status = 'draft';
create unique index item_version_one_published on services.item_version (item_code) where status = 'published';
create index item_version_published_idx on services.item_version (department_code, type, name_zh)
  where status = 'published';

alter table services.item
  add constraint item_published_version foreign key (code, published_version)
  references services.item_version (item_code, version) deferrable initially deferred;

-- A version that was published is what cases were applied under: its content never changes, and
-- it never goes back to draft. The service refuses this first; the trigger keeps any other writer honest.
create function services.item_version_refuse_change() returns trigger
language plpgsql as $$
begin
  if old.status <> 'draft' and (
       new.details::text is distinct from old.details::text
       or new.name_zh is distinct from old.name_zh
       or new.name_en is distinct from old.name_en
       or new.type is distinct from old.type
       or new.department_code is distinct from old.department_code
       or new.online is distinct from old.online
       or new.any_centre is distinct from old.any_centre
       or new.centre_codes is distinct from old.centre_codes
       or new.statutory_limit_days is distinct from old.statutory_limit_days
       or new.promised_limit_days is distinct from old.promised_limit_days
       or new.item_code is distinct from old.item_code
       or new.version is distinct from old.version
       or new.status = 'draft') then
    raise exception 'services.item_version %.v% is %: its content is fixed', old.item_code, old.version, old.status
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end;
$$;

create trigger item_version_refuse_change
  before update on services.item_version
  for each row execute function services.item_version_refuse_change();
