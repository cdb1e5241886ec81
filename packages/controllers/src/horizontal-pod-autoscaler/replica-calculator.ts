/**
 * How many replicas one resource metric asks for, as upstream's replica calculator works it out.
 *
 *   usage ratio = current / target            (utilization: sum of usage / sum of requests, in % of the target %)
 *   |1 - ratio| <= tolerance                  -> keep the current count
 *   otherwise                                 -> ceil(ratio x pods with a usable figure)
 *
 * Pods are grouped first (see groupPods): deleted or Failed pods are ignored; Pending pods, and for CPU pods not
 * Ready (or whose figure was measured before they became Ready), are "unready"; pods with no figure are "missing".
 * When there are missing pods, or unready pods and the first ratio says scale up, the ratio is worked out again
 * with the gaps filled in the cautious direction:
 *
 *   missing pods, scaling down   count as using max(100%, target%) of their request (AverageValue: the target)
 *   missing pods, scaling up     count as using 0
 *   unready pods, scaling up     count as using 0
 *
 * and if the second ratio is within tolerance or points the other way, or its count would move the wrong way, the
 * current count stays. Example: 3 ready pods at 90% of a 50% target plus one pod without a figure: ratio 1.8 (up),
 * filled in as 0 -> 270 / 400 = 67% -> ratio 1.34 -> ceil(1.34 x 4) = 6.
 *
 * Expected failures (no figures, a missing request) are values with upstream's messages, not exceptions.
 */
import { parseQuantity, quantityMilli, type LabelSelector, type Pod } from '@skiff/api';
import type { PodMetricsInfo, PodMetricsSource } from './pod-metrics-source.js';

export interface ReplicaCalculatorOptions {
  /** Ratios within 1 +/- tolerance change nothing (default 0.1). */
  tolerance: number;
  /** For this long after a pod starts, a CPU figure counts only if measured a full window after it became Ready (default 5 min). */
  cpuInitializationPeriodMs: number;
  /** After that, a pod not Ready whose readiness last changed within this long of its start never was Ready, and is left out (default 30 s). */
  initialReadinessDelayMs: number;
  now(): number;
}

/** The pods of a namespace a selector picks (from the informer cache). */
export type PodLister = (namespace: string, selector: LabelSelector) => Pod[];

export type ReplicaProposal =
  | { ok: true; replicas: number; /** utilization targets only: % of request */ utilization?: number; /** per pod, milli-units */ rawAverage: number; timestampMs: number }
  | { ok: false; error: string };

export interface PodGroups {
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** Sorts pods by whether their figure can be used (see the file comment). */
export function groupPods(pods: Pod[], metrics: PodMetricsInfo, resource: string, o: Pick<ReplicaCalculatorOptions, 'cpuInitializationPeriodMs' | 'initialReadinessDelayMs'>, nowMs: number): PodGroups {
  const g: PodGroups = { readyCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && cpuFigureUnready(pod, metric.timestampMs, metric.windowMs, o, nowMs)) {
      g.unready.add(name);
      continue;
    }
    g.readyCount++;
  }
  return g;
}

function cpuFigureUnready(pod: Pod, metricAtMs: number, windowMs: number, o: Pick<ReplicaCalculatorOptions, 'cpuInitializationPeriodMs' | 'initialReadinessDelayMs'>, nowMs: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const startMs = Date.parse(pod.status?.startTime ?? '');
  if (!ready || !Number.isFinite(startMs)) return true;
  const transitionMs = Date.parse(ready.lastTransitionTime ?? '');
  const transition = Number.isFinite(transitionMs) ? transitionMs : 0;
  if (startMs + o.cpuInitializationPeriodMs > nowMs) return ready.status === 'False' || metricAtMs < transition + windowMs;
  return ready.status === 'False' && startMs + o.initialReadinessDelayMs > transition;
}

/**
 * Each pod's request for `resource` in milli-units: the sum over its containers (and restartable init containers),
 * or `container`'s alone. A container without a request makes utilization meaningless: an error.
 */
export function podRequests(pods: Pod[], resource: string, container?: string): { ok: true; requests: Map<string, number> } | { ok: false; error: string } {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
    let sum = 0;
    for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
      if (container && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      if (q === undefined) return { ok: false, error: `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name}` };
      sum += Number(quantityMilli(parseQuantity(q)));
    }
    requests.set(pod.metadata?.name ?? '', sum);
  }
  return { ok: true, requests };
}

/** Usage as a share of requests over the pods that have both: the ratio to the target, the whole %, and the average raw usage. */
export function utilizationRatio(
  metrics: PodMetricsInfo,
  requests: Map<string, number>,
  targetUtilization: number,
): { ok: true; ratio: number; utilization: number; rawAverage: number } | { ok: false; error: string } {
  let usage = 0;
  let requested = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue; // a figure for a pod the cache does not have (yet)
    usage += m.value;
    requested += r;
    n++;
  }
  if (requested === 0) return { ok: false, error: 'no metrics returned matched known pods' };
  const utilization = Math.trunc((usage * 100) / requested);
  return { ok: true, ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(usage / n) };
}

