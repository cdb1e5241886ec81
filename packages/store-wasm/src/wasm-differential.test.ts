import { describe, expect, it } from 'vitest';
import { ReferenceModel } from '../test-util/reference-model.js';
import type { MvccEngine } from './engine.js';
import { prefixEnd, utf8 } from './key-range.js';
import type { Compare, RequestOp, TxnRequest } from './kv.js';
import { createWasmEngine } from './wasm.js';
import { outcome, plain } from './wasm-test-pair.js';

/**
 * Seeded random operation sequences run on the wasm engine and on the ReferenceModel side by side; every result
 * (or error code and details) must be deep-equal. Requests stay within what validate-request.ts lets through (no
 * key written twice in one txn, no put inside a delete range of the same txn, ignore flags without value/lease).
 */

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

interface Gen {
  r: () => number;
  keys: Uint8Array[];
  int(n: number): number;
  pick<T>(xs: T[]): T;
}

function gen(seed: number, keyCount: number): Gen {
  const r = rng(seed);
  const keys: Uint8Array[] = [];
  const odd = ['a', 'ab', 'abc', 'b', '\u0000', 'a\u0000', '\u00ff', 'z\u00ff\u00ff'];
  for (const k of odd) keys.push(Uint8Array.from(k, (c) => c.charCodeAt(0)));
  for (let i = 0; keys.length < keyCount; i++) {
    const ns = `ns-${i % 7}`;
    const name = i % 3 === 0 ? `pod-${i}` : i % 3 === 1 ? `deployment-${'x'.repeat(i % 40)}-${i}` : `p${i}`;
    keys.push(utf8(`/registry/${i % 5 === 0 ? 'services' : 'pods'}/${ns}/${name}`));
  }
  const g: Gen = {
    r,
    keys,
    int: (n) => Math.floor(r() * n),
    pick: (xs) => xs[Math.floor(r() * xs.length)]!,
  };
  return g;
}

function value(g: Gen): Uint8Array {
  const n = g.pick([0, 1, 7, 8, 9, 31, 100, 1024, 5000]);
  const v = new Uint8Array(n);
  for (let i = 0; i < n; i++) v[i] = g.int(256);
  return v;
}

function rangeOf(g: Gen): { key: Uint8Array; rangeEnd?: Uint8Array } {
  const k = g.pick(g.keys);
  switch (g.int(5)) {
    case 0:
      return { key: k };
    case 1:
      return { key: k, rangeEnd: new Uint8Array([0]) };
    case 2:
      return { key: utf8('/registry/pods/'), rangeEnd: prefixEnd(utf8('/registry/pods/')) };
    case 3:
      return { key: k, rangeEnd: g.pick(g.keys) };
    default:
      return { key: k.subarray(0, Math.max(1, k.length - 3)), rangeEnd: prefixEnd(k.subarray(0, Math.max(1, k.length - 3))) };
  }
}

function compareOf(g: Gen): Compare {
  const target = g.pick(['version', 'create', 'mod', 'value', 'lease'] as const);
  const result = g.pick(['equal', 'not_equal', 'less', 'greater'] as const);
  const { key, rangeEnd } = g.int(3) === 0 ? rangeOf(g) : { key: g.pick(g.keys), rangeEnd: undefined };
  const v = target === 'value' ? g.pick([new Uint8Array(0), utf8('v'), value(g)]) : g.int(12);
  return rangeEnd ? { key, rangeEnd, target, result, value: v } : { key, target, result, value: v };
}

function txnOf(g: Gen, depth: number, used: Set<string>): TxnRequest {
  const ops = (): RequestOp[] => {
    const out: RequestOp[] = [];
    const n = g.int(4);
    for (let i = 0; i < n; i++) {
      const kind = g.int(depth > 0 ? 4 : 3);
      if (kind === 0) {
        const { key, rangeEnd } = rangeOf(g);
        out.push({ range: { key, rangeEnd, limit: g.pick([0, 1, 3]), keysOnly: g.int(4) === 0, countOnly: g.int(6) === 0 } });
      } else if (kind === 1) {
        const key = g.pick(g.keys);
        const id = String(key);
        if (used.has(id)) continue;
        used.add(id);
        out.push({ put: { key, value: value(g), prevKv: g.int(2) === 0, lease: g.pick([0, 0, 5]) } });
      } else if (kind === 2) {
        const key = g.pick(g.keys);
        const id = String(key);
        if (used.has(id)) continue;
        used.add(id);
        out.push({ deleteRange: { key, prevKv: g.int(2) === 0 } });
      } else {
        out.push({ txn: txnOf(g, depth - 1, used) });
      }
    }
    return out;
  };
  const compare: Compare[] = [];
  for (let i = g.int(3); i > 0; i--) compare.push(compareOf(g));
  return { compare, success: ops(), failure: ops() };
}

