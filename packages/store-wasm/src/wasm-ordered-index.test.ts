import { describe, expect, it } from 'vitest';
import { compareBytes, utf8 } from './key-range.js';
import { createWasmEngine } from './wasm.js';

/**
 * The module's B+tree at a size where it is several levels deep, checked against a sorted array: tens of thousands
 * of keys inserted in scrambled order, range scans from random points, then compaction removing most keys (node
 * merges, root collapse) and re-inserts. Key shapes include long shared prefixes (past the 64 bytes a node keeps
 * inline) and keys that are prefixes of each other.
 */

const ZERO = new Uint8Array([0]);

/** Keys as latin1 strings: deep-equal on thousands of Uint8Arrays is slow, on strings it is not. */
function ids(keys: Uint8Array[]): string[] {
  return keys.map((k) => String.fromCharCode(...k));
}

function keySet(n: number): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    switch (i % 4) {
      case 0:
        keys.push(utf8(`/registry/pods/ns-${i % 13}/pod-${i}`));
        break;
      case 1:
        keys.push(utf8(`/registry/events/default/${'very-long-owner-name-'.repeat(4)}${i.toString(36)}`));
        break;
      case 2:
        keys.push(utf8(`k${i}`));
        break;
      default:
        keys.push(utf8(`k${i - 1}x`)); // k<i-1> is a prefix of this key
    }
  }
  return keys;
}

function scramble<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function lowerBound(sorted: Uint8Array[], k: Uint8Array): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(sorted[mid]!, k) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkScans(engine: ReturnType<typeof createWasmEngine>, sorted: Uint8Array[], probes: number): void {
  const all = engine.range(ZERO, ZERO, { keysOnly: true });
  expect(all.count).toBe(sorted.length);
  expect(ids(all.kvs.map((kv) => kv.key))).toEqual(ids(sorted));
  for (let i = 0; i < probes; i++) {
    const a = sorted[(i * 7919) % sorted.length] ?? utf8('k');
    const b = sorted[(i * 104729 + 17) % sorted.length] ?? utf8('z');
    const [lo, hi] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
    const want = sorted.slice(lowerBound(sorted, lo), lowerBound(sorted, hi));
    const got = engine.range(lo, hi, { keysOnly: true, limit: 50 });
    expect(got.count, `count of [${String(lo)}, ${String(hi)})`).toBe(want.length);
    expect(ids(got.kvs.map((kv) => kv.key))).toEqual(ids(want.slice(0, 50)));
    expect(got.more).toBe(want.length > 50);
  }
}

describe('the ordered index of the wasm engine', () => {
  const sizes = [
    { n: 3_000, seed: 3 },
    { n: 40_000, seed: 11 },
  ];
  for (const { n, seed } of sizes) {
    it(`keeps ${n} keys in order through inserts, compaction of most of them, and re-inserts`, () => {
      const engine = createWasmEngine();
      const keys = keySet(n);
      const value = utf8('v');
      for (const k of scramble(keys, seed)) engine.put(k, value);
      let sorted = keys.slice().sort(compareBytes);
      checkScans(engine, sorted, 200);

      // Delete nine keys in ten, then compact so their records leave the tree.
      const doomed = scramble(keys, seed + 1).slice(0, Math.floor(n * 0.9));
      for (const k of doomed) engine.deleteRange(k);
      engine.compact(engine.currentRevision());
      const gone = new Set(doomed);
      sorted = sorted.filter((k) => !gone.has(k));
      expect(engine.stats()).toMatchObject({ keys: sorted.length, revisions: sorted.length });
      checkScans(engine, sorted, 200);

      // Everything goes, then half comes back.
      engine.deleteRange(ZERO, ZERO);
      engine.compact(engine.currentRevision());
      expect(engine.stats()).toMatchObject({ keys: 0, revisions: 0 });
      checkScans(engine, [], 5);
      const back = scramble(keys, seed + 2).slice(0, n >> 1);
      for (const k of back) engine.put(k, value);
      checkScans(engine, back.slice().sort(compareBytes), 200);
      engine.close();
    });
  }
});
