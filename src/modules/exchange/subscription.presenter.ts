/** Subscriptions → the API's shape: dates as ISO strings. */
import type { Subscription } from './subscription.js';
import type { SubscriptionView } from './subscription.schema.js';

export function presentSubscription(subscription: Subscription): SubscriptionView {
  return {
    id: subscription.id,
    memberId: subscription.memberId,
    standardCode: subscription.standardCode,
    filter: subscription.filter,
    mode: subscription.mode,
    endpoint: subscription.endpoint,
    pushBatchSize: subscription.pushBatchSize,
    status: subscription.status,
    reason: subscription.reason,
    requestedBy: subscription.requestedBy,
    decidedBy: subscription.decidedBy,
    decidedAt: subscription.decidedAt?.toISOString() ?? null,
    createdAt: subscription.createdAt.toISOString(),
    updatedAt: subscription.updatedAt.toISOString(),
  };
}