/** Calls engine method args[0] with the remaining args. */
function call(e: MvccEngine, args: unknown[]): unknown {
  const [name, ...rest] = args as [keyof MvccEngine, ...unknown[]];
  return (e[name] as (...a: unknown[]) => unknown).apply(e, rest);
}

function randomCall(g: Gen, model: ReferenceModel): unknown[] {
  const cur = model.currentRevision();
  const comp = model.compactRevision();
  const x = g.int(100);
  if (x < 40) {
    const key = g.pick(g.keys);
    const ignore = g.int(10);
    if (ignore === 0) return ['put', key, new Uint8Array(0), { ignoreValue: true, prevKv: true, lease: g.pick([0, 5, 9]) }];
    if (ignore === 1) return ['put', key, value(g), { ignoreLease: true }];
    return ['put', key, value(g), { prevKv: g.int(2) === 0, lease: g.pick([0, 0, 5, 9]) }];
  }
  if (x < 60) {
    const { key, rangeEnd } = rangeOf(g);
    const revision = g.pick([0, 0, cur, cur + 1, comp, comp - 1, Math.max(1, cur - g.int(20))]);
    return ['range', key, rangeEnd, { revision, limit: g.pick([0, 0, 1, 2, 10]), keysOnly: g.int(5) === 0, countOnly: g.int(8) === 0 }];
  }
  if (x < 70) {
    const { key, rangeEnd } = rangeOf(g);
    return ['deleteRange', key, g.int(3) === 0 ? rangeEnd : undefined, { prevKv: g.int(2) === 0 }];
  }
  if (x < 85) return ['txn', txnOf(g, 2, new Set())];
  if (x < 90) return ['compact', g.pick([comp, comp + 1, Math.max(1, cur - g.int(30)), cur, cur + 1])];
  if (x < 98) {
    const { key, rangeEnd } = rangeOf(g);
    const from = g.pick([comp, comp - 1, Math.max(0, cur - g.int(40)), cur]);
    const opts = { prevKv: g.int(2) === 0, limit: g.pick([0, 1, 5]), ...(g.int(2) === 0 ? { key, rangeEnd } : {}) };
    return ['changes', from, g.pick([cur, cur + 5, from + g.int(10)]), opts];
  }
  return ['stats'];
}

function statsOf(e: MvccEngine): unknown {
  const s = e.stats();
  return { keys: s.keys, revisions: s.revisions };
}

describe('the wasm engine against the reference model', () => {
  const cases = [
    { seed: 5, keys: 12, ops: 4000 },
    { seed: 1, keys: 60, ops: 3000 },
    { seed: 7, keys: 400, ops: 3000 },
    { seed: 42, keys: 1500, ops: 1500 },
  ];
  for (const c of cases) {
    it(`agrees on ${c.ops} random operations over ${c.keys} keys (seed ${c.seed})`, () => {
      const leaseExists = (id: number) => id !== 9;
      const g = gen(c.seed, c.keys);
      const model = new ReferenceModel({ leaseExists });
      const wasm = createWasmEngine({ leaseExists });
      for (let i = 0; i < c.ops; i++) {
        const args = randomCall(g, model);
        if (args[0] === 'stats') {
          expect(statsOf(wasm), `op ${i} stats`).toEqual(statsOf(model));
          continue;
        }
        const want = outcome(() => call(model, args));
        const got = outcome(() => call(wasm, args));
        expect(plain(got), `op ${i} ${String(args[0])}`).toEqual(plain(want));
        if (i % 500 === 499) {
          expect(plain([...wasm.dump().records]), `dump after op ${i}`).toEqual(plain([...model.dump().records]));
        }
      }
      expect(statsOf(wasm)).toEqual(statsOf(model));
      const copy = createWasmEngine({ leaseExists });
      const d = wasm.dump();
      copy.load(d.header, d.records);
      expect(plain([...copy.dump().records])).toEqual(plain([...model.dump().records]));
      expect(plain(copy.changes(model.compactRevision(), model.currentRevision(), { prevKv: true }))).toEqual(
        plain(model.changes(model.compactRevision(), model.currentRevision(), { prevKv: true })),
      );
      wasm.close();
      copy.close();
    });
  }
});
