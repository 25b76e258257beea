/**
 * Subscriptions: a member asks to receive a standard's messages (optionally only those a JSONata
 * filter accepts), by push to its HTTPS endpoint or by pull; the standard's owner approves.
 */
import type { Zone } from './member.js';

export const SUBSCRIPTION_MODES = ['push', 'pull'] as const;
export type SubscriptionMode = (typeof SUBSCRIPTION_MODES)[number];

export const SUBSCRIPTION_STATUSES = ['pending', 'approved', 'rejected', 'revoked'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Statuses that hold the member's one place for a standard: a new request waits until these end. */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ['pending', 'approved'];

export const MAX_FILTER_LENGTH = 4000;
export const MAX_ENDPOINT_LENGTH = 2000;
export const MAX_REASON_LENGTH = 500;
/** Deliveries one batched push may carry (migration 0020 checks it too). */
export const MAX_PUSH_BATCH_SIZE = 500;

export interface Subscription {
  id: string;
  memberId: string;
  standardCode: string;
  filter: string | null;
  mode: SubscriptionMode;
  endpoint: string | null;
  /** Push: deliveries sent together in one POST; 1 sends each event on its own. */
  pushBatchSize: number;
  status: SubscriptionStatus;
  /** Why it was rejected or revoked. */
  reason: string | null;
  requestedBy: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SubscriptionInput {
  /** The member; a member calling for itself may leave it out. */
  memberId?: string | undefined;
  standardCode: string;
  mode: string;
  endpoint?: string | null | undefined;
  filter?: string | null | undefined;
  /** Push only; 1 when left out. */
  pushBatchSize?: number | undefined;
}

/** Where the router sends a standard's messages. */
export interface RouteTarget {
  subscriptionId: string;
  memberId: string;
  memberZone: Zone;
  mode: SubscriptionMode;
  endpoint: string | null;
  filter: string | null;
}
