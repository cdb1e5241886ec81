import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  const make = () => {
    let now = 0;
    const b = new Backoff({ initialMs: 10_000, maxMs: 300_000, now: () => now });
    return { b, at: (t: number) => (now = t) };
  };

  it('restarts the first time at once, then waits 10 s doubling up to 300 s', () => {
    const { b, at } = make();
    const waits: number[] = [];
    let t = 0;
    for (let i = 0; i < 8; i++) {
      const c = b.check('k', t);
      waits.push(c.waiting ? c.until - t : 0);
      at(c.until);
      b.next('k', t);
      t = c.until + 1;
      at(t);
    }
    expect(waits).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it.each([
    ['ten minutes up', 10 * 60_000 + 1, false],
    ['five minutes up', 5 * 60_000, true],
  ])('after a container stayed %s, the back-off starts over: %s', (_what, upMs, stillWaiting) => {
    const { b, at } = make();
    b.next('k', 0);
    b.next('k', 0);
    at(upMs);
    expect(b.check('k', upMs).waiting).toBe(stillWaiting);
  });

  it('forgets every key of a pod', () => {
    const { b } = make();
    b.next('uid1/a', 0);
    b.next('uid1/b', 0);
    b.next('uid2/a', 0);
    b.forget('uid1/');
    expect([b.delay('uid1/a'), b.delay('uid1/b'), b.delay('uid2/a')]).toEqual([0, 0, 10_000]);
  });
});
