import { parseLabelSelector, type Pod } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import type { MetricsResult, PodMetric, PodMetricsSource } from './pod-metrics-source.js';
import { groupPods, podRequests, ReplicaCalculator, type ReplicaProposal } from './replica-calculator.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const LONG_AGO = NOW - 3_600_000;

interface PodOptions {
  requests?: Record<string, string> | null;
  phase?: string;
  ready?: boolean;
  startMs?: number;
  readySinceMs?: number;
  deleting?: boolean;
  extraContainers?: { name: string; requests?: Record<string, string> }[];
  sidecar?: { name: string; requests?: Record<string, string> };
}

function pod(name: string, o: PodOptions = {}): Pod {
  const start = o.startMs ?? LONG_AGO;
  const main = { name: 'app', image: 'x', ...(o.requests === null ? {} : { resources: { requests: o.requests ?? { cpu: '100m', memory: '100Mi' } } }) };
  const extra = (o.extraContainers ?? []).map((c) => ({ name: c.name, image: 'x', ...(c.requests ? { resources: { requests: c.requests } } : {}) }));
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: iso(NOW) } : {}) },
    spec: {
      containers: [main, ...extra],
      ...(o.sidecar ? { initContainers: [{ name: o.sidecar.name, image: 'x', restartPolicy: 'Always', resources: { requests: o.sidecar.requests ?? {} } }] } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      startTime: iso(start),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: iso(o.readySinceMs ?? start + 5_000) }],
    },
  } as Pod;
}

/** A metrics source answering with fixed figures (milli-units), measured now over a 15 s window unless told. */
class FakeMetrics implements PodMetricsSource {
  calls: { resource: string; selector: string; container?: string }[] = [];
  constructor(private readonly figures: Record<string, number | PodMetric> | string) {}
  async resourceMetric(resource: string, _ns: string, selector: string, container?: string): Promise<MetricsResult> {
    this.calls.push({ resource, selector, container });
    if (typeof this.figures === 'string') return { ok: false, error: this.figures };
    const metrics = new Map<string, PodMetric>();
    for (const [name, f] of Object.entries(this.figures)) metrics.set(name, typeof f === 'number' ? { value: f, timestampMs: NOW, windowMs: 15_000 } : f);
    return { ok: true, metrics, timestampMs: NOW };
  }
}

const selector = parseLabelSelector('app=web');

function calculator(pods: Pod[], figures: Record<string, number | PodMetric> | string, tolerance = 0.1) {
  const source = new FakeMetrics(figures);
  const calc = new ReplicaCalculator(source, () => pods, { tolerance, cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000, now: () => NOW });
  return { calc, source };
}

