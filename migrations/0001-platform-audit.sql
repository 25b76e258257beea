-- The platform's append-only, hash-chained audit log (src/platform/audit/, docs/audit.md).
create schema if not exists platform;

create table platform.audit_log (
  -- Gapless, assigned by the appender under the chain lock (not a sequence, whose values a
  -- rolled-back transaction would skip): a missing number means a removed entry.
  seq         bigint primary key check (seq >= 1),
  -- Millisecond precision, exactly the instant that was hashed.
  at          timestamptz not null,
  actor_type  text not null check (actor_type in ('user', 'system', 'machine', 'anonymous')),
  actor_id    text,
  -- A display name for the audit view, masked; never a resident's full name or ID number.
  actor_name  text,
  -- Dotted: module.entity.verb, e.g. directory.person.update.
  action      text not null check (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  target_type text,
  target_id   text,
  outcome     text not null check (outcome in ('success', 'failure', 'denied')),
  request_id  text,
  -- Ids and masked values only, never raw input.
  details     jsonb not null check (jsonb_typeof(details) = 'object'),
  prev_hash   text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash        text not null check (hash ~ '^[0-9a-f]{64}$'),
  constraint audit_log_actor_named check (actor_type in ('system', 'anonymous') or actor_id is not null),
  constraint audit_log_target_whole check ((target_type is null) = (target_id is null))
);

-- The audit view's questions: what happened to this record, what did this person do, who did this
-- kind of thing in this period. Newest first, so seq (or at) closes each index.
create index audit_log_target_idx on platform.audit_log (target_type, target_id, seq);
create index audit_log_actor_idx on platform.audit_log (actor_id, seq);
create index audit_log_action_at_idx on platform.audit_log (action, at);

-- Append-only in the database itself, whatever the application does. An owner can still disable
-- these triggers; `huitong audit verify` and the off-box head checkpoints are what catch that.
create function platform.audit_log_refuse_change() returns trigger
language plpgsql as $$
begin
  if tg_level = 'ROW' then
    raise exception 'platform.audit_log is append-only: % of entry % refused', tg_op, old.seq
      using errcode = 'insufficient_privilege', hint = 'Audit entries are never changed or removed; see docs/audit.md.';
  end if;
  raise exception 'platform.audit_log is append-only: % refused', tg_op
    using errcode = 'insufficient_privilege', hint = 'Audit entries are never changed or removed; see docs/audit.md.';
end;
$$;

create trigger audit_log_refuse_update_delete
  before update or delete on platform.audit_log
  for each row execute function platform.audit_log_refuse_change();

create trigger audit_log_refuse_truncate
  before truncate on platform.audit_log
  for each statement execute function platform.audit_log_refuse_change();
