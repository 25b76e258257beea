/**
 * One push: the message as the subscriber's CloudEvent (or a batch of them, for a subscription that
 * asked for batches), signed, POSTed to its endpoint with a time limit. A 2xx is delivered; anything else (a refusal, a timeout, a mapping that fails on this
 * message) is a failed attempt, retried with exponential backoff and jitter until the attempt limit,
 * then dead: the console shows why, an operator fixes the mapping or the endpoint and resubmits.
 * Shared by both transports.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { type BackoffPolicy, backoffDelayMs } from '../../platform/events/retry-backoff.js';
import type { ConfigCache } from './config-cache.js';
import {
  deliveryBody,
  deliveryEvent,
  loadMessages,
  outboundMappings,
  SIGNATURE_HEADER,
  signDelivery,
} from './delivery-event.js';
import { postBody } from './push-request.js';
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
  /** The configuration version its lease saw: endpoints and mappings are taken at it or later. */
  configVersion: number;
}

export type PushOutcome = { delivered: true } | { delivered: false; error: string; retryAt: Date; dead: boolean };

interface Endpoint {
  memberId: string;
  endpoint: string | null;
  pushBatchSize: number;
}

/** A delivery rendered for its subscriber, waiting to be POSTed alone or in a batch. */
interface Rendered {
  index: number;
  body: string;
}

export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/**
 * Pushes the leased deliveries (each of a different partition key or none); one outcome per target.
 * A subscription with `pushBatchSize` above 1 gets its deliveries in batches of up to that many, in
 * log order: one POST of a JSON array of the same events, signed once over the whole body. A 2xx
 * delivers the whole batch; anything else is a failed attempt of each delivery in it. Since the
 * targets hold at most one delivery per key, a batch holds at most one too, and batches may go out
 * side by side without reordering a key.
 */
export async function pushDeliveries(
  executor: Executor,
  targets: readonly PushTarget[],
  deps: { signingKey: () => Promise<SigningKey>; policy: DeliveryPolicy; config: ConfigCache },
): Promise<PushOutcome[]> {
  if (targets.length === 0) return [];
  const messages = await loadMessages(
    executor,
    targets.map((target) => target.messageSeq),
  );
  const view = await deps.config.atLeast(executor, Math.max(...targets.map((target) => target.configVersion)));
  const subscriptionIds = [...new Set(targets.map((target) => target.subscriptionId))];
  const endpoints = new Map<string, Endpoint | undefined>();
  for (const id of subscriptionIds) {
    endpoints.set(id, await view.lookup(`push-endpoint:${id}`, () => loadEndpoint(executor, id)));
  }
  const key = await deps.signingKey();
  const mappings = outboundMappings(executor, view);
  const outcomes: PushOutcome[] = targets.map(() => ({ delivered: true }));
  const failed = (index: number, error: string): void => {
    const attempts = targets[index]!.attempts;
    outcomes[index] = {
      delivered: false,
      error,
      dead: attempts >= deps.policy.maxAttempts,
      retryAt: new Date(Date.now() + backoffDelayMs(attempts, deps.policy.backoff)),
    };
  };
  const post = async (url: string, batch: readonly Rendered[], batched: boolean): Promise<void> => {
    const body = batched ? `[${batch.map((entry) => entry.body).join(',')}]` : batch[0]!.body;
    let error: string | null = null;
    try {
      const status = await postBody(
        url,
        {
          'content-type': batched ? BATCH_CONTENT_TYPE : 'application/cloudevents+json',
          [SIGNATURE_HEADER]: signDelivery(body, key),
        },
        body,
        deps.policy.timeoutMs,
      );
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (failure) {
      error = describeFailure(failure);
    }
    if (error !== null) for (const entry of batch) failed(entry.index, error);
  };
  await Promise.all(
    [...groupBySubscription(targets)].map(async ([subscriptionId, indices]) => {
      const endpoint = endpoints.get(subscriptionId);
      const rendered: Rendered[] = [];
      for (const index of indices) {
        const message = messages.get(targets[index]!.messageSeq);
        if (!message || !endpoint?.endpoint) {
          failed(index, 'no endpoint for this subscription');
          continue;
        }
        try {
          rendered.push({
            index,
            body: deliveryBody(await deliveryEvent(executor, message, endpoint.memberId, mappings)),
          });
        } catch (error) {
          failed(index, error instanceof DomainError ? `mapping: ${error.code}` : 'mapping: failed');
        }
      }
      if (!endpoint?.endpoint || rendered.length === 0) return;
      const size = endpoint.pushBatchSize;
      const batches: Rendered[][] = [];
      for (let at = 0; at < rendered.length; at += size) batches.push(rendered.slice(at, at + size));
      await Promise.all(batches.map((batch) => post(endpoint.endpoint!, batch, size > 1)));
    }),
  );
  return outcomes;
}

/** Target indices by subscription, each list in log order. */
function groupBySubscription(targets: readonly PushTarget[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const [index, target] of targets.entries()) {
    const group = groups.get(target.subscriptionId);
    if (group) group.push(index);
    else groups.set(target.subscriptionId, [index]);
  }
  for (const group of groups.values()) group.sort((a, b) => targets[a]!.messageSeq - targets[b]!.messageSeq);
  return groups;
}

async function loadEndpoint(executor: Executor, subscriptionId: string): Promise<Endpoint | undefined> {
  const result = await sql<{ member_id: string; endpoint: string | null; push_batch_size: number }>`
    select member_id, endpoint, push_batch_size from exchange.subscription where id = ${subscriptionId}::uuid`.execute(
    executor,
  );
  const row = result.rows[0];
  return row && { memberId: row.member_id, endpoint: row.endpoint, pushBatchSize: row.push_batch_size };
}

/** Why a request failed, in words an operator can act on; never the payload. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    return (error as NodeJS.ErrnoException).code ?? error.message.slice(0, 200);
  }
  return 'failed';
}
