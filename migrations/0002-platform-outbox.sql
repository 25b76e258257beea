-- Domain events through a transactional outbox (src/platform/events/, docs/events.md): a module
-- records an event in the same transaction as its change; the dispatcher delivers it to every
-- subscriber at least once, in order per aggregate.
create schema if not exists platform;

create table platform.outbox_event (
  id             bigserial primary key,
  -- The recording transaction. Ids are handed out before commit, so on PostgreSQL they do not tell
  -- commit order; the dispatcher reads only rows whose transaction is below the oldest one still
  -- running (pg_snapshot_xmin), in (xid, id) order, so a late commit is never jumped over.
  xid            xid8 not null default pg_current_xact_id(),
  aggregate_type text not null check (aggregate_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'),
  aggregate_id   text not null check (length(aggregate_id) between 1 and 200),
  -- Dotted: module.entity.past_tense_verb, e.g. cases.case.completed.
  type           text not null check (type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  payload        jsonb not null,
  occurred_at    timestamptz not null default now(),
  request_id     text
);

-- The dispatcher's scan: past a subscriber's cursor, in (xid, id) order.
create index outbox_event_position_idx on platform.outbox_event (xid, id);
-- The per-aggregate order checks ask for events of one aggregate recorded earlier but by a later
-- transaction; those are few and recent, so the index ends in xid.
create index outbox_event_aggregate_idx on platform.outbox_event (aggregate_type, aggregate_id, xid);

-- How far each subscriber has read: every event at or before (xid, event_id) has been delivered
-- to it, skipped by its type filter, or put into outbox_held. Its row is also the subscriber's lock:
-- one worker process at a time delivers to a subscriber.
create table platform.outbox_cursor (
  subscriber text primary key check (subscriber ~ '^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$'),
  xid        xid8 not null default '0',
  event_id   bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Events held back from one subscriber: those whose delivery failed (retried with backoff, then
-- parked for an operator), and those waiting behind an earlier held event of the same aggregate,
-- so that per-aggregate order survives a failure. Delivered rows are deleted.
create table platform.outbox_held (
  subscriber      text not null references platform.outbox_cursor (subscriber) on delete cascade,
  event_id        bigint not null references platform.outbox_event (id),
  -- Copied from the event: the order checks look held events up by aggregate.
  aggregate_type  text not null,
  aggregate_id    text not null,
  -- Failed deliveries of this event; 0 for one that only waits behind its aggregate.
  attempts        integer not null default 0 check (attempts >= 0),
  -- The handler's last error, truncated.
  last_error      text check (length(last_error) <= 2000),
  held_at         timestamptz not null default now(),
  next_attempt_at timestamptz not null default now(),
  -- Out of attempts (or behind one that is): waits for an operator's retry.
  parked          boolean not null default false,
  primary key (subscriber, event_id)
);

create index outbox_held_aggregate_idx on platform.outbox_held (subscriber, aggregate_type, aggregate_id);
