/**
 * How repeated sign-in failures slow an account down and then lock it (GB/T 22239-2019 §8.1.4.1 b:
 * 登录失败处理功能, 限制非法登录次数). The numbers, and why (docs/identity.md has the table):
 *
 * - The first 3 failures cost nothing: people mistype, and caps lock happens.
 * - From the 3rd failure on, the next attempt must wait 2^(n−3) s (1, 2, 4 … capped at 60 s) after the
 *   last failure. An attempt that comes sooner is answered at once with `identity.sign_in_throttled` and
 *   the seconds to wait, without checking the password: no sleeping request holds a connection, and a
 *   guesser gains nothing by being fast.
 * - The 10th consecutive failure locks the account for 15 minutes. While locked every attempt fails
 *   with the same `identity.sign_in_failed` as a wrong password, so the lock reveals nothing. When the
 *   lock runs out the count is not reset: each further failure locks again at once, so a guesser gets
 *   about four tries an hour, while the owner (or an administrator with `unlockAccount`) is never
 *   locked out for longer than 15 minutes at a time.
 * - A success resets the count. So does an administrator's unlock.
 *
 * A wrong TOTP or recovery code after a right password counts as a failure like a wrong password:
 * otherwise the six digits could be guessed at full speed by anyone who knows the password.
 */

import { createHash } from 'node:crypto';

/** Failures answered without any wait. */
export const THROTTLE_FREE_FAILURES = 3;
export const THROTTLE_MAX_DELAY_SECONDS = 60;
/** Consecutive failures that lock the account. */
export const LOCKOUT_FAILURES = 10;
export const LOCKOUT_DURATION_MS = 15 * 60 * 1000;

export interface ThrottleState {
  failedCount: number;
  lastFailedAt: Date | null;
  lockedUntil: Date | null;
}

export type AttemptVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'locked' }
  | { allowed: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * The wait, in seconds, before the attempt after `failedCount` consecutive failures.
 * @example throttleDelaySeconds(2); // 0
 * @example throttleDelaySeconds(5); // 4
 */
export function throttleDelaySeconds(failedCount: number): number {
  if (failedCount < THROTTLE_FREE_FAILURES) return 0;
  return Math.min(2 ** (failedCount - THROTTLE_FREE_FAILURES), THROTTLE_MAX_DELAY_SECONDS);
}

/**
 * Whether an attempt may check the password now.
 * @example attemptVerdict({ failedCount: 4, lastFailedAt: oneSecondAgo, lockedUntil: null }, now); // throttled, retry after 1 s
 */
export function attemptVerdict(state: ThrottleState, now: Date): AttemptVerdict {
  if (state.lockedUntil && state.lockedUntil.getTime() > now.getTime()) return { allowed: false, reason: 'locked' };
  const delayMs = throttleDelaySeconds(state.failedCount) * 1000;
  if (delayMs === 0 || !state.lastFailedAt) return { allowed: true };
  const waitMs = state.lastFailedAt.getTime() + delayMs - now.getTime();
  if (waitMs <= 0) return { allowed: true };
  return { allowed: false, reason: 'throttled', retryAfterSeconds: Math.ceil(waitMs / 1000) };
}

/**
 * When a failure that brings the count to `failedCount` locks the account, or null when it does not.
 * @example lockedUntilAfter(10, now); // now + 15 min
 */
export function lockedUntilAfter(failedCount: number, now: Date): Date | null {
  return failedCount >= LOCKOUT_FAILURES ? new Date(now.getTime() + LOCKOUT_DURATION_MS) : null;
}

/**
 * Failures of logins that name no account, throttled like real ones so that a 429 after a few tries
 * does not tell that an account exists. In memory, keyed by a digest of the login: never written
 * anywhere, and a restart forgets them, which gives a guesser nothing (there is no account to guess
 * at). With several processes each keeps its own count. The oldest entry goes first beyond `capacity`.
 * @example
 * const verdict = unknownLogins.verdict(`staff\n${login}`, now);
 * if (verdict.allowed) unknownLogins.recordFailure(`staff\n${login}`, now);
 */
export class UnknownLoginThrottle {
  readonly #states = new Map<string, ThrottleState>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  verdict(login: string, now: Date): AttemptVerdict {
    return attemptVerdict(this.#states.get(keyOf(login)) ?? NO_FAILURES, now);
  }

  recordFailure(login: string, now: Date): void {
    const key = keyOf(login);
    const failedCount = (this.#states.get(key)?.failedCount ?? 0) + 1;
    // Delete then set: the entry moves to the end, so the map's order is least recently failed first.
    this.#states.delete(key);
    this.#states.set(key, { failedCount, lastFailedAt: now, lockedUntil: lockedUntilAfter(failedCount, now) });
    if (this.#states.size > this.#capacity) this.#states.delete(this.#states.keys().next().value!);
  }
}

const NO_FAILURES: ThrottleState = { failedCount: 0, lastFailedAt: null, lockedUntil: null };

function keyOf(login: string): string {
  return createHash('sha256').update(login).digest('hex');
}
