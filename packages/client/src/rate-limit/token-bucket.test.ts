import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('reserves tokens in line, owing the ones not yet minted', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(10, 2, clock);
    expect([b.reserve(), b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 100, 200]);
  });

  it('refills at qps up to the burst, never beyond', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(10, 2, clock);
    b.reserve();
    b.reserve();
    clock.advance(60_000);
    expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    clock.advance(100);
    expect(b.tryTake()).toBe(true);
  });

  it.each([0, -1, Infinity])('does not limit at all with qps %s', (qps) => {
    const b = new TokenBucket(qps, 1);
    for (let i = 0; i < 1000; i++) expect(b.reserve()).toBe(0);
  });

  it('refuses a burst below one token', () => {
    expect(() => new TokenBucket(5, 0)).toThrow(RangeError);
  });
});
