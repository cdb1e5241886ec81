/**
 * scheduler_perf's SchedulingBasic, end to end through the API server: N nodes registered directly through the
 * API (no kubelets), then scheduler_perf's initPods created and bound, then the measured pods created at full
 * speed while skiff-scheduler (its own process) binds them; the figure is kube-scheduler's SchedulingThroughput,
 * pods bound per second from the first measured create to the last binding, plus its per-second samples. A
 * second phase stops the scheduler, creates pods while none runs, and starts it again: that drain rate is the
 * scheduler and the bindings alone, without creates competing.
 *
 * Where the time goes: the CPU time of the API server and the scheduler processes (from /proc) and of this
 * process (creating pods, watching for bound ones) over each phase, per pod, and the API requests per pod by
 * verb and resource from the API server's own metrics.
 */
import { performance } from 'node:perf_hooks';
import type { Node, Pod } from '@skiff/api';
import { Client } from '@skiff/client';
import { histogramQuantile, parseSamples, sum, type Sample } from './prom-text.js';
import { startApiServer, startSchedulerProcess, type ApiServerChild, type SchedulerChild } from './processes.js';

export interface EndToEndOptions {
  nodes: number;
  /**
   * Pods created and bound before the measured ones, as scheduler_perf's initPods (1,000 for SchedulingBasic's
   * 5000Nodes_10000Pods): the measured pods meet a scheduler that has already placed some, and processes whose
   * hot paths V8 has compiled, as in a running cluster. 0 measures from a cold start.
   */
  initPods: number;
  pods: number;
  /** Pods of the drain phase (created while no scheduler runs); 0 skips it. */
  drainPods: number;
  engine: 'wasm' | 'ts';
  /** Gives up on a phase after this long (the figures then cover the pods bound until then). */
  phaseBudgetMs: number;
  log(msg: string): void;
}

export interface PhaseFigures {
  pods: number;
  bound: number;
  /** Pods bound per second over the phase's window. */
  throughput: number;
  /** Per-second samples of pods bound (kube's SchedulingThroughput samples). */
  samples: { avg: number; p50: number; max: number };
  /** Pods created per second (phase one only). */
  createRate?: number;
  /** created (create answered) -> seen bound, ms. */
  latency?: { p50: number; p99: number };
  cpuUsPerPod: { apiserver: number; scheduler: number; bench: number };
  /** API requests per pod by "verb resource", the larger ones. */
  requestsPerPod: [string, number][];
  windowMs: number;
}

export interface EndToEndReport {
  nodesPerSecond: number;
  /** The init pods (bound before the measured phase): how many and at what rate, created -> bound. */
  init?: { pods: number; bound: number; throughput: number };
  concurrent: PhaseFigures;
  drain?: PhaseFigures;
  scheduler: { bindP50Ms?: number; bindP99Ms?: number; e2eP50Ms?: number; e2eP99Ms?: number; attempts: number };
}

const CREATE_WIDTH = 32;

function node(i: number): Node {
  return {
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } },
    spec: {},
    status: { capacity: { cpu: '4', memory: '32Gi', pods: '110' }, allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
  };
}

function pod(name: string): Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] },
  };
}

async function inParallel(n: number, width: number, fn: (i: number) => Promise<unknown>, deadline = Infinity): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n && performance.now() < deadline) await fn(next++);
    }),
  );
  return Math.min(next, n);
}

/** Waits for `done` or until `deadline` (performance.now() time), whichever comes first. */
async function doneOrDeadline(done: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - performance.now()))))]);
  } finally {
    clearTimeout(timer);
  }
}

function pct(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]! : 0;
}

/** Watches for pods turning bound (the field selector makes binding an ADDED event) and notes when. */
async function watchBound(client: Client, prefix: string, onBound: (name: string, at: number) => void): Promise<() => void> {
  const pods = client.resource<Pod>('v1/pods').namespace('default');
  const rv = (await pods.list({ limit: 1 })).metadata.resourceVersion;
  const stream = await pods.watch({ resourceVersion: rv, fieldSelector: 'spec.nodeName!=' });
  const seen = new Set<string>();
  void (async () => {
    for await (const ev of stream) {
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
      const name = (ev.object as Pod).metadata?.name ?? '';
      if (!name.startsWith(prefix) || seen.has(name)) continue;
      seen.add(name);
      onBound(name, performance.now());
    }
  })().catch(() => undefined);
  return () => stream.close();
}

async function apiRequests(api: ApiServerChild): Promise<Sample[]> {
  return parseSamples(await (await fetch(`${api.url}/metrics`)).text());
}

