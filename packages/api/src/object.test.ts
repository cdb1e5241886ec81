import { describe, expect, it } from 'vitest';
import { deepCopy, jsonEqual } from './object.js';

describe('deep copies of objects', () => {
  it('copy every level, so changing the copy leaves the original alone', () => {
    const original = { metadata: { name: 'a', labels: { x: '1' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } };
    const copy = deepCopy(original);
    expect(copy).toEqual(original);
    copy.metadata.labels.x = '2';
    copy.spec.containers[0]!.ports.push({ containerPort: 81 });
    expect(original.metadata.labels.x).toBe('1');
    expect(original.spec.containers[0]!.ports).toHaveLength(1);
  });

  it('keep primitives, nulls and keys whose value is undefined as they are', () => {
    const original = { a: null, b: undefined, c: 0, d: '', e: false, f: [1, null, 'x'] };
    const copy = deepCopy(original);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    expect(jsonEqual(copy, original)).toBe(true);
  });

  it('keep "__proto__" an ordinary key, as JSON.parse made it', () => {
    const original = JSON.parse('{"__proto__":{"polluted":true},"ok":1}');
    const copy = deepCopy(original);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'ok']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
  });

  it('copy values that are not plain JSON (bytes) as structuredClone does', () => {
    const original = { data: new Uint8Array([1, 2, 3]) };
    const copy = deepCopy(original);
    expect(copy.data).not.toBe(original.data);
    expect([...copy.data]).toEqual([1, 2, 3]);
  });
});
