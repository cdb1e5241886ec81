import { afterEach, describe, expect, it } from 'vitest';
import { isStoreError } from './errors.js';
import type { RequestOp } from './kv.js';
import { WasmEngine } from './wasm.js';
import { EnginePair, b, outcome } from './wasm-test-pair.js';

/**
 * Memory: a write that cannot get memory fails with NoSpace and changes nothing (tested on engines capped far below
 * wasm32's 4 GiB, which behave exactly as a full 4 GiB one), and compaction's frees are reused, so a steady
 * workload stops growing linear memory.
 */

const ZERO = new Uint8Array([0]);
const MiB = 1 << 20;
const pairs: EnginePair[] = [];

function capped(bytes: number): EnginePair {
  const p = new EnginePair({ maxMemoryBytes: bytes });
  pairs.push(p);
  return p;
}

afterEach(() => {
  for (const p of pairs.splice(0)) p.close();
});

function filler(n: number, seed: number): Uint8Array {
  const v = new Uint8Array(n);
  for (let i = 0; i < n; i++) v[i] = (i * 31 + seed) & 0xff;
  return v;
}

/** Puts `size`-byte values under new keys until the wasm engine runs out; returns how many fit. */
function fill(pair: EnginePair, size: number, prefix = 'fill'): number {
  for (let i = 0; i < 100_000; i++) {
    const key = b(`/${prefix}/${i}`);
    const value = filler(size, i);
    const got = outcome(() => pair.wasm.put(key, value));
    if ('err' in got) {
      expect(got.err.code).toBe('NoSpace');
      return i;
    }
    pair.model.put(key, value);
  }
  throw new Error('memory never ran out');
}

describe('NoSpace', () => {
  it('a put that does not fit fails with NoSpace, says why, and changes nothing', () => {
    const pair = capped(4 * MiB);
    const fitted = fill(pair, 256 * 1024);
    expect(fitted).toBeGreaterThan(4);
    let message = '';
    try {
      pair.wasm.put(b('/one/more'), filler(256 * 1024, 1));
    } catch (e) {
      if (isStoreError(e, 'NoSpace')) message = e.message;
    }
    expect(message).toMatch(/database space exceeded: needed \d+ more bytes; linear memory is [\d.]+ MiB of at most 4\.0 MiB/);
    pair.same('after NoSpace');
  });

  it('the engine keeps serving after NoSpace, and deleting plus compacting makes room again', () => {
    const pair = capped(4 * MiB);
    const fitted = fill(pair, 200 * 1024);
    pair.ok((e) => e.range(ZERO, ZERO, { keysOnly: true }));
    pair.ok((e) => e.deleteRange(ZERO, ZERO));
    pair.ok((e) => e.compact(e.currentRevision()));
    expect(fill(pair, 200 * 1024, 'again')).toBeGreaterThanOrEqual(fitted);
    pair.same();
  });

  it('a txn whose writes do not fit together applies none of them', () => {
    const pair = capped(4 * MiB);
    fill(pair, 128 * 1024);
    pair.ok((e) => e.deleteRange(b('/fill/0'), b('/fill/3')));
    const success: RequestOp[] = [{ put: { key: b('/small'), value: b('fits') } }];
    for (let i = 0; i < 8; i++) success.push({ put: { key: b(`/big/${i}`), value: filler(128 * 1024, i) } });
    const got = outcome(() => pair.wasm.txn({ compare: [], success, failure: [] }));
    expect('err' in got && got.err.code).toBe('NoSpace');
    pair.same('after the failed txn');
  });

  it('a value larger than all of memory fails with NoSpace', () => {
    const pair = capped(2 * MiB);
    pair.ok((e) => e.put(b('a'), b('1')));
    const got = outcome(() => pair.wasm.put(b('huge'), new Uint8Array(3 * MiB)));
    expect('err' in got && got.err.code).toBe('NoSpace');
    pair.same();
  });

  it('a deleteRange over a full store either applies entirely or not at all', () => {
    const pair = capped(2 * MiB);
    fill(pair, 16);
    const before = [...pair.wasm.dump().records];
    const got = outcome(() => pair.wasm.deleteRange(ZERO, ZERO, { prevKv: true }));
    if ('err' in got) {
      expect(got.err.code).toBe('NoSpace');
      expect([...pair.wasm.dump().records]).toEqual(before);
    } else {
      pair.model.deleteRange(ZERO, ZERO, { prevKv: true });
      pair.same();
    }
  });

  it('maxMemoryBytes must be a number of bytes', () => {
    expect(() => new WasmEngine({ maxMemoryBytes: -1 })).toThrow(/maxMemoryBytes/);
  });
});

describe('memory reuse', () => {
  const workloads: { name: string; keys: (cycle: number) => string[] }[] = [
    { name: 'updating the same keys', keys: () => Array.from({ length: 500 }, (_, i) => `/registry/pods/ns/pod-${i}`) },
    { name: 'keys that are created and deleted with new names every cycle', keys: (c) => Array.from({ length: 500 }, (_, i) => `/registry/pods/ns/pod-${c}-${i}`) },
  ];
  for (const w of workloads) {
    it(`put/compact cycles ${w.name} stop growing linear memory`, () => {
      const e = new WasmEngine();
      const sizes: number[] = [];
      const inUse: number[] = [];
      const value = filler(1024, 3);
      for (let cycle = 0; cycle < 30; cycle++) {
        const keys = w.keys(cycle).map(b);
        for (let round = 0; round < 3; round++) for (const k of keys) e.put(k, value);
        if (w.name.includes('deleted')) for (const k of keys) e.deleteRange(k);
        e.compact(e.currentRevision());
        sizes.push(e.linearMemoryBytes());
        inUse.push(e.stats().memoryBytes);
      }
      // Growth stops after the first cycles; what is in use returns to the same level every cycle.
      expect(new Set(sizes.slice(5)).size).toBe(1);
      expect(Math.max(...inUse.slice(5))).toBeLessThanOrEqual(Math.min(...inUse.slice(5)) * 1.05);
      e.close();
    });
  }
});
