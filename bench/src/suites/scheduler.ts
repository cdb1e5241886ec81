/**
 * `pnpm bench scheduler`: kube-scheduler's scheduler_perf workloads.
 *
 *   in process   the core's batch call and the whole Scheduler on SchedulingBasic, NodeAffinity,
 *                TopologySpreading, PodAntiAffinity and PreemptionBasic, wasm against the TS twin
 *                (src/scheduler/in-process.ts)
 *   end to end   SchedulingBasic through the API server: 5,000 nodes registered through the API, 1,000 init
 *                pods bound first (scheduler_perf's initPods), then 10,000 pods created while skiff-scheduler binds them (SchedulingThroughput, created -> bound), then a drain
 *                of pods created while no scheduler ran (src/scheduler/end-to-end.ts). --quick: 200 nodes,
 *                400 pods, no drain.
 */
import type { BenchRatio, BenchResult, Suite, SuiteContext } from '../result.js';
import { runEndToEnd } from '../scheduler/end-to-end.js';
import { endToEndRows } from '../scheduler/end-to-end-report.js';
import { KUBE_CI_THRESHOLD, runInProcess } from '../scheduler/in-process.js';

async function run(ctx: SuiteContext): Promise<{ results: BenchResult[]; ratios: BenchRatio[]; notes: string[] }> {
  const inProcess = await runInProcess(ctx);
  const e2e = ctx.quick ? { nodes: 200, initPods: 100, pods: 400, drainPods: 0, phaseBudgetMs: 20_000 } : { nodes: 5000, initPods: 1000, pods: 10_000, drainPods: 5000, phaseBudgetMs: 300_000 };
  const report = await runEndToEnd({ ...e2e, engine: 'wasm', log: ctx.log });
  const rows = endToEndRows(report, { nodes: e2e.nodes, pods: e2e.pods, engine: 'wasm', kubeCi: KUBE_CI_THRESHOLD });
  return {
    results: [...inProcess.results, ...rows.results],
    ratios: [...inProcess.ratios, ...rows.ratios],
    notes: [...inProcess.notes, ...rows.notes],
  };
}

export const schedulerSuite: Suite = {
  name: 'scheduler',
  description: "scheduler_perf's workloads: in-process core and framework throughput (wasm vs ts), and SchedulingBasic end to end through the API server",
  run,
};
