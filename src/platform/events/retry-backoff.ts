/** When to try a failed delivery again. */

export interface BackoffPolicy {
  /** The wait after the first failure, in milliseconds; it doubles with each further failure. */
  baseMs: number;
  /** The longest wait, in milliseconds. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 10 * 60_000 };

/**
 * The wait before the next attempt after `failures` failed ones: exponential, capped, with "equal
 * jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): half the wait is fixed,
 * half random, so retries of events that failed together (a downstream outage) spread out instead
 * of returning in one wave, yet never come back at once.
 * @example backoffDelayMs(3, { baseMs: 1000, maxMs: 60_000 }) // between 2000 and 4000
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // The exponent is capped so that a long-parked event's count cannot overflow to Infinity.
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
