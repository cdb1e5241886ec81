import { describe, expect, it } from 'vitest';
import { canonicalQuantity, compareQuantities, isValidQuantity, parseQuantity } from './quantity.js';

describe('quantities', () => {
  it.each([
    ['100m', '100m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1Gi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['1024Mi', '1Gi'],
    ['512', '512'],
    ['1e3', '1e3'],
    ['2E6', '2e6'],
    ['0', '0'],
    ['-1', '-1'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['123Mi', '123Mi'],
    ['0.1234567891', '123456790n'],
  ])('prints %s canonically as %s', (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  it.each(['', 'abc', '1.2.3', '1Ki2', '--1', '1 Gi', 'Gi'])('rejects the malformed quantity %j', (input) => {
    expect(isValidQuantity(input)).toBe(false);
  });

  it.each([
    ['1Gi', '1024Mi', 0],
    ['1G', '1Gi', -1],
    ['500m', '0.5', 0],
    ['2', '1999m', 1],
  ])('compares %s with %s as %i', (a, b, want) => {
    expect(Math.sign(compareQuantities(parseQuantity(a), parseQuantity(b)))).toBe(want);
  });

  it('hands out one shared, frozen result per text, and still refuses bad input every time', () => {
    const a = parseQuantity('250m');
    expect(parseQuantity('250m')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(parseQuantity(0.25)).toEqual(a);
    for (let i = 0; i < 2; i++) expect(() => parseQuantity('12Q')).toThrow();
  });
});
