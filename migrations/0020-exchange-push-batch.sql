-- Batched push (src/modules/exchange/push-delivery.ts, docs/exchange.md "Push delivery"): a push
-- subscription may take up to push_batch_size deliveries in one signed POST
-- (application/cloudevents-batch+json). 1 is one event per POST, as before.
alter table exchange.subscription
  add column push_batch_size integer not null default 1
    constraint subscription_push_batch_size check (push_batch_size between 1 and 500);

-- The push lease walks open push rows in log order and stops after its limit, instead of gathering
-- every due row of a deep backlog and sorting them on each round.
create index delivery_open_seq on exchange.delivery (mode, message_seq) where status in ('pending', 'leased');
