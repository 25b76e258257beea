-- Exchange mappings (src/modules/exchange/mapping.*.ts, docs/exchange.md): per member, standard
-- version and direction, one JSONata expression between the member's native payload (JSON, XML or
-- CSV) and the standard's JSON. Inbound maps what a member publishes to the standard; outbound maps
-- the standard to what a subscriber receives.
create table exchange.mapping (
  member_id        text not null references exchange.member (id) on delete cascade,
  standard_code    text not null,
  standard_version integer not null,
  direction        text not null check (direction in ('inbound', 'outbound')),
  format           text not null check (format in ('json', 'xml', 'csv')),
  -- 64 KiB of JSONata is far more than any real mapping; the bound keeps a row from holding a payload.
  expression       text not null check (length(expression) between 1 and 65536),
  -- Rendering and parsing options: {"xmlRootElement": "RKXX"}, {"csvDelimiter": ";"}.
  options          jsonb not null default '{}'::jsonb check (jsonb_typeof(options) = 'object'),
  -- Bumped on every change: processes key their compiled mappings by it, so an edit made through
  -- any process is seen by all on their next message.
  revision         integer not null default 1 check (revision >= 1),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  -- `user:<person id>` or `system:huitong`.
  updated_by       text not null,
  primary key (member_id, standard_code, standard_version, direction),
  foreign key (standard_code, standard_version)
    references exchange.standard_version (standard_code, version) on delete cascade
);

-- Which members map a standard version (the standard's owner sees who depends on it).
create index mapping_standard_idx on exchange.mapping (standard_code, standard_version);
