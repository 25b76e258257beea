/**
 * Releasing parked events for another round of delivery: the one rule behind both the dispatcher's
 * `retryParked` and `huitong events retry`, so the two cannot drift apart.
 */
import type { Database } from '../db/database.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { findParked, lockCursor, releaseParked } from './delivery.repository.js';
import './events.messages.js';

/**
 * Releases a subscriber's parked events (all of them, or one aggregate's from `eventId`, which must be
 * that aggregate's first parked event, so order is kept) and returns how many were released.
 * A subscriber counts as known when it has a cursor: every subscriber that ever ran has one.
 * @example const released = await releaseParkedEvents(database, 'archives.completed-cases', 1042);
 */
export async function releaseParkedEvents(database: Database, subscriber: string, eventId?: number): Promise<number> {
  return database.transaction(async (tx) => {
    // Waits for a batch in hand, so the release cannot interleave with a delivery to this subscriber.
    if (!(await lockCursor(tx, subscriber, false)))
      throw new NotFoundError('events.subscriber_unknown', { subscriber });
    if (eventId === undefined) return releaseParked(tx, subscriber);
    const parked = await findParked(tx, subscriber, eventId);
    if (!parked) throw new NotFoundError('events.parked_not_found', { subscriber, eventId });
    if (parked.firstEventId !== eventId) throw new ConflictError('events.parked_not_first', { eventId, ...parked });
    return releaseParked(tx, subscriber, parked);
  });
}
