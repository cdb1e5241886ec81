/**
 * A quick measurement of the wasm engine while developing it (the real suite is `pnpm bench store`):
 *   npx tsx src/wasm-kernel.bench.ts [keys=100000] [--ts] [--btree]
 *
 * First the module's own loop (bench(n, op) in assembly/bench.ts: no JS boundary, sequential keys), then the
 * bench suite's workload through the MvccEngine interface: keys `/registry/pods/ns-NN/web-<hash>-<i>` in a fixed
 * random order, 1 KiB values, get = range of one key, range100 = [key, key 100 further), txn = the API server's
 * update (compare the mod revision, then put; else read). With --ts / --btree the
 * TS twin and the sorted-btree package run the same operations, interleaved round by round, each figure the best
 * round. Rates are per second of this process's CPU time (user + system, so page faults and GC threads count),
 * which other processes sharing the machine disturb far less than wall-clock time. Every phase is bounded in
 * count and time.
 */
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { MvccEngine } from './engine.js';
import { WasmEngine } from './wasm.js';

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100_000);
const ROUNDS = 5;
const ROUND_OPS = 20_000;
const ROUND_MS = 1_000;

function podKey(i: number): string {
  return `/registry/pods/ns-${(i % 50).toString().padStart(2, '0')}/web-${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-${i}`;
}

const names = Array.from({ length: N }, (_, i) => podKey(i));
const keys = names.map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0)));
const sorted = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
const order = Array.from({ length: N }, (_, i) => i);
for (let i = N - 1, x = 0x9e3779b9; i > 0; i--) {
  x = (x ^ (x << 13)) >>> 0;
  x = (x ^ (x >>> 17)) >>> 0;
  x = (x ^ (x << 5)) >>> 0;
  const j = x % (i + 1);
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const pool = randomFillSync(new Uint8Array(N * 1024));
const values = Array.from({ length: N }, (_, i) => pool.subarray(i * 1024, (i + 1) * 1024));

function perSec(ops: number, ms: number): string {
  return Math.round((ops / ms) * 1000).toLocaleString('en-US').padStart(11);
}

/** Milliseconds of CPU this process used since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

function kernel(): void {
  const e = new WasmEngine();
  const line: string[] = [];
  for (const [op, label, n] of [[0, 'put', N], [1, 'get', N], [2, 'range100', Math.min(N, 20_000)]] as const) {
    const t = process.cpuUsage();
    if (e.kernelBench(n, op) < 0) throw new Error('kernel bench failed');
    line.push(`${label} ${perSec(n, cpuMs(t))}/s`);
  }
  console.log(`kernel (no boundary, ${N} sequential keys):  ${line.join('   ')}`);
  e.close();
}

interface Contender {
  name: string;
  insert(i: number): void;
  get(i: number): void;
  range100(i: number): void;
  put(i: number): void;
  txn?(i: number): void;
}

let sink = 0;

function engine(name: string, e: MvccEngine): Contender {
  const mods = new Float64Array(N);
  return {
    name,
    insert: (i) => void e.put(keys[order[i]!]!, values[order[i]!]!),
    get: (i) => void (sink += e.range(keys[order[i % N]!]!).kvs[0]!.value.length),
    range100: (i) => {
      const at = (i * 7919) % (N - 100);
      sink += e.range(keys[sorted[at]!]!, keys[sorted[at + 100]!]!).kvs.length;
    },
    put: (i) => void (mods[order[i % N]!] = e.put(keys[order[i % N]!]!, values[order[i % N]!]!).revision),
    txn: (i) => {
      const k = order[i % N]!;
      const key = keys[k]!;
      const res = e.txn({
        compare: [{ key, target: 'mod', result: 'equal', value: mods[k]! }],
        success: [{ put: { key, value: values[k]! } }],
        failure: [{ range: { key } }],
      });
      if (res.succeeded) mods[k] = res.revision;
    },
  };
}

async function sortedBtree(): Promise<Contender> {
  const mod = (await import('sorted-btree')) as unknown as { default: { default?: unknown } };
  const BTree = (mod.default.default ?? mod.default) as new () => {
    set(k: string, v: Uint8Array): boolean;
    get(k: string): Uint8Array | undefined;
    getRange(lo: string, hi: string, includeHi: boolean): unknown[];
  };
  const t = new BTree();
  return {
    name: 'sorted-btree',
    insert: (i) => void t.set(names[order[i]!]!, values[order[i]!]!),
    get: (i) => void (sink += t.get(names[order[i % N]!]!)!.length),
    range100: (i) => {
      const at = (i * 7919) % (N - 100);
      sink += t.getRange(names[sorted[at]!]!, names[sorted[at + 100]!]!, false).length;
    },
    put: (i) => void t.set(names[order[i % N]!]!, values[order[i % N]!]!),
  };
}

/** Best rate (ops/s) of op over ROUNDS interleaved rounds, each bounded by ROUND_OPS and ROUND_MS. */
function race(cs: Contender[], op: 'get' | 'range100' | 'put' | 'txn'): Map<string, number> {
  const best = new Map<string, number>();
  const per = op === 'range100' ? ROUND_OPS / 20 : ROUND_OPS;
  let j = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of cs) {
      const f = c[op];
      if (f === undefined) continue;
      const t = performance.now();
      const cpu = process.cpuUsage();
      let n = 0;
      while (n < per && performance.now() - t < ROUND_MS) for (const stop = n + 100; n < stop; n++) f(j++);
      best.set(c.name, Math.max(best.get(c.name) ?? 0, (n / cpuMs(cpu)) * 1000));
    }
  }
  return best;
}

kernel();
const cs: Contender[] = [engine('wasm', new WasmEngine())];
if (process.argv.includes('--ts')) {
  const { createEngine } = await import('./engine-factory.js');
  cs.push(engine('ts', createEngine('ts')));
}
if (process.argv.includes('--btree')) cs.push(await sortedBtree());
const insert = cs.map((c) => {
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) c.insert(i);
  return `${c.name} ${perSec(N, cpuMs(t))}/s`;
});
console.log(`insert ${N} keys:`.padEnd(18), insert.join('   '));
for (const op of ['get', 'range100', 'put', 'txn'] as const) {
  const best = race(cs, op);
  console.log(`${op}:`.padEnd(18), [...best].map(([name, hz]) => `${name} ${perSec(hz, 1000)}/s`).join('   '));
}
if (sink === 0) console.log('no results?');
