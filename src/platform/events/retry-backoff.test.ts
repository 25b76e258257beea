import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './retry-backoff.js';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('backoffDelayMs', () => {
  it('doubles with each failure, half of it random', () => {
    expect([1, 2, 3, 4].map((failures) => backoffDelayMs(failures, policy, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((failures) => backoffDelayMs(failures, policy, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the cap, however many failures', () => {
    expect(backoffDelayMs(7, policy, () => 1)).toBe(60_000);
    expect(backoffDelayMs(10_000, policy, () => 1)).toBe(60_000);
  });

  it('retries at once with a zero base', () => {
    expect(backoffDelayMs(5, { baseMs: 0, maxMs: 0 })).toBe(0);
  });
});
