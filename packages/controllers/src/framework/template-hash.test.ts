import { describe, expect, it } from 'vitest';
import { scaledValue, resolveFenceposts } from './int-or-percent.js';
import { templateHash, templatesEqualIgnoringHash } from './template-hash.js';

describe('templateHash', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };

  it('is stable under key order and uses only the safe alphabet', () => {
    const reordered = { spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    expect(templateHash(t)).toBe(templateHash(reordered));
    expect(templateHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('changes with the template and with the collision count', () => {
    const other = { ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } };
    expect(templateHash(other)).not.toBe(templateHash(t));
    expect(templateHash(t, 1)).not.toBe(templateHash(t));
  });

  it('compares templates ignoring the pod-template-hash label', () => {
    const hashed = { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
    expect(templatesEqualIgnoringHash(t, hashed)).toBe(true);
    expect(templatesEqualIgnoringHash(t, { ...hashed, metadata: { labels: { app: 'api', 'pod-template-hash': 'abc' } } })).toBe(false);
  });
});

describe('IntOrString values', () => {
  it.each([
    { v: 2, total: 10, up: true, want: 2 },
    { v: '25%', total: 3, up: true, want: 1 },
    { v: '25%', total: 3, up: false, want: 0 },
    { v: '50%', total: 5, up: false, want: 2 },
    { v: '7', total: 5, up: false, want: 7 },
    { v: undefined, total: 4, up: true, want: 1 },
  ])('$v of $total (round up: $up) is $want', ({ v, total, up, want }) => expect(scaledValue(v, total, up, '25%')).toBe(want));

  it('never lets both fenceposts be zero', () => {
    expect(resolveFenceposts(0, 0, 3)).toEqual({ surge: 0, unavailable: 1 });
  });

  it('rejects a malformed value', () => {
    expect(() => scaledValue('lots', 3, true, 0)).toThrow(/invalid value/);
  });
});
