// The load balancer: the core's choices per scheduler (wasm vs ts, single calls and batches), Maglev's build
// time, balance and disruption, and the proxy's data path on loopback against a direct connection.
import { performance } from 'node:perf_hooks';
import {
  backendIdentity, createLbCore, type EngineKind, type LbCore, mix32, newFlowKey, type SchedulerName, schedulerNames,
  WasmCore,
} from '@skiff/proxy-lb';
import { dataPath } from '../lb/data-path.js';
import { syncLatency } from '../lb/sync-latency.js';
import type { BenchRatio, BenchResult, Suite, SuiteContext } from '../result.js';

const engines: EngineKind[] = ['wasm', 'ts'];
const BACKENDS = 100;
const MAGLEV_M = 65537;

function uniformHashes(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = mix32(x);
  }
  return out;
}

/** Process CPU time in ms: the machine is shared, and CPU time does not count the moments another job ran. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Median rate over rounds, by CPU time: `fn` does `opsPerCall` operations; each round runs for `ms` of CPU
 * time (and at most 1e6 calls, and 10 s of wall time).
 */
function rate(fn: () => void, opsPerCall: number, ms: number, rounds = 3): number {
  const run = (limit: number) => {
    let calls = 0;
    const c0 = cpuMs();
    const w0 = performance.now();
    let c = c0;
    while (c - c0 < limit && calls < 1_000_000 && performance.now() - w0 < 10_000) {
      fn();
      calls++;
      c = cpuMs();
    }
    return (calls * opsPerCall) / (Math.max(c - c0, 0.001) / 1000);
  };
  run(ms / 2);
  const rates = Array.from({ length: rounds }, () => run(ms)).sort((a, b) => a - b);
  return rates[Math.floor(rounds / 2)]!;
}

function serviceWith(core: LbCore, scheduler: SchedulerName, n: number): number {
  const svc = core.addService({ scheduler, protocol: 'tcp' });
  for (let i = 0; i < n; i++) core.addBackend(svc, { ...backendIdentity(`10.0.${i >> 8}.${i & 255}`, 8080), weight: 1 + (i % 3) });
  core.prepare(svc);
  return svc;
}

/** pick (single, batch) and lookup of tracked flows (single, batch) for one scheduler and engine. */
function schedulerRates(engine: EngineKind, scheduler: SchedulerName, ms: number): BenchResult[] {
  const core = createLbCore({ engine });
  const svc = serviceWith(core, scheduler, BACKENDS);
  const h = uniformHashes(8192, 17);
  const out: BenchResult[] = [];
  const push = (what: string, value: number) => out.push({ name: `${what} ${scheduler}`, engine, unit: 'lookups/s', value });

  // Hot loops are compiled per engine and scheduler (as benchmark.js does) so that one engine's JIT feedback
  // does not slow the other's call sites.
  const pickLoop = new Function('core', 'svc', 'h', 'for (let i = 0; i < 4096; i++) core.pick(svc, h[i], h[i + 4096]);') as (
    core: LbCore, svc: number, h: Uint32Array) => void;
  push('pick single', rate(() => pickLoop(core, svc, h), 4096, ms));

  const input = core.batchBuffers().pickInput;
  input.set(h.subarray(0, input.length));
  const res = new Int32Array(4096);
  push('pick batch', rate(() => core.pickBatch(svc, input, res, 4096), 4096, ms));

  // Tracked flows: a working set of 65,536 established flows, looked up again and again (the data path's
  // common case: every UDP datagram, every retry).
  const flows = 65536;
  const keys = uniformHashes(flows * 5, 23);
  const f = newFlowKey();
  const setFlow = (i: number) => {
    const p = (i & (flows - 1)) * 5;
    f.keyLo = keys[p]!;
    f.keyHi = keys[p + 1]!;
    f.srcHash = keys[p + 2]!;
    f.dstHash = keys[p + 3]!;
    f.client = keys[p + 4]!;
  };
  for (let i = 0; i < flows; i++) {
    setFlow(i);
    core.lookup(svc, f, 0);
  }
  const lookupLoop = new Function('core', 'svc', 'f', 'keys', 'start', `
    for (let i = 0; i < 4096; i++) {
      const p = ((start + i) & ${flows - 1}) * 5;
      f.keyLo = keys[p]; f.keyHi = keys[p + 1]; f.srcHash = keys[p + 2]; f.dstHash = keys[p + 3]; f.client = keys[p + 4];
      core.lookup(svc, f, 1);
    }`) as (core: LbCore, svc: number, f: ReturnType<typeof newFlowKey>, keys: Uint32Array, start: number) => void;
  let next = 0;
  push('lookup single', rate(() => {
    lookupLoop(core, svc, f, keys, next);
    next += 4096;
  }, 4096, ms));
  let offset = 0;
  push('lookup batch', rate(() => {
    const buf = core.batchBuffers().lookupInput;
    buf.set(keys.subarray(offset * 5, (offset + 4096) * 5));
    core.lookupBatch(svc, buf, res, 4096, 1);
    offset = (offset + 4096) & (flows - 1);
  }, 4096, ms));
  return out;
}

