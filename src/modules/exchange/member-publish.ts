/**
 * Publishing from inside the platform: a module that holds data a standard carries (completed cases
 * under `case-record`) publishes it as the exchange member that stands for it. The event goes through
 * the same checks as a member's own HTTP call (an enabled member, its publication right, its mapping,
 * the standard's schema, the size limit) into the same signed log, so subscribers cannot tell the two
 * apart and the right to publish stays the exchange administrators' decision.
 */
import { eventType } from './event-type.js';
import type { Exchange } from './exchange.js';
import type { Appended } from './message-log.js';
import { publish } from './publish.service.js';

export interface MemberEvent {
  /**
   * The CloudEvents id. The log keeps one message per member and id: publishing the same id again is
   * answered `duplicate` and delivers nothing, so a retried publication is harmless.
   */
  id: string;
  standardCode: string;
  standardVersion: number;
  /** The standard's payload, checked against its schema. */
  data: unknown;
  subject?: string | undefined;
  /** Deliveries with the same key keep their order. */
  partitionKey?: string | undefined;
  time?: Date | undefined;
}

export type { Appended };

/**
 * Publishes one JSON event as `memberId`.
 * @throws ForbiddenError `exchange.not_a_member` / `exchange.member_disabled` / `exchange.publish_not_permitted`;
 *   ValidationError `exchange.event_invalid` (the payload against the schema, or an unknown standard)
 * @example
 * const { seq, duplicate } = await publishAsMember(runtime.exchange, 'zwfw-ycsl', {
 *   id: 'C01-20260105-000001', standardCode: 'case-record', standardVersion: 1, data: record });
 */
export async function publishAsMember(
  exchange: Pick<Exchange, 'publishing'>,
  memberId: string,
  event: MemberEvent,
): Promise<Appended> {
  const cloudEvent = {
    specversion: '1.0',
    id: event.id,
    source: memberId,
    type: eventType(event.standardCode, event.standardVersion),
    datacontenttype: 'application/json',
    data: event.data,
    ...(event.subject === undefined ? {} : { subject: event.subject }),
    ...(event.partitionKey === undefined ? {} : { partitionkey: event.partitionKey }),
    ...(event.time === undefined ? {} : { time: event.time.toISOString() }),
  };
  const [appended] = await publish(exchange.publishing, memberId, [cloudEvent], { batch: false });
  return appended!;
}
