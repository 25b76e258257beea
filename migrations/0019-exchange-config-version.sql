-- The exchange configuration's version (src/modules/exchange/config-cache.ts, docs/exchange.md
-- "Caches"): one counter, bumped in the same transaction as any change to the rows publishing and
-- routing read (members, publication rights, mappings, subscriptions, standards). Every process keeps
-- those rows cached; each publish transaction reads the counter next to the log head, and a message
-- prepared under an older version is prepared again, so a change is in force for every publish that
-- commits after it, in every process sharing the database, by SQL by hand as well as by the services.
create table exchange.config_version (
  id      smallint primary key check (id = 1),
  version bigint not null
);
insert into exchange.config_version (id, version) values (1, 1);

create function exchange.bump_config_version() returns trigger
  language plpgsql as $$
begin
  update exchange.config_version set version = version + 1 where id = 1;
  return null;
end;
$$;

-- Statement triggers: one bump per changing statement, however many rows it touches.
create trigger member_config_version
  after insert or update or delete or truncate on exchange.member
  for each statement execute function exchange.bump_config_version();
create trigger publisher_config_version
  after insert or update or delete or truncate on exchange.publisher
  for each statement execute function exchange.bump_config_version();
create trigger mapping_config_version
  after insert or update or delete or truncate on exchange.mapping
  for each statement execute function exchange.bump_config_version();
create trigger subscription_config_version
  after insert or update or delete or truncate on exchange.subscription
  for each statement execute function exchange.bump_config_version();
create trigger standard_config_version
  after insert or update or delete or truncate on exchange.standard
  for each statement execute function exchange.bump_config_version();
create trigger standard_version_config_version
  after insert or update or delete or truncate on exchange.standard_version
  for each statement execute function exchange.bump_config_version();