const names = (n: number, o: PodOptions = {}) => Array.from({ length: n }, (_, i) => pod(`p${i + 1}`, o));
const each = (n: number, v: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i + 1}`, v]));
const replicas = (p: ReplicaProposal) => (p.ok ? p.replicas : p.error);

describe('ReplicaCalculator, CPU utilization (requests 100m, target 50%)', () => {
  it.each([
    { what: 'scales up by the usage ratio: 3 pods at 90% -> ratio 1.8 -> 6', pods: names(3), figures: each(3, 90), current: 3, want: 6, utilization: 90 },
    { what: 'scales down: 4 pods at 10% -> ratio 0.2 -> ceil(0.8) = 1', pods: names(4), figures: each(4, 10), current: 4, want: 1, utilization: 10 },
    { what: 'keeps the count within the tolerance: 54% is ratio 1.08', pods: names(3), figures: each(3, 54), current: 3, want: 3, utilization: 54 },
    { what: 'scales just outside the tolerance: 56% is ratio 1.12 -> ceil(3.36) = 4', pods: names(3), figures: each(3, 56), current: 3, want: 4, utilization: 56 },
    {
      what: 'counts a pod without figures as idle on a scale-up: 270/400 = 67% -> ratio 1.34 -> ceil(5.36) = 6',
      pods: names(4),
      figures: each(3, 90),
      current: 4,
      want: 6,
      utilization: 90,
    },
    {
      what: 'counts a pod without figures as at its request on a scale-down: 130/400 = 32% -> ratio 0.64 -> ceil(2.56) = 3',
      pods: names(4),
      figures: each(3, 10),
      current: 4,
      want: 3,
      utilization: 10,
    },
    {
      what: 'keeps the count when the missing pods turn a scale-down around: 1 pod at 40% + 2 missing -> 240/300 = 80%, ratio 1.6',
      pods: names(3),
      figures: { p1: 40 },
      current: 3,
      want: 3,
      utilization: 40,
    },
    {
      what: 'counts an unready pod as idle on a scale-up: 3 ready at 90% + 1 never ready -> 67% -> 6',
      pods: [...names(3), pod('p4', { ready: false, readySinceMs: LONG_AGO + 10_000 })],
      figures: each(4, 90),
      current: 4,
      want: 6,
      utilization: 90,
    },
    {
      what: 'keeps the count when unready pods turn a scale-up around: 1 ready at 60% + 3 unready -> 15%',
      pods: [pod('p1'), ...['p2', 'p3', 'p4'].map((n) => pod(n, { phase: 'Pending' }))],
      figures: { p1: 60 },
      current: 4,
      want: 4,
      utilization: 60,
    },
    {
      what: 'leaves unready pods out of a scale-down: 2 ready at 10% (the unready one at 90% is ignored) -> ceil(0.4) = 1',
      pods: [...names(2), pod('p3', { ready: false, readySinceMs: LONG_AGO + 10_000 })],
      figures: { p1: 10, p2: 10, p3: 90 },
      current: 3,
      want: 1,
      utilization: 10,
    },
    {
      what: 'ignores pods being deleted and Failed pods: 2 at 90% -> ceil(3.6) = 4',
      pods: [...names(2), pod('p3', { deleting: true }), pod('p4', { phase: 'Failed' })],
      figures: { p1: 90, p2: 90, p3: 0 },
      current: 4,
      want: 4,
      utilization: 90,
    },
    {
      what: 'adds restartable init containers (sidecars) to the request: 90m over 100m + 100m is 45%, ratio 0.9',
      pods: names(2, { sidecar: { name: 'proxy', requests: { cpu: '100m' } } }),
      figures: each(2, 90),
      current: 2,
      want: 2,
      utilization: 45,
    },
  ])('$what', async ({ pods, figures, current, want, utilization }) => {
    const { calc, source } = calculator(pods, figures);
    const p = await calc.utilizationReplicas(current, 50, 'cpu', 'ns', selector);
    expect(replicas(p)).toBe(want);
    expect(p.ok && p.utilization).toBe(utilization);
    expect(source.calls).toEqual([{ resource: 'cpu', selector: 'app=web', container: undefined }]);
  });

  it('reports the average raw usage with the utilization', async () => {
    const { calc } = calculator(names(2), { p1: 120, p2: 80 });
    expect(await calc.utilizationReplicas(2, 50, 'cpu', 'ns', selector)).toEqual({ ok: true, replicas: 4, utilization: 100, rawAverage: 100, timestampMs: NOW });
  });

  it('honours a wider tolerance: 56% is within 0.2 of the target', async () => {
    const { calc } = calculator(names(3), each(3, 56), 0.2);
    expect(replicas(await calc.utilizationReplicas(3, 50, 'cpu', 'ns', selector))).toBe(3);
  });

  it.each([
    { what: 'a container without a request', pods: [pod('p1'), pod('p2', { requests: null })], figures: each(2, 50), error: 'missing request for cpu in container app of Pod p2' },
    { what: 'no figures at all', pods: names(2), figures: 'no metrics returned from resource metrics API', error: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API' },
    { what: 'no pods', pods: [], figures: each(1, 50), error: 'no pods returned by selector while calculating replica count' },
    { what: 'only unready pods', pods: names(2, { phase: 'Pending' }), figures: each(2, 50), error: 'did not receive metrics for targeted pods (pods might be unready)' },
  ])('fails with $what', async ({ pods, figures, error }) => {
    const { calc } = calculator(pods, figures);
    expect(await calc.utilizationReplicas(2, 50, 'cpu', 'ns', selector)).toEqual({ ok: false, error });
  });

  it('asks for one container and counts only its request (ContainerResource)', async () => {
    const pods = names(2, { extraContainers: [{ name: 'logger' }] });
    const { calc, source } = calculator(pods, each(2, 150));
    const p = await calc.utilizationReplicas(2, 50, 'cpu', 'ns', selector, 'app');
    expect(replicas(p)).toBe(6);
    expect(source.calls[0]!.container).toBe('app');
    // Across every container, the logger's missing request makes utilization meaningless.
    expect(replicas(await calc.utilizationReplicas(2, 50, 'cpu', 'ns', selector))).toBe('missing request for cpu in container logger of Pod p1');
  });
});

describe('ReplicaCalculator, AverageValue targets', () => {
  const MI = 1024 * 1024 * 1000; // 1Mi in milli-bytes

  it.each([
    { what: 'scales memory up by the ratio: 2 pods at 300Mi for a 100Mi target -> 6', pods: names(2), figures: each(2, 300 * MI), current: 2, want: 6 },
    { what: 'scales memory down: 4 pods at 20Mi -> ceil(0.8) = 1', pods: names(4), figures: each(4, 20 * MI), current: 4, want: 1 },
    { what: 'keeps memory within the tolerance: 105Mi', pods: names(3), figures: each(3, 105 * MI), current: 3, want: 3 },
    {
      what: 'counts missing pods as exactly at the target on a scale-down: (2 x 20 + 2 x 100) / 4 = 60Mi -> ceil(2.4) = 3',
      pods: names(4),
      figures: each(2, 20 * MI),
      current: 4,
      want: 3,
    },
    {
      what: 'counts pods not Ready for memory (readiness only matters for CPU): 2 at 300Mi -> 6',
      pods: [pod('p1'), pod('p2', { ready: false, readySinceMs: LONG_AGO + 1000 })],
      figures: each(2, 300 * MI),
      current: 2,
      want: 6,
    },
    {
      what: 'still leaves Pending pods out, as idle on a scale-up: (300 + 0) / 2 = 150Mi -> 3',
      pods: [pod('p1'), pod('p2', { phase: 'Pending' })],
      figures: { p1: 300 * MI },
      current: 2,
      want: 3,
    },
  ])('$what', async ({ pods, figures, current, want }) => {
    const { calc } = calculator(pods, figures);
    expect(replicas(await calc.averageValueReplicas(current, 100 * MI, 'memory', 'ns', selector))).toBe(want);
  });

  it('reports the average usage per pod', async () => {
    const { calc } = calculator(names(2), { p1: 100, p2: 301 });
    expect(await calc.averageValueReplicas(2, 200, 'cpu', 'ns', selector)).toEqual({ ok: true, replicas: 2, rawAverage: 200, timestampMs: NOW });
  });
});

describe('groupPods', () => {
  const opts = { cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000 };
  const fig = (timestampMs: number, windowMs = 15_000): PodMetric => ({ value: 1, timestampMs, windowMs });

  it.each([
    { what: 'a Ready pod past its initialization period', p: pod('a'), m: fig(NOW), group: 'ready' },
    { what: 'a pod being deleted', p: pod('a', { deleting: true }), m: fig(NOW), group: 'ignored' },
    { what: 'a Failed pod', p: pod('a', { phase: 'Failed' }), m: fig(NOW), group: 'ignored' },
    { what: 'a Pending pod', p: pod('a', { phase: 'Pending' }), m: fig(NOW), group: 'unready' },
    { what: 'a pod without figures', p: pod('a'), m: undefined, group: 'missing' },
    { what: 'a new pod whose figure was measured a full window after it became Ready', p: pod('a', { startMs: NOW - 60_000, readySinceMs: NOW - 40_000 }), m: fig(NOW - 20_000), group: 'ready' },
    { what: 'a new pod whose figure predates readiness + window', p: pod('a', { startMs: NOW - 60_000, readySinceMs: NOW - 40_000 }), m: fig(NOW - 30_000), group: 'unready' },
    { what: 'a new pod not Ready', p: pod('a', { startMs: NOW - 60_000, ready: false, readySinceMs: NOW - 50_000 }), m: fig(NOW), group: 'unready' },
    { what: 'an old pod not Ready that never was (readiness changed within 30 s of start)', p: pod('a', { ready: false, readySinceMs: LONG_AGO + 20_000 }), m: fig(NOW), group: 'unready' },
    { what: 'an old pod not Ready that had been Ready before', p: pod('a', { ready: false, readySinceMs: LONG_AGO + 600_000 }), m: fig(NOW), group: 'ready' },
  ])('puts $what in $group', ({ p, m, group }) => {
    const g = groupPods([p], m ? new Map([['a', m]]) : new Map(), 'cpu', opts, NOW);
    const where = g.ignored.has('a') ? 'ignored' : g.unready.has('a') ? 'unready' : g.missing.has('a') ? 'missing' : g.readyCount === 1 ? 'ready' : 'nowhere';
    expect(where).toBe(group);
  });
});

describe('podRequests', () => {
  it('sums each pod\'s containers in milli-units', () => {
    const r = podRequests([pod('a', { extraContainers: [{ name: 'b', requests: { cpu: '0.25' } }] })], 'cpu');
    expect(r).toEqual({ ok: true, requests: new Map([['a', 350]]) });
  });
});
