/**
 * The end-to-end run as table rows, ratios and notes: throughput against the 2,000 pods/s target and kube's CI
 * threshold, and where the time went (CPU per pod of each process, requests per pod, what one core of each
 * process would allow).
 */
import os from 'node:os';
import type { BenchRatio, BenchResult } from '../result.js';
import type { EndToEndReport, PhaseFigures } from './end-to-end.js';

export const E2E_TARGET = 2000;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function cpuRows(prefix: string, engine: string, f: PhaseFigures): BenchResult[] {
  return [
    { name: `${prefix}: API server CPU`, engine, unit: 'us/pod', value: f.cpuUsPerPod.apiserver },
    { name: `${prefix}: scheduler CPU`, engine, unit: 'us/pod', value: f.cpuUsPerPod.scheduler },
    { name: `${prefix}: bench client CPU`, engine, unit: 'us/pod', value: f.cpuUsPerPod.bench },
  ];
}

function whereTimeGoes(label: string, f: PhaseFigures): string {
  const api = f.cpuUsPerPod.apiserver;
  const sched = f.cpuUsPerPod.scheduler;
  const requests = f.requestsPerPod
    .slice(0, 5)
    .map(([k, v]) => `${v.toFixed(2)} ${k}`)
    .join(', ');
  const bottleneck = api >= sched ? 'the API server' : 'the scheduler';
  return (
    `${label}: per bound pod the API server spent ${fmt(api)} us of CPU, the scheduler ${fmt(sched)} us, this process ` +
    `${fmt(f.cpuUsPerPod.bench)} us; one whole core each would allow about ${fmt(1e6 / Math.max(1, api))} pods/s (API server) ` +
    `and ${fmt(1e6 / Math.max(1, sched))} pods/s (scheduler), so ${bottleneck} is the limit. API requests per pod: ${requests || 'none counted'}.`
  );
}

export function endToEndRows(r: EndToEndReport, o: { nodes: number; pods: number; engine: string; kubeCi: number }): { results: BenchResult[]; ratios: BenchRatio[]; notes: string[] } {
  const e = o.engine;
  const name = `e2e SchedulingBasic ${o.nodes} nodes`;
  const c = r.concurrent;
  const results: BenchResult[] = [
    { name: `${name}: nodes registered`, engine: e, unit: 'nodes/s', value: r.nodesPerSecond },
    ...(r.init ? [{ name: `${name}: ${r.init.pods} init pods created -> bound (before measuring)`, engine: e, unit: 'pods/s', value: r.init.throughput }] : []),
    { name: `${name}: ${o.pods} pods created -> bound (SchedulingThroughput)`, engine: e, unit: 'pods/s', value: c.throughput },
    { name: `${name}: 1 s samples of pods bound, median`, engine: e, unit: 'pods/s', value: c.samples.p50 },
    { name: `${name}: 1 s samples of pods bound, best`, engine: e, unit: 'pods/s', value: c.samples.max },
    { name: `${name}: pods created`, engine: e, unit: 'pods/s', value: c.createRate ?? 0 },
    { name: `${name}: created -> bound latency`, engine: e, unit: 'ms', value: c.latency?.p50 ?? 0, p50: c.latency?.p50, p99: c.latency?.p99 },
    ...cpuRows(name, e, c),
  ];
  const s = r.scheduler;
  if (s.bindP50Ms !== undefined) results.push({ name: `${name}: Bind (pods/binding) latency`, engine: e, unit: 'ms', value: s.bindP50Ms, p50: s.bindP50Ms, p99: s.bindP99Ms });
  if (s.e2eP50Ms !== undefined) results.push({ name: `${name}: queue -> bound latency (scheduler's SLI)`, engine: e, unit: 'ms', value: s.e2eP50Ms, p50: s.e2eP50Ms, p99: s.e2eP99Ms });
  const ratios: BenchRatio[] = [
    { name: `e2e SchedulingThroughput / ${fmt(E2E_TARGET)} pods/s`, value: c.throughput / E2E_TARGET, target: 1 },
    { name: `e2e SchedulingThroughput / kube-scheduler CI (${o.kubeCi} pods/s)`, value: c.throughput / o.kubeCi },
  ];
  const notes: string[] = [
    `End to end: the API server (in-memory store) and skiff-scheduler (--engine ${e}, events on, no client rate limit) run as their own ` +
      `processes; this process registers the nodes, creates pods 32 at a time and watches for bound ones (spec.nodeName != ""). ` +
      (r.init ? `As scheduler_perf does, ${r.init.pods} init pods are created and bound before the ${o.pods} measured ones; the throughput covers the measured pods only. ` : '') +
      `Load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cpus.`,
  ];
  if (c.bound < o.pods) notes.push(`e2e: only ${c.bound} of ${o.pods} pods were bound within the phase budget; the rates cover those.`);
  if (c.throughput < E2E_TARGET) {
    notes.push(`missed: e2e SchedulingThroughput ${fmt(c.throughput)} pods/s against the ${fmt(E2E_TARGET)} pods/s target (kube-scheduler's CI asks ${o.kubeCi}).`);
  }
  notes.push(whereTimeGoes('Where the time goes (pods created while scheduling)', c));
  if (r.drain) {
    const d = r.drain;
    const dn = `${name}: drain, ${d.pods} pods pending at start`;
    results.push({ name: `${dn}: pods bound`, engine: e, unit: 'pods/s', value: d.throughput }, ...cpuRows(dn, e, d));
    ratios.push({ name: `e2e drain (no creates competing) / ${fmt(E2E_TARGET)} pods/s`, value: d.throughput / E2E_TARGET });
    if (d.bound < d.pods) notes.push(`e2e drain: only ${d.bound} of ${d.pods} pods were bound within the phase budget.`);
    notes.push(whereTimeGoes('Where the time goes (drain: bindings only, no creates)', d));
  }
  return { results, ratios, notes };
}
