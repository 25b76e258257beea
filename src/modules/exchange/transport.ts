/**
 * How routed deliveries travel from the log to subscribers: one interface, two implementations.
 * The PostgreSQL queue (pg-transport.ts) is the default and runs on PGlite; NATS JetStream
 * (nats-transport.ts, when `NATS_URL` is set) carries push deliveries across worker processes at
 * scale. Either way the publish transaction writes the delivery rows, so routing is durable before
 * any transport sees it, and the rows record each delivery's outcome for the console and the trace.
 */
import type { Logger } from 'pino';
import type { JsonValue } from '../../platform/audit/canonical-json.js';
import type { Database } from '../../platform/db/database.js';
import type { ConfigCache } from './config-cache.js';
import type { DeliveryPolicy } from './push-delivery.js';
import type { RoutedDelivery } from './routing.js';
import type { SigningKey } from './signing-key.service.js';

export type TransportName = 'postgres' | 'nats';

export interface PulledDelivery {
  /** What the consumer sends back to `ack` or `nack`; valid while the lease lasts. */
  ackId: string;
  event: Record<string, JsonValue>;
  /** `Huitong-Signature` of `deliveryBody(event)`. */
  signature: string;
  /** Which attempt this is (1 for the first). */
  attempt: number;
}

export interface DeliveryTransport {
  readonly name: TransportName;
  /** Told after a publish committed what it routed, so push deliveries go out without waiting for a poll. */
  routed(deliveries: readonly RoutedDelivery[]): void;
  /** Starts pushing to subscribers' endpoints (a process of role `worker` or `all`). */
  start(): Promise<void>;
  /** Leases up to `max` deliveries of a pull subscription for `leaseMs`, oldest first, per-key order kept. */
  fetch(subscriptionId: string, max: number, leaseMs: number): Promise<PulledDelivery[]>;
  /** Confirms deliveries; returns how many were still leased to the caller. */
  ack(subscriptionId: string, ackIds: readonly string[]): Promise<number>;
  /** Gives deliveries back for a later attempt (with backoff). */
  nack(subscriptionId: string, ackIds: readonly string[]): Promise<number>;
  /** Stops pushing and waits for pushes in flight. */
  close(): Promise<void>;
}

/** What a transport is opened with: the database its rows are in, the key it signs with, the retry policy. */
export interface TransportDeps {
  database: Database;
  signingKey: () => Promise<SigningKey>;
  policy: DeliveryPolicy;
  logger: Logger;
  /** The process's configuration cache: pushes take subscriptions' endpoints and outbound mappings from it. */
  config: ConfigCache;
}