/** The average figure per pod, and its ratio to the target average. */
export function usageRatio(metrics: PodMetricsInfo, targetMilli: number): { ratio: number; average: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const average = Math.trunc(total / metrics.size);
  return { ratio: average / targetMilli, average };
}

export class ReplicaCalculator {
  constructor(
    private readonly source: PodMetricsSource,
    private readonly listPods: PodLister,
    private readonly opts: ReplicaCalculatorOptions,
  ) {}

  private withinTolerance(ratio: number): boolean {
    return Math.abs(1 - ratio) <= this.opts.tolerance;
  }

  /** A Utilization target: `targetUtilization` % of the pods' requests for `resource`. */
  async utilizationReplicas(currentReplicas: number, targetUtilization: number, resource: string, namespace: string, selector: LabelSelector, container?: string): Promise<ReplicaProposal> {
    const got = await this.gather(resource, namespace, selector, container);
    if (!got.ok) return got;
    const { read, pods, metrics, g } = got;
    const req = podRequests(pods, resource, container);
    if (!req.ok) return req;
    const first = utilizationRatio(metrics, req.requests, targetUtilization);
    if (!first.ok) return first;
    const { ratio, utilization, rawAverage } = first;
    const done = (replicas: number): ReplicaProposal => ({ ok: true, replicas, utilization, rawAverage, timestampMs: read.timestampMs });

    const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
    if (!scaleUpWithUnready && g.missing.size === 0) {
      return done(this.withinTolerance(ratio) ? currentReplicas : Math.ceil(ratio * g.readyCount));
    }
    if (g.missing.size > 0) {
      // Scaling down: as if at (at least) the target; scaling up: as if idle. Never helps the direction taken.
      const fallbackPercent = Math.max(100, targetUtilization);
      for (const name of g.missing) {
        const value = ratio < 1 ? Math.trunc(((req.requests.get(name) ?? 0) * fallbackPercent) / 100) : 0;
        if (ratio !== 1) metrics.set(name, { value, timestampMs: 0, windowMs: 0 });
      }
    }
    if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
    const second = utilizationRatio(metrics, req.requests, targetUtilization);
    if (!second.ok) return second;
    return done(this.settle(currentReplicas, ratio, second.ratio, metrics.size));
  }

  /** An AverageValue target: `targetMilli` milli-units of `resource` per pod. */
  async averageValueReplicas(currentReplicas: number, targetMilli: number, resource: string, namespace: string, selector: LabelSelector, container?: string): Promise<ReplicaProposal> {
    const got = await this.gather(resource, namespace, selector, container);
    if (!got.ok) return got;
    const { read, metrics, g } = got;
    const { ratio, average } = usageRatio(metrics, targetMilli);
    const done = (replicas: number): ReplicaProposal => ({ ok: true, replicas, rawAverage: average, timestampMs: read.timestampMs });

    const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
    if (!scaleUpWithUnready && g.missing.size === 0) {
      return done(this.withinTolerance(ratio) ? currentReplicas : Math.ceil(ratio * g.readyCount));
    }
    for (const name of g.missing) metrics.set(name, { value: ratio < 1 ? targetMilli : 0, timestampMs: 0, windowMs: 0 });
    if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
    return done(this.settle(currentReplicas, ratio, usageRatio(metrics, targetMilli).ratio, metrics.size));
  }

  /** The pods' figures for `resource`, less those of pods that do not count (ignored, or unready for now). */
  private async gather(resource: string, namespace: string, selector: LabelSelector, container: string | undefined) {
    const read = await this.source.resourceMetric(resource, namespace, selector.toString(), container);
    if (!read.ok) return { ok: false as const, error: `unable to get metrics for resource ${resource}: ${read.error}` };
    const pods = this.listPods(namespace, selector);
    if (pods.length === 0) return { ok: false as const, error: 'no pods returned by selector while calculating replica count' };
    const metrics: PodMetricsInfo = new Map(read.metrics);
    const g = groupPods(pods, metrics, resource, this.opts, this.opts.now());
    for (const name of [...g.ignored, ...g.unready]) metrics.delete(name);
    if (metrics.size === 0) return { ok: false as const, error: 'did not receive metrics for targeted pods (pods might be unready)' };
    return { ok: true as const, read, pods, metrics, g };
  }

  /** The second pass: the count for `newRatio` over `n` pods, unless that is too small a change or the wrong way. */
  private settle(currentReplicas: number, ratio: number, newRatio: number, n: number): number {
    if (this.withinTolerance(newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return currentReplicas;
    const replicas = Math.ceil(newRatio * n);
    if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return currentReplicas;
    return replicas;
  }
}
