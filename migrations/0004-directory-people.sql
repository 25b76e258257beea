-- People and posts in the directory (src/modules/directory/, docs/directory.md): the civil servants
-- of the district, the positions they hold in the organisation tree, and the history of each change.
-- The directory is the one source of truth for them; mail and office accounts follow its events.

create table directory.person (
  id          uuid primary key default gen_random_uuid(),
  -- The HR number (工号): what HR files, imports and other systems refer to a person by.
  staff_no    text not null unique check (staff_no ~ '^[A-Z0-9]{4,20}$'),
  name        text not null check (length(name) between 1 and 100),
  -- Mainland mobile numbers only, stored bare (no +86); unique when present, so it can sign in.
  mobile      text unique check (mobile ~ '^1[3-9][0-9]{9}$'),
  email       text check (length(email) between 3 and 254),
  status      text not null default 'active' check (status in ('active', 'suspended', 'left')),
  -- The day the current status took effect.
  status_from date not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

-- A person holding a position (职务) in an org unit. A post is current while valid_to is null;
-- valid_to is the first day it is no longer held.
create table directory.post (
  id          uuid primary key default gen_random_uuid(),
  person_id   uuid not null references directory.person (id),
  org_unit_id uuid not null references directory.org_unit (id),
  title       text not null check (length(btrim(title)) between 1 and 50),
  is_primary  boolean not null default false,
  valid_from  date not null,
  valid_to    date,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint post_ends_after_start check (valid_to is null or valid_to >= valid_from),
  -- An ended post is history: it stays in the record but is nobody's primary post any more.
  constraint post_ended_not_primary check (valid_to is null or not is_primary)
);

-- At most one current primary post per person; the service keeps it at exactly one while the person
-- holds any post (the first post becomes primary, ending the primary promotes another).
create unique index post_one_primary on directory.post (person_id) where is_primary and valid_to is null;
-- The same position twice at once is a mistake (and would make re-imports ambiguous).
create unique index post_current_unique on directory.post (person_id, org_unit_id, title) where valid_to is null;
-- Who holds a post in a unit (listing by unit and subtree).
create index post_current_unit_idx on directory.post (org_unit_id, person_id) where valid_to is null;

-- What changed on a person, when and by whom. Personal values (name, mobile, email) are stored
-- masked: the history says that the mobile changed, not what it was.
create table directory.person_history (
  id         bigserial primary key,
  person_id  uuid not null references directory.person (id),
  at         timestamptz not null default now(),
  change     text not null
             check (change in ('created', 'updated', 'post_assigned', 'post_primary_set', 'post_ended')),
  -- [{ "field": "mobile", "from": "139****0001", "to": "139****0002" }, …]
  changes    jsonb not null check (jsonb_typeof(changes) = 'array'),
  actor_type text not null check (actor_type in ('user', 'system')),
  actor_id   text not null check (length(actor_id) between 1 and 200)
);

create index person_history_person_idx on directory.person_history (person_id, id);

-- Append-only in the database itself, as the audit log is.
create function directory.person_history_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'directory.person_history is append-only: % refused', tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

create trigger person_history_refuse_update_delete
  before update or delete on directory.person_history
  for each row execute function directory.person_history_refuse_change();
