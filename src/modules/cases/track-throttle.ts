/**
 * The per-address limit on anonymous tracking (GET /track and POST /track/rating share one): a case
 * number plus six characters of an id number is a secret of modest strength, so guessing it must be
 * slow. Like public-account registration (identity's REGISTRATION_LIMIT), a sliding window of
 * attempts per client address, answered with `cases.track_throttled` and the seconds to wait. Unlike
 * it, the window is kept in memory: tracking writes nothing, a restart forgetting the count gives a
 * guesser a few dozen tries, and with several processes each keeps its own count.
 */
import { RateLimitedError } from '../../platform/errors.js';
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'cases.track_throttled': { zh: '查询过于频繁', en: 'Too many tracking requests' },
  'cases.track_throttled.detail': {
    zh: '来自此网络地址的办件查询过多，请在 {retryAfterSeconds} 秒后再试。',
    en: 'Too many cases were looked up from this network address; try again in {retryAfterSeconds} seconds.',
  },
});

/**
 * Lookups an address may make in a window. 30 in 10 minutes is more than an applicant checking their
 * case needs, and lets a service centre's hall (one address for every terminal) serve its visitors.
 */
export const TRACK_LIMIT = Object.freeze({ max: 30, windowMs: 10 * 60 * 1000 });

export interface TrackThrottleOptions {
  max?: number;
  windowMs?: number;
  /** Addresses remembered at most; the least recently seen is forgotten first. */
  capacity?: number;
  clock?: () => Date;
}

/**
 * A throttle: resolves when `ip` may look a case up now (and counts it), else throws RateLimitedError.
 * @example const throttle = trackThrottle(); await throttle(request.ip);
 */
export function trackThrottle(options: TrackThrottleOptions = {}): (ip: string) => Promise<void> {
  const max = options.max ?? TRACK_LIMIT.max;
  const windowMs = options.windowMs ?? TRACK_LIMIT.windowMs;
  const capacity = options.capacity ?? 10_000;
  const clock = options.clock ?? (() => new Date());
  const attempts = new Map<string, number[]>();
  return async (ip) => {
    const now = clock().getTime();
    const key = ip || 'unknown';
    const recent = (attempts.get(key) ?? []).filter((at) => at > now - windowMs);
    // Delete then set: the map's order is least recently seen first, for the capacity cut.
    attempts.delete(key);
    attempts.set(key, recent);
    if (attempts.size > capacity) attempts.delete(attempts.keys().next().value!);
    if (recent.length >= max) {
      throw new RateLimitedError('cases.track_throttled', Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000)));
    }
    recent.push(now);
  };
}