function requestsPerPod(before: Sample[], after: Sample[], pods: number): [string, number][] {
  const count = (samples: Sample[]) => {
    const m = new Map<string, number>();
    for (const s of samples) if (s.name === 'apiserver_request_total') m.set(`${s.labels.verb} ${s.labels.resource}`, (m.get(`${s.labels.verb} ${s.labels.resource}`) ?? 0) + s.value);
    return m;
  };
  const b = count(before);
  return [...count(after)]
    .map(([k, v]): [string, number] => [k, (v - (b.get(k) ?? 0)) / Math.max(1, pods)])
    .filter(([, v]) => v >= 0.01)
    .sort((x, y) => y[1] - x[1]);
}

function samplesOf(boundAt: number[], start: number): PhaseFigures['samples'] {
  if (boundAt.length === 0) return { avg: 0, p50: 0, max: 0 };
  const end = Math.max(...boundAt);
  const bins = new Array<number>(Math.max(1, Math.ceil((end - start) / 1000))).fill(0);
  for (const t of boundAt) bins[Math.min(bins.length - 1, Math.floor((t - start) / 1000))]!++;
  const sorted = [...bins].sort((a, b) => a - b);
  return { avg: boundAt.length / bins.length, p50: pct(sorted, 0.5), max: sorted.at(-1)! };
}

interface Meters {
  api: number;
  sched: number;
  bench: NodeJS.CpuUsage;
  requests: Sample[];
}

async function meters(api: ApiServerChild, sched: SchedulerChild | undefined): Promise<Meters> {
  return { api: api.cpuMs(), sched: sched?.cpuMs() ?? 0, bench: process.cpuUsage(), requests: await apiRequests(api) };
}

async function cpuPerPod(from: Meters, api: ApiServerChild, sched: SchedulerChild, pods: number, schedCpuBefore = from.sched): Promise<Pick<PhaseFigures, 'cpuUsPerPod' | 'requestsPerPod'>> {
  const bench = process.cpuUsage(from.bench);
  const n = Math.max(1, pods);
  return {
    cpuUsPerPod: { apiserver: ((api.cpuMs() - from.api) * 1000) / n, scheduler: ((sched.cpuMs() - schedCpuBefore) * 1000) / n, bench: (bench.user + bench.system) / n },
    requestsPerPod: requestsPerPod(from.requests, await apiRequests(api), pods),
  };
}

/** Phase one: create `n` pods as fast as the API server takes them while the scheduler binds them. */
async function concurrentPhase(o: EndToEndOptions, client: Client, api: ApiServerChild, sched: SchedulerChild): Promise<PhaseFigures> {
  const pods = client.resource<Pod>('v1/pods').namespace('default');
  const createdAt = new Map<string, number>();
  const boundAt: number[] = [];
  const latencies: number[] = [];
  let allBound!: () => void;
  const done = new Promise<void>((r) => (allBound = r));
  const stop = await watchBound(client, 'pod-', (name, at) => {
    boundAt.push(at);
    const c = createdAt.get(name);
    if (c !== undefined) latencies.push(at - c);
    if (boundAt.length === o.pods) allBound();
  });
  const m0 = await meters(api, sched);
  const t0 = performance.now();
  const deadline = t0 + o.phaseBudgetMs;
  const created = await inParallel(
    o.pods,
    CREATE_WIDTH,
    async (i) => {
      await pods.create(pod(`pod-${i}`));
      createdAt.set(`pod-${i}`, performance.now());
    },
    deadline,
  );
  const createMs = performance.now() - t0;
  await doneOrDeadline(done, deadline);
  const end = boundAt.length ? Math.max(...boundAt) : performance.now();
  stop();
  const cpu = await cpuPerPod(m0, api, sched, boundAt.length);
  latencies.sort((a, b) => a - b);
  return {
    pods: created,
    bound: boundAt.length,
    throughput: (boundAt.length / (end - t0)) * 1000,
    samples: samplesOf(boundAt, t0),
    createRate: (created / createMs) * 1000,
    latency: { p50: pct(latencies, 0.5), p99: pct(latencies, 0.99) },
    ...cpu,
    windowMs: end - t0,
  };
}

