/**
 * The core's figures: the batch call over pods already encoded (filter, score, select, assume), both engines
 * chunk by chunk in alternation, and single cycles for per-pod latency.
 */
import { performance } from 'node:perf_hooks';
import { createCore, encodePod, ProfileWriter, resolveConfig, type EngineKind, type SchedulingCore } from '@skiff/scheduler-wasm';
import { encodeOptions, type Workload } from './workloads.js';

export const engines: EngineKind[] = ['wasm', 'ts'];
/** No single workload run may take longer than this; a run that would is cut short and reported. */
export const RUN_BUDGET_MS = 20_000;

/** A core with the workload's nodes and init pods, plus its measured pods encoded into slots. */
export function setupCore(engine: EngineKind, w: Workload): { core: SchedulingCore; slots: number[] } {
  const core = createCore({ engine });
  new ProfileWriter(core.model).write(0, resolveConfig().profiles[0]!.core);
  core.setSeed(42);
  const model = core.model;
  const order: number[] = [];
  for (let i = 0; i < w.nodes; i++) order.push(model.writeNode(w.node(i)));
  model.setOrder(order);
  for (let i = 0; i < w.initPods; i++) {
    const p = w.initPod(i);
    model.pods.place(model.pods.add(encodePod(p, model, encodeOptions(p))), order[i % w.nodes]!);
  }
  const slots: number[] = [];
  for (let i = 0; i < w.measurePods; i++) {
    const p = w.measurePod(i);
    slots.push(model.pods.add(encodePod(p, model, encodeOptions(p))));
  }
  return { core, slots };
}

export interface Rate {
  /** Pods per second over the whole run, wall-clock. */
  wall: number;
  /**
   * Pods per second over the fastest quarter of equal chunks of the run: on a machine shared with other work
   * the process is descheduled at random, and the quiet chunks are the ones that ran undisturbed.
   */
  quiet: number;
}

export function quarterMean(xs: number[]): number {
  if (xs.length === 0) return 0;
  const q = [...xs].sort((a, b) => a - b).slice(0, Math.max(1, Math.floor(xs.length / 4)));
  return q.reduce((x, y) => x + y, 0) / q.length;
}

/** Rates from per-chunk timings (ms) of `perChunk` pods each, plus the total pods and time. */
export function rates(chunks: number[], perChunk: number, pods: number, totalMs: number): Rate {
  return { wall: (pods / totalMs) * 1000, quiet: (perChunk / quarterMean(chunks)) * 1000 };
}

/** One engine's part of a paired run: its core, measured slots and what it has done so far. */
export interface Side {
  engine: EngineKind;
  core: SchedulingCore;
  slots: number[];
  hdr: Int32Array;
  at: number;
  nodes: number[];
  chunks: number[];
  ms: number;
}

/**
 * Times the batch calls that schedule every measured pod on both engines, chunk by chunk in alternation (wasm,
 * ts, ts, wasm, ...), so both run under the same load from other processes; the ratio is the median over paired
 * chunks. Each of `reps` runs starts from the same state: measured pods are taken off their nodes again and the
 * start index, RNG state and caches are reset. Rates come from the best run.
 */
export function runPaired(w: Workload, reps: number): { rates: Record<string, Rate>; ratio: number; nodes: Record<string, number[]>; cut: boolean } {
  const sides: Side[] = engines.map((engine) => {
    const { core, slots } = setupCore(engine, w);
    return { engine, core, slots, hdr: core.model.table.v.hdr.slice(), at: 0, nodes: [], chunks: [], ms: 0 };
  });
  const chunk = Math.max(10, Math.floor(w.measurePods / 40));
  const best: Record<string, Rate> = { wasm: { wall: 0, quiet: 0 }, ts: { wall: 0, quiet: 0 } };
  const pairRatios: number[] = [];
  let cut = false;
  for (let r = 0; r < reps; r++) {
    for (const s of sides) {
      s.core.model.table.v.hdr.set(s.hdr.subarray(0, 4));
      s.core.model.table.bumpEpoch();
      Object.assign(s, { at: 0, nodes: [], chunks: [], ms: 0 });
    }
    const t0 = performance.now();
    for (let i = 0; sides.some((s) => s.at < s.slots.length); i++) {
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      const took: number[] = [];
      for (const s of order) {
        if (s.at >= s.slots.length) continue;
        const end = Math.min(s.slots.length, s.at + chunk);
        const c0 = performance.now();
        const out = s.core.scheduleBatch(s.slots.slice(s.at, end), 0);
        const ms = performance.now() - c0;
        s.ms += ms;
        if (end - s.at === chunk && out.done === chunk) {
          s.chunks.push(ms);
          took[engines.indexOf(s.engine)] = ms;
        }
        for (let k = 0; k < out.nodes.length; k++) s.nodes.push(out.nodes[k]!);
        s.at += out.done < end - s.at ? out.done + 1 : out.done;
      }
      if (took[0] !== undefined && took[1] !== undefined) pairRatios.push(took[1] / took[0]);
      if (performance.now() - t0 > RUN_BUDGET_MS) {
        cut = true;
        break;
      }
    }
    for (const s of sides) {
      const rate = rates(s.chunks.length ? s.chunks : [s.ms], s.chunks.length ? chunk : s.at, s.at, s.ms);
      if (rate.quiet > best[s.engine]!.quiet) best[s.engine] = rate;
      const model = s.core.model;
      for (let k = 0; k < s.at; k++) if (model.pods.nodeOf(s.slots[k]!) >= 0) model.pods.unplace(s.slots[k]!);
    }
  }
  pairRatios.sort((a, b) => a - b);
  const ratio = pairRatios.length ? pairRatios[Math.floor(pairRatios.length / 2)]! : best.wasm!.quiet / best.ts!.quiet;
  return { rates: best, ratio, nodes: { wasm: sides[0]!.nodes, ts: sides[1]!.nodes }, cut };
}

/** Per-pod latency of single cycles (one boundary crossing each), SchedulingBasic. */
export function runLatency(engine: EngineKind, w: Workload, pods: number): { p50: number; p99: number; rate: number } {
  const { core, slots } = setupCore(engine, { ...w, measurePods: pods });
  const lat = new Float64Array(slots.length);
  const t0 = performance.now();
  for (let i = 0; i < slots.length; i++) {
    const s = performance.now();
    core.schedule(slots[i]!, 0, true);
    lat[i] = (performance.now() - s) * 1000;
  }
  const total = performance.now() - t0;
  lat.sort();
  return { p50: lat[Math.floor(lat.length / 2)]!, p99: lat[Math.floor(lat.length * 0.99)]!, rate: (slots.length / total) * 1000 };
}
