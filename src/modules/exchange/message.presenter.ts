/**
 * The trace API's views of messages and deliveries: dates as ISO strings, and the partition key
 * masked, since it is often an identity number (a trace needs to tell keys apart, not read them).
 */
import { maskResidentId } from '../../platform/identifiers/mask.js';
import type { DeliveryRow } from './delivery.repository.js';
import type { MessageDetail, MessageSummary } from './message-trace.service.js';

export function presentMessageSummary(message: MessageSummary) {
  return {
    ...message,
    partitionKey: message.partitionKey === null ? null : maskResidentId(message.partitionKey),
    receivedAt: message.receivedAt.toISOString(),
  };
}

export function presentDelivery(delivery: DeliveryRow) {
  return {
    subscriptionId: delivery.subscriptionId,
    messageSeq: delivery.messageSeq,
    messageId: delivery.messageId,
    source: delivery.source,
    standard: delivery.standardCode,
    memberId: delivery.memberId,
    mode: delivery.mode,
    status: delivery.status,
    attempts: delivery.attempts,
    lastError: delivery.lastError,
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: delivery.nextAttemptAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    receivedAt: delivery.receivedAt.toISOString(),
    supersededBy: delivery.supersededBy,
    resolvedBy: delivery.resolvedBy,
    resolvedAt: delivery.resolvedAt?.toISOString() ?? null,
  };
}

export function presentMessageDetail(detail: MessageDetail) {
  return {
    message: presentMessageSummary(detail.message),
    proof: detail.proof,
    deliveries: detail.deliveries.map(presentDelivery),
    corrects: detail.corrects && { ...detail.corrects, resolvedAt: detail.corrects.resolvedAt.toISOString() },
  };
}