interface MaglevFigures {
  buildMs: number;
  bestBuildMs: number;
  p99BuildMs: number;
  balance: number;
  movedOnRemove: number;
  movedOnAdd: number;
}

function movedFraction(before: Int32Array, after: Int32Array, probes: Uint32Array): number {
  let moved = 0;
  for (const h of probes) {
    if (before[Math.floor((h * before.length) / 4294967296)] !== after[Math.floor((h * after.length) / 4294967296)]) moved++;
  }
  return moved / probes.length;
}

/** Build time (median of `reps` rebuilds), balance (max/min slots) and the share of flows that move. */
function maglevFigures(engine: EngineKind, scheduler: 'mh' | 'sh', n: number, reps: number): MaglevFigures {
  const core = createLbCore({ engine });
  const svc = core.addService({ scheduler, protocol: 'tcp', maglevTableSize: MAGLEV_M });
  const slots: number[] = [];
  for (let i = 0; i < n; i++) slots.push(core.addBackend(svc, backendIdentity(`10.1.${i >> 8}.${i & 255}`, 80)));
  const times: number[] = [];
  // Two untimed builds first: V8 runs a function's first calls in its baseline tier.
  for (let r = -2; r < reps; r++) {
    // Any change marks the table stale; prepare() rebuilds it.
    core.setWeight(slots[0]!, 1 + (r % 2));
    const c0 = cpuMs();
    core.prepare(svc);
    if (r >= 0) times.push(cpuMs() - c0);
  }
  core.setWeight(slots[0]!, 1);
  const table = core.table(svc);
  const counts = new Map<number, number>();
  for (const b of table) counts.set(b, (counts.get(b) ?? 0) + 1);
  const probes = uniformHashes(200_000, 31);
  core.removeBackend(slots[Math.floor(n / 2)]!);
  const removed = core.table(svc);
  core.addBackend(svc, backendIdentity('10.2.0.1', 80));
  const added = core.table(svc);
  times.sort((a, b) => a - b);
  return {
    buildMs: times[Math.floor(times.length / 2)]!,
    bestBuildMs: times[0]!,
    p99BuildMs: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
    balance: Math.max(...counts.values()) / Math.min(...counts.values()),
    movedOnRemove: movedFraction(table, removed, probes),
    movedOnAdd: movedFraction(removed, added, probes),
  };
}


