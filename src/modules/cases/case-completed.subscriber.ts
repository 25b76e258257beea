/**
 * Completed cases go to the data exchange (issue part 7): on each `cases.case.completed`, the case's
 * 办件信息 record (`case-record` standard) is published as the exchange member that stands for the
 * one-window system (HUITONG_CASES_EXCHANGE_MEMBER, `zwfw-ycsl` by default). The CloudEvents id is
 * the case number, so a redelivered event is one message in the log, never two.
 *
 * When the member is missing, disabled or may not publish the standard (or the standard is not
 * there), that is a setting to fix, not a fault to retry: it is logged once, without personal data,
 * and the event is passed over. Any other failure is retried by the dispatcher and parked after its
 * attempts run out.
 *
 * Where it publishes: on PostgreSQL inside the delivery, so a failure rolls the delivery back and the
 * dispatcher tries again (at least once). PGlite has one session, held by the delivery's transaction
 * until it commits, so there the record is read in the delivery and published right after it commits;
 * a failure then is logged and not tried again (an embedded platform is one process: nothing else
 * would publish it either).
 */

import { DomainError, ForbiddenError, ValidationError } from '../../platform/errors.js';
import type { EventDispatcher } from '../../platform/events/dispatcher.js';
import { type Exchange, publishAsMember } from '../exchange/index.js';
import { CASE_COMPLETED_EVENT, type CaseCompletedEvent, type CaseRecord } from './case.js';
import { caseRecordOf } from './case.service.js';

/** The subscriber's stable name: it keys the dispatcher's cursor. */
export const CASE_RECORD_SUBSCRIBER = 'cases.exchange-case-record';
/** The 办件信息 standard and the version caseRecordOf writes. */
export const CASE_RECORD_STANDARD = { code: 'case-record', version: 1 } as const;

export interface CaseSubscriptionDeps {
  exchange: Pick<Exchange, 'publishing'>;
  /** The member that publishes completed cases (HUITONG_CASES_EXCHANGE_MEMBER). */
  memberId: string;
  /** Publish inside the delivery (PostgreSQL) or right after it commits (PGlite, one session). */
  publishInDelivery: boolean;
  logger: { warn(details: object, message: string): void; error(details: object, message: string): void };
}

/**
 * Subscribes the cases module to its own events; call before `events.start()`.
 * @example subscribeCases(runtime.events, { exchange, memberId: 'zwfw-ycsl', publishInDelivery: true, logger });
 */
export function subscribeCases(events: EventDispatcher, deps: CaseSubscriptionDeps): void {
  const warned = new Set<string>();
  const publish = async (number: string, record: CaseRecord, completedAt: Date) => {
    try {
      await publishAsMember(deps.exchange, deps.memberId, {
        id: number,
        standardCode: CASE_RECORD_STANDARD.code,
        standardVersion: CASE_RECORD_STANDARD.version,
        data: record,
        subject: number,
        partitionKey: number,
        time: completedAt,
      });
    } catch (error) {
      if (!(error instanceof ForbiddenError || error instanceof ValidationError)) throw error;
      if (warned.has(error.code)) return;
      warned.add(error.code);
      // The code, the member and the failing fields' pointers: never the record's values.
      const fields = error instanceof ValidationError ? error.fields.map((field) => field.pointer) : [];
      deps.logger.warn(
        { memberId: deps.memberId, code: error.code, fields },
        'completed cases are not sent to the exchange: the member cannot publish case-record (logged once)',
      );
    }
  };
  events.subscribe(CASE_RECORD_SUBSCRIBER, { types: [CASE_COMPLETED_EVENT] }, async (event, tx) => {
    const { caseId, number } = event.payload as CaseCompletedEvent;
    const record = await caseRecordOf(tx, caseId);
    if (deps.publishInDelivery) {
      await publish(number, record, event.occurredAt);
      return;
    }
    setImmediate(() => {
      publish(number, record, event.occurredAt).catch((error: unknown) =>
        deps.logger.error(
          { caseId, code: error instanceof DomainError ? error.code : 'internal' },
          'a completed case could not be sent to the exchange',
        ),
      );
    });
  });
}
