/**
 * Case numbers (办件编号): who took the application in, the day, and a sequence of that prefix and
 * day — `C01-20261126-000123` at centre C01, `WS-20261126-000001` for the first online application
 * (网上申请) of the day. The sequence is taken inside the intake's transaction, so a number is never
 * given twice and a rolled-back intake gives its number back.
 */
import type { Executor } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { takeSequence } from './case.repository.js';

/** The prefix of online applications. */
export const ONLINE_PREFIX = 'WS';
/** Six digits a day per prefix: no centre takes in a million applications a day. */
const MAX_SEQUENCE = 999_999;

/**
 * The next number for `prefix` on `day` (`YYYY-MM-DD`, the civil date in China).
 * @example await nextCaseNumber(tx, 'C01', '2026-11-26') // 'C01-20261126-000123'
 */
export async function nextCaseNumber(executor: Executor, prefix: string, day: string): Promise<string> {
  const sequence = await takeSequence(executor, prefix, day);
  if (sequence > MAX_SEQUENCE) throw new DomainError('internal', 'cases.numbers_exhausted', { prefix, day });
  return `${prefix}-${day.replaceAll('-', '')}-${String(sequence).padStart(6, '0')}`;
}
