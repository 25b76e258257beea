/**
 * The exchange module's public face: the hub as the runtime opens it, its HTTP routes, its command,
 * its metrics, the demo seed, and what a subscriber needs to verify a delivery. Other code imports
 * the exchange from here only.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Policy } from '../../platform/authorization.js';
import type { BlobStore } from '../../platform/blobs/blob-store.js';
import type { Database } from '../../platform/db/database.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { catalogueRoutes } from './catalogue.routes.js';
import type { Exchange } from './exchange.js';
import { mappingRoutes } from './mapping.routes.js';
import { memberRoutes } from './member.routes.js';
import { messageRoutes } from './message.routes.js';
import { standardRoutes } from './standard.routes.js';
import { subscriptionRoutes } from './subscription.routes.js';

export { SIGNATURE_HEADER, verifyDelivery } from './delivery-event.js';
export { seedDemoMembers } from './demo-members.js';
export { seedDemoStandards } from './demo-standards.js';
export { exchangeCommand } from './exchange.command.js';
export { type Exchange, type ExchangeOptions, openExchange } from './exchange.js';
export { CRYPTO_SUITES, type CryptoSuite } from './exchange-crypto.js';
export { exchangeMetrics } from './exchange-metrics.js';
export { verifyMessageLog } from './log-verify.js';
export { type MemberEvent, publishAsMember } from './member-publish.js';
export { publicKeysById } from './signing-key.service.js';

export interface ExchangeRoutesDeps {
  database: Database;
  policy: Policy;
  secrets: SecretBox;
  blobs: BlobStore;
  exchange: Exchange;
}

/**
 * Every HTTP route of the exchange under /api/exchange/v1, as one plugin for `runtime.routes`.
 * @example runtime.routes.push(exchangeRoutes({ database, policy, secrets, blobs, exchange }));
 */
export function exchangeRoutes(deps: ExchangeRoutesDeps): FastifyPluginAsync {
  const { database, policy, secrets, blobs, exchange } = deps;
  const plugins = [
    standardRoutes({ database, policy }),
    memberRoutes({ database, policy, secrets }),
    subscriptionRoutes({ database, policy }),
    catalogueRoutes({ database, policy }),
    mappingRoutes({ database, policy }),
    messageRoutes({ database, policy, blobs, publishing: exchange.publishing, transport: exchange.transport }),
  ];
  return async (app) => {
    for (const plugin of plugins) await app.register(plugin);
  };
}
