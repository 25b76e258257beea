import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../platform/errors.js';
import { trackThrottle } from './track-throttle.js';

const caught = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('the tracking throttle', () => {
  it('lets an address look up `max` cases in a window, then says how long to wait', async () => {
    let now = new Date('2024-03-04T02:00:00Z');
    const throttle = trackThrottle({ max: 3, windowMs: 60_000, clock: () => now });
    for (let n = 0; n < 3; n++) await throttle('10.0.0.1');
    now = new Date(now.getTime() + 20_000);
    const refused = await caught(throttle('10.0.0.1'));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ code: 'cases.track_throttled', retryAfterSeconds: 40 });
    expect(await caught(throttle('10.0.0.2'))).toBeUndefined();
    // The oldest lookups leave the window; a refused one never counted.
    now = new Date(now.getTime() + 40_001);
    expect(await caught(throttle('10.0.0.1'))).toBeUndefined();
  });

  it('forgets the least recently seen address beyond its capacity', async () => {
    const throttle = trackThrottle({ max: 1, capacity: 2 });
    await throttle('a');
    await throttle('b');
    await throttle('c');
    expect(await caught(throttle('a'))).toBeUndefined();
    expect(await caught(throttle('c'))).toBeInstanceOf(RateLimitedError);
  });
});
