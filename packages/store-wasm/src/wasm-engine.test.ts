import { describe, expect, it } from 'vitest';
import type { MvccEngine } from './engine.js';
import { isStoreError } from './errors.js';
import { WasmEngine, createWasmEngine } from './wasm.js';
import { b } from './wasm-test-pair.js';

/** The wasm engine's life: a fresh state, independent instances, and close(). */

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'none';
  } catch (e) {
    return isStoreError(e) ? e.code : 'not a StoreError';
  }
}

describe('a wasm engine', () => {
  it('starts at revision 1, never compacted, empty', () => {
    const e = createWasmEngine();
    expect(e.kind).toBe('wasm');
    expect(e.currentRevision()).toBe(1);
    expect(e.compactRevision()).toBe(0);
    expect(e.stats()).toMatchObject({ keys: 0, revisions: 0 });
    expect(e.stats().memoryBytes).toBeGreaterThan(0);
    expect(e.range(new Uint8Array([0]), new Uint8Array([0]))).toEqual({ kvs: [], count: 0, more: false, revision: 1 });
    e.close();
  });

  it('has its own memory: writes to one are not seen by another', () => {
    const one = createWasmEngine();
    const two = createWasmEngine();
    one.put(b('k'), b('one'));
    two.put(b('other'), b('two'));
    expect(one.range(b('other')).count).toBe(0);
    expect(two.range(b('k')).count).toBe(0);
    expect(one.range(b('k')).kvs[0]!.value).toEqual(b('one'));
    one.close();
    two.close();
  });

  it('serves big keys and values across memory growth', () => {
    const e = new WasmEngine();
    const start = e.linearMemoryBytes();
    const big = new Uint8Array(3 << 20).fill(0xab);
    const key = new Uint8Array(70_000).fill(0x6b);
    e.put(key, big);
    expect(e.linearMemoryBytes()).toBeGreaterThan(start);
    const got = e.range(key).kvs[0]!;
    expect(got.key.length).toBe(key.length);
    expect(got.value.length).toBe(big.length);
    expect(got.value.every((x) => x === 0xab)).toBe(true);
    e.close();
  });

  const calls: { name: string; call: (e: MvccEngine) => unknown }[] = [
    { name: 'range', call: (e) => e.range(b('k')) },
    { name: 'put', call: (e) => e.put(b('k'), b('v')) },
    { name: 'deleteRange', call: (e) => e.deleteRange(b('k')) },
    { name: 'txn', call: (e) => e.txn({ compare: [], success: [], failure: [] }) },
    { name: 'compact', call: (e) => e.compact(1) },
    { name: 'changes', call: (e) => e.changes(1, 2) },
    { name: 'stats', call: (e) => e.stats() },
    { name: 'dump', call: (e) => e.dump() },
    { name: 'load', call: (e) => e.load({ currentRevision: 1, compactRevision: 0 }, []) },
    { name: 'currentRevision', call: (e) => e.currentRevision() },
  ];
  for (const { name, call } of calls) {
    it(`refuses ${name} with Closed once closed`, () => {
      const e = createWasmEngine();
      e.put(b('k'), b('v'));
      e.close();
      expect(codeOf(() => call(e))).toBe('Closed');
    });
  }
});
