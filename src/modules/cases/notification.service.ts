/**
 * The applicant's notifications: one for each change of their case, newest first, shown on the
 * portal's account page (an SMS gateway would read the same rows).
 */
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, ValidationError } from '../../platform/errors.js';
import { DEFAULT_CASE_PAGE_LIMIT, MAX_CASE_PAGE_LIMIT, type Notification } from './case.js';
import { markRead, selectNotifications } from './case.repository.js';
import './cases.messages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A page of an account's notifications, newest first.
 * @throws ValidationError `cases.query_invalid`
 * @example const { items, total } = await listNotifications(db, accountId, { limit: 20, offset: 0 });
 */
export async function listNotifications(
  executor: Executor,
  accountId: string,
  page: { limit?: number | undefined; offset?: number | undefined } = {},
): Promise<{ items: Notification[]; total: number; limit: number; offset: number }> {
  const limit = page.limit ?? DEFAULT_CASE_PAGE_LIMIT;
  const offset = page.offset ?? 0;
  const errors: FieldError[] = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CASE_PAGE_LIMIT)
    errors.push({ pointer: '/limit', reason: 'range' });
  if (!Number.isInteger(offset) || offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (errors.length > 0) throw new ValidationError('cases.query_invalid', errors, { count: errors.length });
  if (!UUID.test(accountId)) return { items: [], total: 0, limit, offset };
  return { ...(await selectNotifications(executor, accountId, { limit, offset })), limit, offset };
}

/**
 * Marks an account's notifications up to and including id `upTo` read; returns how many were unread.
 * @throws ValidationError `cases.invalid` (`/upTo`)
 * @example await markNotificationsRead(db, accountId, items[0].id);
 */
export async function markNotificationsRead(
  executor: Executor,
  accountId: string,
  upTo: number,
  clock: () => Date = () => new Date(),
): Promise<number> {
  if (!Number.isSafeInteger(upTo) || upTo < 1) {
    throw new ValidationError('cases.invalid', [{ pointer: '/upTo', reason: 'range' }], { count: 1 });
  }
  if (!UUID.test(accountId)) return 0;
  return markRead(executor, accountId, upTo, clock());
}
