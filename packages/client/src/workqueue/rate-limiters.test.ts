import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { BucketRateLimiter, ExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from './rate-limiters.js';

describe('ExponentialFailureRateLimiter', () => {
  it.each([
    { failures: 1, delay: 5 },
    { failures: 2, delay: 10 },
    { failures: 3, delay: 20 },
    { failures: 11, delay: 5120 },
    { failures: 18, delay: 655_360 },
    { failures: 19, delay: 1_000_000 },
    { failures: 2000, delay: 1_000_000 },
  ])('gives the $failures-th failure of an item a $delay ms delay', ({ failures, delay }) => {
    const rl = new ExponentialFailureRateLimiter<string>(5, 1_000_000);
    let last = 0;
    for (let i = 0; i < failures; i++) last = rl.when('a');
    expect(last).toBe(delay);
    expect(rl.numRequeues('a')).toBe(failures);
  });

  it('keeps separate histories per item and starts over after forget', () => {
    const rl = new ExponentialFailureRateLimiter<string>(5, 1000);
    rl.when('a');
    rl.when('a');
    expect(rl.when('b')).toBe(5);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
    expect(rl.when('a')).toBe(5);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through at once, then spaces retries by 1/qps', () => {
    const clock = new ManualClock();
    const rl = new BucketRateLimiter<string>(10, 3, clock);
    expect([rl.when(), rl.when(), rl.when(), rl.when(), rl.when()]).toEqual([0, 0, 0, 100, 200]);
    clock.advance(1000);
    // Two tokens were owed; ten more seconds' worth refill caps at the burst.
    expect(rl.when()).toBe(0);
  });
});

describe('MaxOfRateLimiter', () => {
  it('waits for the slower of per-item backoff and the overall bucket', () => {
    const clock = new ManualClock();
    const rl = new MaxOfRateLimiter<string>(new ExponentialFailureRateLimiter(5, 1000), new BucketRateLimiter(1, 1, clock));
    expect(rl.when('a')).toBe(5); // bucket has a token; backoff says 5
    expect(rl.when('b')).toBe(1000); // bucket empty: the next token is a second away
    expect(rl.numRequeues('a')).toBe(1);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
  });

  it('is the default controller limiter: 5 ms first retry, bucket of 100 at 10/s', () => {
    const clock = new ManualClock();
    const rl = defaultControllerRateLimiter<string>({ clock });
    const delays = Array.from({ length: 101 }, (_, i) => rl.when(`item-${i}`));
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays[100]).toBeCloseTo(100, 6);
  });
});
