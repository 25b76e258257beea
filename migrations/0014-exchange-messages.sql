-- Exchange message log and delivery queue (src/modules/exchange/, docs/exchange.md).
--
-- Every accepted message is one entry of a single hash chain: entry_hash = H(prev_hash ‖ message_hash),
-- where message_hash covers the message's header and its payload's hash, and is signed by the
-- platform's exchange key. Entries get their seq under the lock on log_head, so the chain has no gaps
-- and no forks; each transaction that appends also signs the chain head it leaves (a checkpoint), so a
-- removed tail or a rewritten chain shows, and retention can prune up to a checkpoint.

-- The platform's signing keys. One current key per algorithm; retired keys stay to verify old entries.
create table exchange.signing_key (
  id                 text primary key check (id ~ '^[a-z0-9-]{8,64}$'),
  algorithm          text not null check (algorithm in ('ed25519', 'sm2-sm3')),
  public_key_pem     text not null,
  -- PKCS#8 PEM sealed by the platform key (SecretBox), never stored in clear.
  private_key_sealed text not null,
  created_at         timestamptz not null default now(),
  retired_at         timestamptz
);
create unique index signing_key_current on exchange.signing_key (algorithm) where retired_at is null;

create table exchange.message (
  seq              bigint primary key check (seq > 0),
  id               uuid not null unique,
  source           text not null references exchange.member (id),
  event_id         text not null check (length(event_id) between 1 and 200),
  standard_code    text not null,
  standard_version integer not null,
  classification   text not null check (classification in ('public', 'internal', 'sensitive', 'classified')),
  partition_key    text check (length(partition_key) between 1 and 200),
  correlation_id   text check (length(correlation_id) between 1 and 200),
  subject          text check (length(subject) <= 500),
  event_time       timestamptz,
  received_at      timestamptz not null,
  -- The standard payload (validated against its schema), and, optionally, an attachment streamed into
  -- the blob store beforehand and referenced by its SHA-256 (CloudEvents' dataref extension).
  data             jsonb not null,
  data_size        integer not null check (data_size >= 0),
  data_ref         text check (data_ref ~ '^[0-9a-f]{64}$'),
  data_ref_type    text check (length(data_ref_type) <= 200),
  data_ref_size    bigint check (data_ref_size >= 0),
  algorithm        text not null check (algorithm in ('ed25519', 'sm2-sm3')),
  key_id           text not null references exchange.signing_key (id),
  data_hash        bytea not null,
  message_hash     bytea not null,
  signature        bytea not null,
  prev_hash        bytea not null,
  entry_hash       bytea not null,
  -- A repeat of (source, event id) returns the first result: CloudEvents' own identity of an event.
  unique (source, event_id),
  check ((data_ref is null) = (data_ref_size is null)),
  foreign key (standard_code, standard_version) references exchange.standard_version (standard_code, version)
);
create index message_standard_time on exchange.message (standard_code, received_at);
create index message_source_time on exchange.message (source, received_at);
create index message_time on exchange.message (received_at);
create index message_correlation on exchange.message (correlation_id) where correlation_id is not null;

-- The head of the chain: the one row every appending transaction locks. Genesis is 32 zero bytes.
create table exchange.log_head (
  id          smallint primary key check (id = 1),
  seq         bigint not null,
  entry_hash  bytea not null,
  -- Entries up to here were removed by the retention policy; verification starts after it.
  pruned_seq  bigint not null default 0
);
insert into exchange.log_head (id, seq, entry_hash) values (1, 0, decode(repeat('00', 32), 'hex'));

-- The signed chain head left by each appending transaction.
create table exchange.log_checkpoint (
  seq        bigint primary key,
  entry_hash bytea not null,
  key_id     text not null references exchange.signing_key (id),
  signature  bytea not null,
  created_at timestamptz not null default now()
);

-- Routed copies of messages, one per approved subscription that takes it: the PostgreSQL delivery
-- queue, and the trace of every delivery on either transport. Within one subscription and partition
-- key, a delivery is handed out only when no earlier one is still open, which keeps per-key order.
create table exchange.delivery (
  subscription_id uuid not null references exchange.subscription (id),
  message_seq     bigint not null references exchange.message (seq) on delete cascade,
  partition_key   text,
  mode            text not null check (mode in ('push', 'pull')),
  status          text not null default 'pending' check (status in ('pending', 'leased', 'delivered', 'dead')),
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until     timestamptz,
  lease_token     uuid,
  last_error      text check (length(last_error) <= 1000),
  last_attempt_at timestamptz,
  delivered_at    timestamptz,
  created_at      timestamptz not null default now(),
  primary key (subscription_id, message_seq)
);
create index delivery_due on exchange.delivery (mode, next_attempt_at) where status in ('pending', 'leased');
create index delivery_open_key on exchange.delivery (subscription_id, partition_key, message_seq)
  where status in ('pending', 'leased');
create index delivery_dead on exchange.delivery (subscription_id, message_seq) where status = 'dead';
create index delivery_message on exchange.delivery (message_seq);

-- Attachments streamed in before the message that references them (CloudEvents dataref): who sent
-- which blob, so a member can reference only what it uploaded itself.
create table exchange.attachment (
  sha256       text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  member_id    text not null references exchange.member (id),
  content_type text not null check (length(content_type) <= 200),
  size         bigint not null check (size >= 0),
  uploaded_at  timestamptz not null default now(),
  primary key (member_id, sha256)
);
