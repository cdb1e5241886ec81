import { describe, expect, it } from 'vitest';
import { nowNsBig, rfc3339Nano } from './clock.js';

describe('rfc3339Nano', () => {
  it.each([
    [1_795_000_000_123_456_789n, '2026-11-18T11:06:40.123456789Z'],
    [1_795_000_000_120_000_000n, '2026-11-18T11:06:40.12Z'],
    [1_795_000_000_000_000_000n, '2026-11-18T11:06:40Z'],
    [1_795_000_000_000_000_001n, '2026-11-18T11:06:40.000000001Z'],
  ])('formats %s ns as %s, trimming trailing zeros like Go', (ns, expected) => {
    expect(rfc3339Nano(ns)).toBe(expected);
  });
});

describe('nowNsBig', () => {
  it('never returns the same or an earlier time twice', () => {
    let previous = nowNsBig();
    for (let i = 0; i < 1000; i++) {
      const t = nowNsBig();
      expect(t > previous).toBe(true);
      previous = t;
    }
  });
});
