import { deepCopy, type KubeObject } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { encodeObject } from './object-codec.js';
import { sameEncodingIgnoringManagedFields } from './same-encoding.js';
import { seededRandom as rng } from '../../test-util/seeded-random.js';

/** The reference: encode both without managedFields and compare the bytes (what the write path did before). */
const strip = (o: KubeObject) => encodeObject({ ...o, metadata: { ...o.metadata, managedFields: undefined } });
const reference = (a: KubeObject, b: KubeObject) => strip(a).equals(strip(b));

const base = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', resourceVersion: '5', labels: { a: 'b', c: 'd' }, managedFields: [{ manager: 'm' }] as any },
  spec: { containers: [{ name: 'app', image: 'i', ports: [{ containerPort: 80 }] }], priority: 0, flag: true, list: [1, 'x', null] },
  status: { phase: 'Pending' },
});

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// Changes that may or may not change the stored JSON; the reference decides which.
const tweaks: ((o: any, r: () => number) => void)[] = [
  (o) => (o.metadata.managedFields = [{ manager: 'other' }]),
  (o) => (o.metadata.resourceVersion = '99'),
  (o) => (o.spec.priority = -0),
  (o) => (o.spec.priority = 1),
  (o) => (o.spec.priority = '0'),
  (o) => (o.spec.priority = Number.NaN),
  (o) => (o.spec.list[2] = Number.POSITIVE_INFINITY),
  (o) => (o.spec.list[2] = undefined),
  (o) => (o.spec.list[1] = () => 1),
  (o) => (o.spec.flag = false),
  (o) => (o.spec.flag = undefined),
  (o) => (o.spec.extra = undefined),
  (o) => (o.metadata.labels = { c: 'd', a: 'b' }),
  (o) => (o.metadata.labels.a = undefined),
  (o) => delete o.apiVersion,
  (o) => (o.apiVersion = undefined),
  (o) => (o.kind = 'Other'),
  (o) => {
    const { spec, ...rest } = o;
    for (const k of Object.keys(o)) delete o[k];
    Object.assign(o, { spec }, rest);
  },
  (o) => (o.spec.containers[0] = { image: 'i', name: 'app', ports: [{ containerPort: 80 }] }),
  (o) => (o.spec.containers[0].ports = []),
  (o) => (o.spec.containers = {}),
  (o) => (o.status = null),
  (o) => (o.status = undefined),
  (o) => (o[7] = 'seven'),
  (o) => Object.defineProperty(o.metadata, '__proto__', { value: { x: 1 }, enumerable: true, configurable: true, writable: true }),
  (o) => (o.metadata = null),
  (o, r) => (o.spec.list = pick(r, [[], [null], [undefined], {}, 'list'])),
];

describe('sameEncodingIgnoringManagedFields', () => {
  it('agrees with encoding both and comparing the bytes', () => {
    let same = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = rng(seed);
      const a = base();
      const b = base();
      for (const o of [a, b]) {
        const n = Math.floor(r() * 3);
        for (let i = 0; i < n; i++) {
          try {
            pick(r, tweaks)(o, r);
          } catch {
            // A tweak that does not apply to this shape (metadata already null) is skipped.
          }
        }
      }
      const want = reference(a, b);
      if (want) same++;
      expect([seed, sameEncodingIgnoringManagedFields(a, b)]).toEqual([seed, want]);
      expect([seed, sameEncodingIgnoringManagedFields(b, a)]).toEqual([seed, want]);
    }
    // Both answers came up often enough to mean something.
    expect(same).toBeGreaterThan(200);
    expect(same).toBeLessThan(1800);
  });

  it('ignores managedFields and resourceVersion only', () => {
    const a = base();
    const b = deepCopy(a);
    b.metadata.managedFields = undefined;
    b.metadata.resourceVersion = '1';
    expect(sameEncodingIgnoringManagedFields(a, b)).toBe(true);
    b.status.phase = 'Running';
    expect(sameEncodingIgnoringManagedFields(a, b)).toBe(false);
  });

  it('cannot tell for values whose JSON it would have to write', () => {
    const a = base();
    const withDate = { ...base(), spec: { when: new Date(0) } } as KubeObject;
    expect(sameEncodingIgnoringManagedFields(withDate, { ...base(), spec: { when: '1970-01-01T00:00:00.000Z' } } as KubeObject)).toBeUndefined();
    expect(sameEncodingIgnoringManagedFields({ ...a, spec: { n: 1n } } as unknown as KubeObject, { ...a, spec: { n: 1n } } as unknown as KubeObject)).toBeUndefined();
  });
});
