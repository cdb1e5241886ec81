import { createEngine, type EngineKind, type MvccEngine, type TxnRequest } from '@skiff/store-wasm';
import sortedBtree from 'sorted-btree';
import { fullGc, jsBytes, micro } from '../micro.js';
import type { BenchResult } from '../result.js';
import { VALUE_BYTES, type Workload } from './workload.js';

// sorted-btree is CommonJS with its class on `default`; under Node's ESM interop the default import is module.exports.
const BTree = sortedBtree.default;

/** The operations every contender is measured on, in ops/s. */
export const MICRO_OPS = ['insert', 'put', 'get', 'range100', 'txn'] as const;

function rangeBounds(w: Workload, j: number): [number, number] {
  const start = (j * 7919) % (w.size - 100);
  return [w.sorted[start]!, w.sorted[start + 100]!];
}

function runEngine(kind: EngineKind, w: Workload, maxTime: number, log: (m: string) => void): BenchResult[] {
  const out: BenchResult[] = [];
  const add = (name: string, value: number, unit = 'ops/s') => out.push({ name: `${name} @${w.size}`, engine: kind, unit, value });
  fullGc();
  const heapBefore = jsBytes();
  const engine: MvccEngine = createEngine(kind);
  const mods = new Float64Array(w.size);
  let t = performance.now();
  for (let i = 0; i < w.size; i++) {
    const k = w.order[i]!;
    mods[k] = engine.put(w.keys[k]!, w.values[k]!).revision;
  }
  add('insert', w.size / ((performance.now() - t) / 1000));
  fullGc();
  const bytes = kind === 'wasm' ? engine.stats().memoryBytes + (jsBytes() - heapBefore) : jsBytes() - heapBefore;
  add('memory per key', bytes / w.size, 'bytes');
  add('index bytes per key (excl. 1 KiB value)', bytes / w.size - VALUE_BYTES, 'bytes');
  log(`${kind} @${w.size}: loaded`);

  let j = 0;
  add('get', micro(`${kind} get`, () => {
    engine.range(w.keys[w.order[j++ % w.size]!]!);
  }, maxTime).hz);
  add('range100', micro(`${kind} range100`, () => {
    const [a, b] = rangeBounds(w, j++);
    engine.range(w.keys[a]!, w.keys[b]!);
  }, maxTime).hz);
  add('put', micro(`${kind} put`, () => {
    const k = w.order[j++ % w.size]!;
    mods[k] = engine.put(w.keys[k]!, w.values[k]!).revision;
  }, maxTime).hz);
  // The API server's update: compare the mod revision it read, then put (optimistic concurrency).
  add('txn', micro(`${kind} txn`, () => {
    const k = w.order[j++ % w.size]!;
    const key = w.keys[k]!;
    const req: TxnRequest = {
      compare: [{ key, target: 'mod', result: 'equal', value: mods[k]! }],
      success: [{ put: { key, value: w.values[k]! } }],
      failure: [{ range: { key } }],
    };
    const res = engine.txn(req);
    if (res.succeeded) mods[k] = res.revision;
  }, maxTime).hz);
  engine.close();
  log(`${kind} @${w.size}: measured`);
  return out;
}

function runSortedBtree(w: Workload, maxTime: number): BenchResult[] {
  const out: BenchResult[] = [];
  const add = (name: string, value: number, unit = 'ops/s') => out.push({ name: `${name} @${w.size}`, engine: 'sorted-btree', unit, value });
  fullGc();
  const heapBefore = jsBytes();
  const tree = new BTree<string, Uint8Array>();
  let t = performance.now();
  for (let i = 0; i < w.size; i++) {
    const k = w.order[i]!;
    tree.set(w.keyStrings[k]!, w.values[k]!);
  }
  add('insert', w.size / ((performance.now() - t) / 1000));
  fullGc();
  add('index bytes per key (excl. 1 KiB value)', (jsBytes() - heapBefore) / w.size, 'bytes');
  let j = 0;
  add('get', micro('sorted-btree get', () => {
    tree.get(w.keyStrings[w.order[j++ % w.size]!]!);
  }, maxTime).hz);
  add('range100', micro('sorted-btree range100', () => {
    const [a, b] = rangeBounds(w, j++);
    tree.getRange(w.keyStrings[a]!, w.keyStrings[b]!, false);
  }, maxTime).hz);
  add('put', micro('sorted-btree put', () => {
    const k = w.order[j++ % w.size]!;
    tree.set(w.keyStrings[k]!, w.values[k]!);
  }, maxTime).hz);
  return out;
}

export function inMemory(w: Workload, maxTime: number, log: (m: string) => void): BenchResult[] {
  return [...runEngine('wasm', w, maxTime, log), ...runEngine('ts', w, maxTime, log), ...runSortedBtree(w, maxTime)];
}
