/**
 * One push: the message as the subscriber's CloudEvent, signed, POSTed to its endpoint with a time
 * limit. A 2xx is delivered; anything else (a refusal, a timeout, a mapping that fails on this
 * message) is a failed attempt, retried with exponential backoff and jitter until the attempt limit,
 * then dead: the console shows why, an operator fixes the mapping or the endpoint and resubmits.
 * Shared by both transports.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { type BackoffPolicy, backoffDelayMs } from '../../platform/events/retry-backoff.js';
import {
  deliveryBody,
  deliveryEvent,
  loadMessages,
  outboundMappings,
  SIGNATURE_HEADER,
  signDelivery,
} from './delivery-event.js';
import type { SigningKey } from './signing-key.service.js';

export interface DeliveryPolicy {
  /** Attempts before a delivery is dead. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** How long one push may take. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 15,
  backoff: { baseMs: 1_000, maxMs: 5 * 60_000 },
  timeoutMs: 10_000,
};

export interface PushTarget {
  subscriptionId: string;
  messageSeq: number;
  attempts: number;
}

export type PushOutcome = { delivered: true } | { delivered: false; error: string; retryAt: Date; dead: boolean };

interface Endpoint {
  memberId: string;
  endpoint: string | null;
}

/**
 * Pushes the leased deliveries (each of a different partition key or none); one outcome per target.
 */
export async function pushDeliveries(
  executor: Executor,
  targets: readonly PushTarget[],
  deps: { signingKey: () => Promise<SigningKey>; policy: DeliveryPolicy },
): Promise<PushOutcome[]> {
  const messages = await loadMessages(
    executor,
    targets.map((target) => target.messageSeq),
  );
  const endpoints = await loadEndpoints(executor, [...new Set(targets.map((target) => target.subscriptionId))]);
  const key = await deps.signingKey();
  const mappings = outboundMappings(executor);
  return Promise.all(
    targets.map(async (target): Promise<PushOutcome> => {
      const failed = (error: string): PushOutcome => ({
        delivered: false,
        error,
        dead: target.attempts >= deps.policy.maxAttempts,
        retryAt: new Date(Date.now() + backoffDelayMs(target.attempts, deps.policy.backoff)),
      });
      const message = messages.get(target.messageSeq);
      const endpoint = endpoints.get(target.subscriptionId);
      if (!message || !endpoint?.endpoint) return failed('no endpoint for this subscription');
      let body: string;
      try {
        body = deliveryBody(await deliveryEvent(executor, message, endpoint.memberId, mappings));
      } catch (error) {
        return failed(error instanceof DomainError ? `mapping: ${error.code}` : 'mapping: failed');
      }
      try {
        const response = await fetch(endpoint.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json', [SIGNATURE_HEADER]: signDelivery(body, key) },
          body,
          signal: AbortSignal.timeout(deps.policy.timeoutMs),
          redirect: 'error',
        });
        await response.body?.cancel();
        return response.ok ? { delivered: true } : failed(`HTTP ${response.status}`);
      } catch (error) {
        return failed(describeFailure(error));
      }
    }),
  );
}

async function loadEndpoints(executor: Executor, subscriptionIds: readonly string[]): Promise<Map<string, Endpoint>> {
  const result = await sql<{ id: string; member_id: string; endpoint: string | null }>`
    select id, member_id, endpoint from exchange.subscription where id = any(${subscriptionIds}::uuid[])`.execute(
    executor,
  );
  return new Map(result.rows.map((row) => [row.id, { memberId: row.member_id, endpoint: row.endpoint }]));
}

/** Why a request failed, in words an operator can act on; never the payload. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${cause.code}` : error.message.slice(0, 200);
  }
  return 'failed';
}
