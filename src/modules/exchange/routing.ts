/**
 * Routing: which approved subscriptions take a message. Runs inside the publish transaction, so a
 * message is logged and routed together or not at all; the log writes the delivery rows with the
 * messages (message-log.ts).
 *
 * The zone rule is enforced here, whatever a subscription says: a sensitive or classified message
 * never goes to a member in the external zone. Approval refuses such subscriptions already; this is
 * the check that holds when a member's zone changed after approval or a row was altered by hand.
 * Each refusal is audited.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Executor } from '../../platform/db/database.js';
import { evaluateExpression } from './jsonata-expression.js';
import type { LoggedMessage } from './message.js';
import type { Classification } from './standard.js';
import type { RouteTarget } from './subscription.service.js';

export interface RoutedDelivery {
  subscriptionId: string;
  messageSeq: number;
  partitionKey: string | null;
  mode: 'push' | 'pull';
}

const INTERNAL_ONLY: ReadonlySet<Classification> = new Set(['sensitive', 'classified']);

/**
 * Whether a message of this classification may go to a member in this zone.
 * @example mayCross('sensitive', 'external') // false
 */
export function mayCross(classification: Classification, zone: RouteTarget['memberZone']): boolean {
  return zone === 'internal' || !INTERNAL_ONLY.has(classification);
}

/**
 * The deliveries of logged messages, with `targetsOf` giving a standard's approved subscriptions
 * (routeTargets, cached for the transaction's configuration version); audits each zone refusal in `tx`.
 */
export async function routeMessages(
  tx: Executor,
  messages: LoggedMessage[],
  targetsOf: (standardCode: string) => Promise<RouteTarget[]>,
): Promise<RoutedDelivery[]> {
  const routed: RoutedDelivery[] = [];
  for (const message of messages) {
    const targets = await targetsOf(message.standardCode);
    for (const target of targets) {
      if (target.memberId === message.source) continue; // a system does not receive its own messages
      if (message.routeTo && !message.routeTo.includes(target.subscriptionId)) continue;
      if (!mayCross(message.classification, target.memberZone)) {
        await recordAudit(tx, {
          actor: { type: 'system', id: 'exchange' },
          action: 'exchange.delivery.refused',
          target: { type: 'exchange.message', id: message.id },
          outcome: 'denied',
          details: {
            reason: 'zone',
            subscriptionId: target.subscriptionId,
            memberId: target.memberId,
            classification: message.classification,
            zone: target.memberZone,
          },
        });
        continue;
      }
      if (target.filter !== null && !(await matches(target.filter, message.data))) continue;
      routed.push({
        subscriptionId: target.subscriptionId,
        messageSeq: message.seq,
        partitionKey: message.partitionKey,
        mode: target.mode,
      });
    }
  }
  return routed;
}

/** A filter that fails to evaluate on a message does not take it: a broken filter must not leak data. */
async function matches(filter: string, data: unknown): Promise<boolean> {
  try {
    return Boolean(await evaluateExpression(filter, data));
  } catch {
    return false;
  }
}
