/**
 * The exchange as the runtime holds it: the signing suite, the group-committing message log, and
 * the delivery transport (the PostgreSQL queue, or NATS JetStream when configured), opened together
 * and closed in reverse. Every process publishes and serves pulls; pushing starts with
 * `transport.start()`, which `huitong serve` calls in the roles `worker` and `all`.
 */
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/database.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { ConfigCache } from './config-cache.js';
import { algorithmOf, type CryptoSuite } from './exchange-crypto.js';
import { MessageLog } from './message-log.js';
import { PostgresTransport } from './pg-transport.js';
import type { PublishDeps } from './publish.service.js';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './push-delivery.js';
import { currentSigningKey, type SigningKey } from './signing-key.service.js';
import type { DeliveryTransport, TransportDeps } from './transport.js';

export interface ExchangeOptions {
  database: Database;
  secrets: SecretBox;
  logger: Logger;
  suite: CryptoSuite;
  /** Largest standard payload of one message, in bytes of canonical JSON. */
  maxDataBytes: number;
  delivery?: Partial<DeliveryPolicy>;
  /** NATS with JetStream carries push deliveries when set (nats-transport.ts); else the PostgreSQL queue. */
  natsUrl?: string | undefined;
  /** Names the JetStream stream, subjects and consumer (nats-transport.ts `natsNames`); default `huitong`. */
  natsName?: string;
  /** Another transport (tests); wins over `natsUrl`. */
  openTransport?: (deps: TransportDeps) => Promise<DeliveryTransport>;
}

export interface Exchange {
  log: MessageLog;
  transport: DeliveryTransport;
  publishing: PublishDeps;
  signingKey: () => Promise<SigningKey>;
  close(): Promise<void>;
}

/**
 * @example const exchange = await openExchange({ database, secrets, logger, suite: 'international', maxDataBytes: 1 << 20 });
 */
export async function openExchange(options: ExchangeOptions): Promise<Exchange> {
  const { database, secrets, logger } = options;
  const algorithm = algorithmOf(options.suite);
  let cached: Promise<SigningKey> | null = null;
  // The current key is read once per process; a rotation takes effect on the next start.
  const signingKey = () => {
    cached ??= currentSigningKey(database.kysely, algorithm, secrets).catch((error) => {
      cached = null;
      throw error;
    });
    return cached;
  };
  const policy: DeliveryPolicy = {
    ...DEFAULT_DELIVERY_POLICY,
    ...options.delivery,
    backoff: options.delivery?.backoff ?? DEFAULT_DELIVERY_POLICY.backoff,
  };
  const config = new ConfigCache();
  const transportDeps: TransportDeps = { database, signingKey, policy, logger, config };
  const transport = options.openTransport
    ? await options.openTransport(transportDeps)
    : options.natsUrl
      ? // Loaded only when configured: a deployment on the PostgreSQL queue never loads the NATS client.
        await openNats(options.natsUrl, options.natsName ?? 'huitong', transportDeps)
      : new PostgresTransport(transportDeps);
  const log = new MessageLog({
    database,
    signingKey,
    config,
    onRouted: (deliveries) => transport.routed(deliveries),
    logger,
  });
  return {
    log,
    transport,
    signingKey,
    publishing: { database: database.kysely, log, signingKey, config, maxDataBytes: options.maxDataBytes },
    async close() {
      await log.settled();
      await transport.close();
    },
  };
}

/** The NATS transport under this platform's names, its module loaded only now. */
async function openNats(url: string, name: string, deps: TransportDeps): Promise<DeliveryTransport> {
  const { openNatsTransport, natsNames } = await import('./nats-transport.js');
  return openNatsTransport(url, natsNames(name))(deps);
}