/** scheduler_perf's initPods: created at full speed and all bound before the measured phase starts. */
async function initPhase(o: EndToEndOptions, client: Client): Promise<NonNullable<EndToEndReport['init']>> {
  o.log(`end to end: ${o.initPods} init pods, bound before the measured ones`);
  const pods = client.resource<Pod>('v1/pods').namespace('default');
  let bound = 0;
  let allBound!: () => void;
  const done = new Promise<void>((r) => (allBound = r));
  const stop = await watchBound(client, 'init-', () => {
    if (++bound === o.initPods) allBound();
  });
  const t0 = performance.now();
  const deadline = t0 + o.phaseBudgetMs;
  try {
    await inParallel(o.initPods, CREATE_WIDTH, (i) => pods.create(pod(`init-${i}`)), deadline);
    await doneOrDeadline(done, deadline);
  } finally {
    stop();
  }
  if (bound < o.initPods) throw new Error(`end to end: only ${bound} of ${o.initPods} init pods were bound within ${o.phaseBudgetMs} ms`);
  return { pods: o.initPods, bound, throughput: (bound / (performance.now() - t0)) * 1000 };
}

/** Phase two: pods pending before the scheduler starts; the rate at which a fresh scheduler binds them. */
async function drainPhase(o: EndToEndOptions, client: Client, api: ApiServerChild): Promise<{ figures: PhaseFigures; sched: SchedulerChild }> {
  const pods = client.resource<Pod>('v1/pods').namespace('default');
  o.log(`drain: creating ${o.drainPods} pods with no scheduler running`);
  await inParallel(o.drainPods, CREATE_WIDTH, (i) => pods.create(pod(`pre-${i}`)));
  const boundAt: number[] = [];
  let allBound!: () => void;
  const done = new Promise<void>((r) => (allBound = r));
  const stop = await watchBound(client, 'pre-', (_, at) => {
    boundAt.push(at);
    if (boundAt.length === o.drainPods) allBound();
  });
  const m0 = await meters(api, undefined);
  const sched = await startSchedulerProcess(api.url, api.dir, ['--engine', o.engine]);
  // The scheduler's start (listing nodes and pods) is not part of the drain; its CPU from here on is.
  const schedCpuAtStart = sched.cpuMs();
  const deadline = performance.now() + o.phaseBudgetMs;
  await doneOrDeadline(done, deadline);
  stop();
  const first = Math.min(...boundAt);
  const last = Math.max(...boundAt);
  const cpu = await cpuPerPod(m0, api, sched, boundAt.length, schedCpuAtStart);
  return {
    sched,
    figures: {
      pods: o.drainPods,
      bound: boundAt.length,
      throughput: boundAt.length > 1 ? ((boundAt.length - 1) / (last - first)) * 1000 : 0,
      samples: samplesOf(boundAt, first),
      ...cpu,
      windowMs: last - first,
    },
  };
}

export async function runEndToEnd(o: EndToEndOptions): Promise<EndToEndReport> {
  const api = await startApiServer();
  const client = new Client({ server: api.url, qps: 0, maxSockets: 64 });
  let sched: SchedulerChild | undefined;
  try {
    o.log(`end to end: registering ${o.nodes} nodes through the API`);
    const tn = performance.now();
    const nodes = client.resource<Node>('v1/nodes');
    await inParallel(o.nodes, CREATE_WIDTH, (i) => nodes.create(node(i)));
    const nodesPerSecond = (o.nodes / (performance.now() - tn)) * 1000;
    sched = await startSchedulerProcess(api.url, api.dir, ['--engine', o.engine]);
    const init = o.initPods > 0 ? await initPhase(o, client) : undefined;
    o.log(`end to end: creating ${o.pods} pods while skiff-scheduler (${o.engine}) binds them`);
    const concurrent = await concurrentPhase(o, client, api, sched);
    let drain: PhaseFigures | undefined;
    let metricsText = await (await fetch(`${sched.metricsUrl}/metrics`)).text();
    if (o.drainPods > 0) {
      await sched.stop();
      const d = await drainPhase(o, client, api);
      sched = d.sched;
      drain = d.figures;
    }
    const s = parseSamples(metricsText);
    const ms = (v: number | undefined) => (v === undefined ? undefined : v * 1000);
    metricsText = '';
    return {
      nodesPerSecond,
      init,
      concurrent,
      drain,
      scheduler: {
        bindP50Ms: ms(histogramQuantile(s, 'scheduler_framework_extension_point_duration_seconds', 0.5, { extension_point: 'Bind' })),
        bindP99Ms: ms(histogramQuantile(s, 'scheduler_framework_extension_point_duration_seconds', 0.99, { extension_point: 'Bind' })),
        e2eP50Ms: ms(histogramQuantile(s, 'scheduler_pod_scheduling_sli_duration_seconds', 0.5)),
        e2eP99Ms: ms(histogramQuantile(s, 'scheduler_pod_scheduling_sli_duration_seconds', 0.99)),
        attempts: sum(s, 'scheduler_schedule_attempts_total'),
      },
    };
  } finally {
    client.close();
    await sched?.stop();
    await api.stop();
  }
}
