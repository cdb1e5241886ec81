/**
 * The in-process part of the scheduler suite: scheduler_perf's workloads through the core's batch call ("core":
 * pods already encoded) and through the whole Scheduler ("framework"), wasm against the TS twin.
 */
import os from 'node:os';
import type { BenchRatio, BenchResult, SuiteContext } from '../result.js';
import { engines, runLatency, runPaired, RUN_BUDGET_MS } from './core-runs.js';
import { runFramework, runPreemption } from './framework-runs.js';
import { workloads } from './workloads.js';

const RATIO_TARGET = 1.5;
const BASIC_TARGET = 100_000;
/** kube-scheduler's CI threshold for SchedulingBasic with 5,000 nodes (pods/s), for scale. */
export const KUBE_CI_THRESHOLD = 680;

export async function runInProcess(ctx: SuiteContext): Promise<{ results: BenchResult[]; ratios: BenchRatio[]; notes: string[] }> {
  const results: BenchResult[] = [];
  const ratios: BenchRatio[] = [];
  const notes: string[] = [];
  const reps = ctx.quick ? 2 : 3;
  notes.push(
    `"pods/s" is over a whole run (best of several identical runs), "pods/s quiet" over its fastest quarter of equal chunks: ` +
      `the machine is shared (load average ${os.loadavg()[0]!.toFixed(1)} at the start), and the quiet figure is what a run ` +
      'undisturbed by other processes does. Core ratios are medians over chunks the two engines ran back to back; the ' +
      'other ratios and targets use the quiet figures.',
  );
  for (const w of workloads(ctx.quick)) {
    ctx.log(`${w.name}: ${w.nodes} nodes, ${w.initPods} init pods, ${w.measurePods} measured pods`);
    const paired = runPaired(w, w.measurePods >= 5000 || !ctx.quick ? reps : 1);
    const byEngine = paired.rates;
    if (paired.cut) notes.push(`${w.name} hit the ${RUN_BUDGET_MS / 1000} s run budget; its rates cover the pods scheduled until then.`);
    for (const engine of engines) {
      results.push({ name: `${w.name} core`, engine, unit: 'pods/s', value: byEngine[engine]!.wall });
      results.push({ name: `${w.name} core`, engine, unit: 'pods/s quiet', value: byEngine[engine]!.quiet });
    }
    const wasm = byEngine.wasm!.quiet;
    ratios.push({ name: `${w.name} core wasm/ts`, value: paired.ratio, target: RATIO_TARGET });
    if (paired.ratio < RATIO_TARGET) notes.push(`${w.name}: wasm is ${paired.ratio.toFixed(2)}x the TS twin, short of the ${RATIO_TARGET}x target.`);
    if (JSON.stringify(paired.nodes.wasm) !== JSON.stringify(paired.nodes.ts)) notes.push(`${w.name}: the engines chose different nodes (they must not).`);
    if (w.name === 'SchedulingBasic') {
      ratios.push({ name: 'SchedulingBasic core wasm / 100,000 pods/s', value: wasm / BASIC_TARGET, target: 1 });
      ratios.push({ name: `SchedulingBasic core wasm / kube-scheduler CI (${KUBE_CI_THRESHOLD} pods/s)`, value: wasm / KUBE_CI_THRESHOLD });
      if (wasm < BASIC_TARGET) notes.push(`SchedulingBasic core: ${Math.round(wasm).toLocaleString('en-US')} pods/s quiet (wasm), short of the ${BASIC_TARGET.toLocaleString('en-US')} pods/s target.`);
      if (byEngine.wasm!.wall < BASIC_TARGET && wasm >= BASIC_TARGET) {
        notes.push(`SchedulingBasic core: ${Math.round(byEngine.wasm!.wall).toLocaleString('en-US')} pods/s over the whole run on this shared machine.`);
      }
      for (const engine of engines) {
        const l = runLatency(engine, w, ctx.quick ? 2000 : 10_000);
        results.push({ name: 'SchedulingBasic single cycle', engine, unit: 'pods/s', value: l.rate, p50: l.p50, p99: l.p99 });
      }
      notes.push('SchedulingBasic single cycle: p50/p99 are microseconds per pod, one JS->core call each.');
      const fw: Record<string, number> = {};
      for (const engine of engines) {
        fw[engine] = runFramework(engine, w);
        results.push({ name: 'SchedulingBasic framework', engine, unit: 'pods/s', value: fw[engine]! });
      }
      ratios.push({ name: 'SchedulingBasic framework wasm/ts', value: fw.wasm! / fw.ts! });
    }
  }
  const pNodes = ctx.quick ? 100 : 500;
  const pHigh = ctx.quick ? 100 : 500;
  ctx.log(`PreemptionBasic: ${pNodes} nodes, ${pNodes * 4} low-priority pods, ${pHigh} high-priority pods`);
  const pre = runPreemption(pNodes, pHigh, ctx.quick ? 1 : 3);
  for (const engine of engines) {
    results.push({ name: 'PreemptionBasic framework', engine, unit: 'pods/s', value: pre.rates[engine]!.wall });
    results.push({ name: 'PreemptionBasic framework', engine, unit: 'pods/s quiet', value: pre.rates[engine]!.quiet });
    if (pre.scheduled[engine]! < pHigh) notes.push(`PreemptionBasic (${engine}): only ${pre.scheduled[engine]} of ${pHigh} preemptors were scheduled.`);
  }
  ratios.push({ name: 'PreemptionBasic framework wasm/ts', value: pre.ratio, target: RATIO_TARGET });
  if (pre.ratio < RATIO_TARGET) notes.push(`PreemptionBasic: wasm is ${pre.ratio.toFixed(2)}x the TS twin, short of the ${RATIO_TARGET}x target.`);
  return { results, ratios, notes };
}