export const lbSuite: Suite = {
  name: 'lb',
  description: 'load-balancing core (rr..mh, wasm vs ts), Maglev build/balance/disruption, proxy data path on loopback, EndpointSlice change to rules live',
  async run(ctx) {
    const ms = ctx.quick ? 20 : 300;
    const results: BenchResult[] = [];
    const ratios: BenchRatio[] = [];
    const notes: string[] = [];
    const value = (name: string, engine: string) => results.find((r) => r.name === name && r.engine === engine)?.value ?? 0;

    for (const scheduler of schedulerNames) {
      ctx.log(`scheduler ${scheduler}: pick and lookup, ${BACKENDS} backends`);
      for (const engine of engines) results.push(...schedulerRates(engine, scheduler, ms));
      for (const what of ['pick single', 'pick batch', 'lookup single', 'lookup batch']) {
        const name = `${what} ${scheduler}`;
        // Single calls are bound by the JS->WASM boundary and the wrapper's argument checks, not by the core:
        // shown for information; the 1.5x target is held against batches, where the core does the work.
        const target = what.endsWith('batch') ? 1.5 : undefined;
        ratios.push({ name: `${name} wasm/ts`, value: value(name, 'wasm') / value(name, 'ts'), target });
      }
    }
    const bestBatch = Math.max(...schedulerNames.map((s) => value(`pick batch ${s}`, 'wasm')));
    ratios.push({ name: 'wasm mh batch picks/s / 50,000,000', value: value('pick batch mh', 'wasm') / 50e6, target: 1 });

    const kernelCore = createLbCore({ engine: 'wasm' });
    const kernelSvc = serviceWith(kernelCore, 'mh', BACKENDS);
    if (kernelCore instanceof WasmCore) {
      const n = ctx.quick ? 2_000_000 : 20_000_000;
      kernelCore.benchKernel(kernelSvc, n / 10, 98);
      const c0 = cpuMs();
      kernelCore.benchKernel(kernelSvc, n, 99);
      results.push({ name: 'pick kernel mh (hashes made in wasm)', engine: 'wasm', unit: 'lookups/s', value: n / ((cpuMs() - c0) / 1000) });
    }

    for (const n of [10, 100, 1000]) {
      ctx.log(`Maglev M=${MAGLEV_M}, ${n} backends`);
      for (const engine of engines) {
        const m = maglevFigures(engine, 'mh', n, ctx.quick ? 7 : 31);
        results.push({ name: `maglev build N=${n}`, engine, unit: 'ms', value: m.buildMs, p50: m.buildMs, p99: m.p99BuildMs });
        results.push({ name: `maglev build N=${n}, best of run`, engine, unit: 'ms', value: m.bestBuildMs });
        if (engine === 'wasm') {
          results.push({ name: `maglev balance max/min slots N=${n}`, engine, unit: 'ratio', value: m.balance });
          results.push({ name: `maglev flows moved, 1 of ${n} removed`, engine, unit: '%', value: m.movedOnRemove * 100 });
          results.push({ name: `maglev flows moved, 1 added to ${n - 1}`, engine, unit: '%', value: m.movedOnAdd * 100 });
          ratios.push({ name: `maglev (1/N + 2%) / moved, remove 1 of ${n}`, value: (1 / n + 0.02) / m.movedOnRemove, target: 1 });
          ratios.push({ name: `maglev (1/N + 2%) / moved, add 1 to ${n - 1}`, value: (1 / n + 0.02) / m.movedOnAdd, target: 1 });
          const ideal = Math.ceil(MAGLEV_M / n) / Math.floor(MAGLEV_M / n);
          if (m.balance > ideal + 1e-9) notes.push(`maglev balance for N=${n} is ${m.balance.toFixed(3)}, above ceil/floor ${ideal.toFixed(3)}`);
        }
      }
      ratios.push({ name: `maglev build N=${n} wasm/ts speed`, value: value(`maglev build N=${n}`, 'ts') / value(`maglev build N=${n}`, 'wasm'), target: 1.5 });
    }
    ratios.push({ name: 'maglev build N=1000: 2 ms / wasm build time (median)', value: 2 / value('maglev build N=1000', 'wasm'), target: 1 });
    notes.push('Maglev build times are the median (value, p50), 99th percentile and best of the run; a shared machine only ever adds time, so the best is the closest to the build\'s own cost.');
    const sh = maglevFigures('wasm', 'sh', 100, 1);
    results.push({ name: 'sh flows moved, 1 of 100 removed (for contrast)', engine: 'wasm', unit: '%', value: sh.movedOnRemove * 100 });
    notes.push(`best wasm batch pick rate: ${(bestBatch / 1e6).toFixed(0)}M/s; lc/wlc scan all ${BACKENDS} backends per pick as IPVS does, so their rates are per-scan.`);
    notes.push('single-call wasm/ts ratios carry no target: one call costs the JS->WASM crossing plus argument checks, which the TS engine does not pay, so they measure the boundary more than the core (DESIGN.md: batch work per call).');
    notes.push('lookup figures are for tracked flows (connection-table hits); pick figures are scheduling decisions alone.');
    notes.push('core figures (rates, Maglev build times) are per second of process CPU time, so other jobs on a shared machine do not deflate them; the data-path figures are wall-clock.');

    const dp = await dataPath(ctx);
    results.push(...dp.results);
    ratios.push(...dp.ratios);
    notes.push(...dp.notes);

    const sync = await syncLatency(ctx);
    results.push(...sync.results);
    notes.push(...sync.notes);
    for (const r of ratios) if (r.target !== undefined && !(r.value >= r.target)) notes.push(`target missed: ${r.name} = ${r.value.toFixed(2)} (target ${r.target})`);
    return { results, ratios, notes };
  },
};
