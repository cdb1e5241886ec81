import { describe, expect, it } from 'vitest';
import { isSchedulerError } from '../errors.js';
import { parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    { q: '100m', milli: true, want: 100 },
    { q: '1', milli: true, want: 1000 },
    { q: '1.5', milli: true, want: 1500 },
    { q: '0.0001', milli: true, want: 1 },
    { q: '1Gi', milli: false, want: 1024 ** 3 },
    { q: '500Mi', milli: false, want: 500 * 1024 ** 2 },
    { q: '1k', milli: false, want: 1000 },
    { q: '1M', milli: false, want: 1_000_000 },
    { q: '2e3', milli: false, want: 2000 },
    { q: '1.5Ki', milli: false, want: 1536 },
    { q: '100m', milli: false, want: 1 },
    { q: '0', milli: false, want: 0 },
    { q: 110, milli: false, want: 110 },
  ])('reads $q as $want (milli: $milli), rounding up like resource.Quantity', ({ q, milli, want }) => {
    expect(parseQuantity(q, milli)).toBe(want);
  });

  it.each(['', 'abc', '1Qi', '-1', '1.2.3', '99999999999Ei'])('rejects "%s" with InvalidQuantity', (q) => {
    let err: unknown;
    try {
      parseQuantity(q, false);
    } catch (e) {
      err = e;
    }
    expect(isSchedulerError(err, 'InvalidQuantity')).toBe(true);
  });
});
