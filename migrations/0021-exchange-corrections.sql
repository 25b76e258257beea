-- Corrected resubmits (src/modules/exchange/message-correction.service.ts, docs/exchange.md "Console").
-- A logged message never changes: an operator's corrected payload is logged as a new message, routed
-- only to the subscription whose delivery failed, and the failed delivery is resolved as `superseded`,
-- pointing at the message that replaced it, with who did it and when.
alter table exchange.delivery drop constraint delivery_status_check;
alter table exchange.delivery
  add constraint delivery_status_check
    check (status in ('pending', 'leased', 'delivered', 'dead', 'superseded')),
  add column superseded_by bigint references exchange.message (seq) on delete set null,
  add column resolved_by   text check (length(resolved_by) <= 200),
  add column resolved_at   timestamptz,
  add constraint delivery_superseded_resolved
    check (status <> 'superseded' or (resolved_by is not null and resolved_at is not null));
-- The trace asks which delivery a message corrects.
create index delivery_superseded_by on exchange.delivery (superseded_by) where superseded_by is not null;
