-- The delivery queue's lease (src/modules/exchange/delivery.repository.ts) reads each subscription's
-- due rows from their own index, so what one subscriber has left open (a consumer that fetches once a
-- day, an endpoint down for hours) no longer costs every other subscriber's lease a walk over it.
-- A lease keeps next_attempt_at at its expiry, so "due" is one range on next_attempt_at, for pending
-- rows and expired leases alike.
update exchange.delivery set next_attempt_at = lease_until where status = 'leased' and lease_until is not null;
-- `next_attempt_at is not null` always holds (the column is not null); it is in the predicate so that
-- only statements that bound next_attempt_at can use this index. Without it the planner, on stale
-- statistics, answered the per-key check (an earlier open row of this key?) from this index by
-- subscription alone: a walk over the subscription's open rows for every candidate.
create index delivery_ready on exchange.delivery (subscription_id, next_attempt_at, message_seq)
  where status in ('pending', 'leased') and next_attempt_at is not null;
-- Read by no statement any more; every index on the table is paid for on every change of a delivery's state.
drop index exchange.delivery_open_seq;
drop index exchange.delivery_due;
