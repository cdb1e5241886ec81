import type { KubeObject } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { decodeObject, encodeObject, servedBytes } from './object-codec.js';

/** The stored layout spelled out: apiVersion, kind, metadata (without resourceVersion) first, then the rest. */
function reference(obj: KubeObject): string {
  const own = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  const meta: Record<string, unknown> = {};
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  for (const k in metadata) if (k !== 'resourceVersion') own(meta, k, metadata[k]);
  const out: Record<string, unknown> = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: meta };
  for (const k in obj) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') own(out, k, (obj as Record<string, unknown>)[k]);
  return JSON.stringify(out);
}

const cases: Record<string, () => unknown> = {
  'stored layout': () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { x: [1, undefined] }, status: undefined }),
  'resourceVersion in metadata': () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '3', name: 'p' }, spec: {} }),
  'kind first': () => ({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' } }),
  'metadata last': () => ({ apiVersion: 'v1', kind: 'Pod', spec: {}, metadata: { name: 'p' } }),
  'no apiVersion': () => ({ kind: 'Pod', metadata: { name: 'p' } }),
  'apiVersion undefined': () => ({ apiVersion: undefined, kind: 'Pod', metadata: { name: 'p' } }),
  'integer-like key': () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, 7: 'x' }),
  'metadata null': () => ({ apiVersion: 'v1', kind: 'Pod', metadata: null }),
  'metadata missing': () => ({ apiVersion: 'v1', kind: 'Pod' }),
  '__proto__ keys': () => JSON.parse('{"apiVersion":"v1","kind":"Pod","metadata":{"__proto__":{"a":1},"name":"p"},"__proto__":[1]}'),
};

describe('encodeObject', () => {
  for (const [name, make] of Object.entries(cases)) {
    it(`writes the stored layout: ${name}`, () => {
      const obj = make() as KubeObject;
      expect(encodeObject(obj).toString()).toBe(reference(obj));
    });
  }

  it('round-trips through decodeObject and servedBytes', () => {
    const obj = cases['stored layout']!() as KubeObject;
    const raw = encodeObject(obj);
    const back = decodeObject(raw, 9);
    expect(back.metadata.resourceVersion).toBe('9');
    expect(JSON.parse(servedBytes(raw, 9).toString())).toEqual(back);
    expect(encodeObject(back).equals(raw)).toBe(true);
  });
});
