/**
 * The framework's figures: the whole Scheduler (queue, encoding, cache, preemption) with nothing but an
 * in-memory cluster around it.
 */
import { performance } from 'node:perf_hooks';
import { Scheduler, type EngineKind } from '@skiff/scheduler-wasm';
import { engines, quarterMean, RUN_BUDGET_MS, type Rate } from './core-runs.js';
import { node, pod, type Workload } from './workloads.js';

/** The whole framework: pending pods through the queue, encoding, the core and the cache. */
export function runFramework(engine: EngineKind, w: Workload): number {
  const s = new Scheduler({ engine, seed: 42, clock: () => 0 });
  for (let i = 0; i < w.nodes; i++) s.addNode(w.node(i));
  for (let i = 0; i < w.initPods; i++) {
    const p = w.initPod(i);
    p.spec!.nodeName = `node-${i % w.nodes}`;
    s.addPod(p);
  }
  for (let i = 0; i < w.measurePods; i++) s.addPod(w.measurePod(i));
  const t0 = performance.now();
  let done = 0;
  while (done < w.measurePods && performance.now() - t0 < RUN_BUDGET_MS) {
    const batch = s.scheduleBatch(1000);
    if (batch.length === 0) break;
    done += batch.length;
  }
  return (done / (performance.now() - t0)) * 1000;
}

export function preemptionCluster(engine: EngineKind, nodes: number, high: number, clock: () => number): Scheduler {
  const s = new Scheduler({ engine, seed: 42, clock });
  for (let i = 0; i < nodes; i++) s.addNode(node(i));
  for (let i = 0; i < nodes * 4; i++) {
    const p = pod(`low-${i}`, { nodeName: `node-${i % nodes}` }, {}, 0);
    p.spec!.containers[0]!.resources = { requests: { cpu: '900m', memory: '500Mi' } };
    s.addPod(p);
  }
  for (let i = 0; i < high; i++) {
    const p = pod(`high-${i}`, {}, {}, 100);
    p.spec!.containers[0]!.resources = { requests: { cpu: '900m', memory: '500Mi' } };
    s.addPod(p);
  }
  return s;
}

/**
 * PreemptionBasic: nodes full of low-priority pods; each high-priority pod fails, preempts one victim, the
 * victim is deleted and the pod scheduled on its nominated node at the next attempt (a fake clock skips the
 * 1 s backoff). Both engines step through the same cycles in alternation (their decisions are identical), and
 * the ratio compares the median cost of a preemptor: one failed cycle that preempts plus one that schedules.
 */
export function runPreemption(nodes: number, high: number, reps: number): { rates: Record<string, Rate>; ratio: number; scheduled: Record<string, number> } {
  const best: Record<string, Rate> = { wasm: { wall: 0, quiet: 0 }, ts: { wall: 0, quiet: 0 } };
  const scheduled: Record<string, number> = { wasm: 0, ts: 0 };
  const perPreemptor: Record<string, number[]> = { wasm: [], ts: [] };
  for (let r = 0; r < reps; r++) {
    let now = 0;
    const sides = engines.map((engine) => ({
      engine,
      s: preemptionCluster(engine, nodes, high, () => now),
      done: false,
      scheduled: 0,
      failed: [] as number[],
      placed: [] as number[],
      ms: 0,
    }));
    const t0 = performance.now();
    for (let round = 0; round < 10 && sides.some((x) => x.scheduled < high) && performance.now() - t0 < RUN_BUDGET_MS; round++) {
      for (const x of sides) x.done = false;
      for (let i = 0; sides.some((x) => !x.done); i++) {
        for (const x of i % 2 === 0 ? sides : [...sides].reverse()) {
          if (x.done) continue;
          const c0 = performance.now();
          const res = x.s.scheduleOne();
          const ms = performance.now() - c0;
          if (!res) {
            x.done = true;
            continue;
          }
          x.ms += ms;
          if (res.kind === 'scheduled') {
            x.placed.push(ms);
            x.scheduled++;
          } else {
            x.failed.push(ms);
            if (res.kind === 'unschedulable') for (const v of res.victims) x.s.deletePod(v);
          }
        }
      }
      now += 1000;
      for (const x of sides) x.s.tick();
    }
    for (const x of sides) {
      // A preemptor costs one failed and one successful cycle; "quiet" takes the fastest quarter of each kind.
      const quietMs = quarterMean(x.failed) + quarterMean(x.placed);
      const rate = { wall: (x.scheduled / x.ms) * 1000, quiet: quietMs > 0 ? 1000 / quietMs : 0 };
      if (rate.quiet > best[x.engine]!.quiet) best[x.engine] = rate;
      scheduled[x.engine] = x.scheduled;
      perPreemptor[x.engine]!.push(median(x.failed) + median(x.placed));
    }
  }
  // Medians shrug off the cycles another process interrupted; the ratio is per preemptor (one cycle of each kind).
  return { rates: best, ratio: Math.min(...perPreemptor.ts!) / Math.min(...perPreemptor.wasm!), scheduled };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
