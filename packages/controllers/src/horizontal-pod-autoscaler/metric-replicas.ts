/**
 * From spec.metrics to one replica count: each metric proposes a count (replica-calculator.ts), the largest wins,
 * and each metric's current value goes to status.currentMetrics (same order as spec.metrics, so kubectl lines them
 * up; a metric that could not be read is listed with its type only).
 *
 * Resource and ContainerResource metrics are read from the resource metrics API. Pods, Object and External
 * metrics need the custom and external metrics APIs, which no server here serves: they fail with upstream's
 * reasons (FailedGetPodsMetric, FailedGetObjectMetric, FailedGetExternalMetric) and never drive a scale.
 *
 * As upstream: when every metric fails, or some fail and the rest would scale down, there is no count (the
 * ScalingActive condition takes the first failure); when some fail but the rest scale up, the up-scale goes ahead
 * and the failures are still reported.
 */
import { DEFAULT_CPU_UTILIZATION, parseQuantity, quantityMilli, formatQuantity, type LabelSelector } from '@skiff/api';
import type { MetricSpec, MetricStatus, MetricValueStatus } from './hpa-types.js';
import type { ReplicaCalculator, ReplicaProposal } from './replica-calculator.js';

export interface ScalingActive {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface MetricReplicas {
  /** The largest proposal; undefined when there is none to act on (see the file comment). */
  replicas?: number;
  /** What drove it, for the rescale reason ("cpu resource utilization (percentage of request)"). */
  metricName: string;
  statuses: MetricStatus[];
  scalingActive: ScalingActive;
  /** Set when any metric failed: "invalid metrics (1 invalid out of 2), first error is: ...". */
  error?: string;
}

/** What one failed metric reports: an event and the ScalingActive condition share the reason. */
interface MetricFailure {
  reason: string;
  /** The error as the event states it. */
  detail: string;
  /** The error as the metric's failure is reported upward. */
  error: string;
}

type OneMetric = { ok: true; replicas: number; metricName: string; status: MetricStatus } | ({ ok: false } & MetricFailure);

export const DEFAULT_METRICS: readonly MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];

/** A milli-unit figure as a quantity ("250m", "1536"), as upstream's resource.NewMilliQuantity(v, DecimalSI) prints. */
export function milliQuantity(milli: number): string {
  return formatQuantity({ nanos: BigInt(Math.trunc(milli)) * 1_000_000n, format: 'DecimalSI' });
}

export interface MetricContext {
  calculator: ReplicaCalculator;
  namespace: string;
  selector: LabelSelector;
  /** The target's spec.replicas. */
  currentReplicas: number;
  /** Records a Warning event on the HPA. */
  warn(reason: string, message: string): void;
}

async function resourceMetric(ctx: MetricContext, spec: MetricSpec): Promise<OneMetric> {
  const container = spec.type === 'ContainerResource' ? spec.containerResource?.container : undefined;
  const src = spec.type === 'ContainerResource' ? spec.containerResource : spec.resource;
  const resource = src?.name ?? '';
  const reason = container !== undefined ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
  const fail = (detail: string): OneMetric => ({
    ok: false,
    reason,
    detail,
    error: container !== undefined ? `failed to get ${container} container metric value: ${detail}` : `failed to get ${resource} resource metric value: ${detail}`,
  });
  const target = src?.target;
  let proposal: ReplicaProposal;
  let metricName: string;
  if (target?.averageValue !== undefined && target.averageValue !== null) {
    let milli: number;
    try {
      milli = Number(quantityMilli(parseQuantity(target.averageValue)));
    } catch {
      return fail(`invalid target average value ${JSON.stringify(target.averageValue)}`);
    }
    proposal = await ctx.calculator.averageValueReplicas(ctx.currentReplicas, milli, resource, ctx.namespace, ctx.selector, container);
    if (!proposal.ok) return fail(`failed to get ${resource} usage: ${proposal.error}`);
    metricName = `${resource} resource`;
  } else if (typeof target?.averageUtilization === 'number') {
    proposal = await ctx.calculator.utilizationReplicas(ctx.currentReplicas, target.averageUtilization, resource, ctx.namespace, ctx.selector, container);
    if (!proposal.ok) return fail(`failed to get ${resource} utilization: ${proposal.error}`);
    metricName = container !== undefined ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
  } else {
    return fail('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
  }
  const current: MetricValueStatus = {};
  if (proposal.utilization !== undefined) current.averageUtilization = proposal.utilization;
  current.averageValue = milliQuantity(proposal.rawAverage);
  const status: MetricStatus =
    container !== undefined
      ? { type: 'ContainerResource', containerResource: { name: resource, container, current } }
      : { type: 'Resource', resource: { name: resource, current } };
  return { ok: true, replicas: proposal.replicas, metricName, status };
}

/** Pods, Object, External: their APIs are not served here. */
function unservedMetric(spec: MetricSpec): OneMetric {
  const name = (spec.type === 'Pods' ? spec.pods : spec.type === 'Object' ? spec.object : spec.external)?.metric?.name ?? '';
  if (spec.type === 'External') {
    const detail = `unable to get external metric ${name}: the external metrics API (external.metrics.k8s.io) is not served`;
    return { ok: false, reason: 'FailedGetExternalMetric', detail, error: `failed to get ${name} external metric value: ${detail}` };
  }
  const detail = `unable to get metric ${name}: the custom metrics API (custom.metrics.k8s.io) is not served`;
  return spec.type === 'Pods'
    ? { ok: false, reason: 'FailedGetPodsMetric', detail, error: `failed to get pods metric value: ${detail}` }
    : { ok: false, reason: 'FailedGetObjectMetric', detail, error: `failed to get object metric value: ${detail}` };
}

async function oneMetric(ctx: MetricContext, spec: MetricSpec): Promise<OneMetric> {
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource':
      return resourceMetric(ctx, spec);
    case 'Pods':
    case 'Object':
    case 'External':
      return unservedMetric(spec);
    default: {
      const detail = `unknown metric source type "${String(spec.type)}"`;
      return { ok: false, reason: 'InvalidMetricSourceType', detail, error: detail };
    }
  }
}

/** Every metric's proposal, combined (see the file comment). Metrics are read one after another, as upstream. */
export async function replicasForMetrics(ctx: MetricContext, specs: readonly MetricSpec[]): Promise<MetricReplicas> {
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let first: MetricFailure | undefined;
  for (const spec of specs) {
    const m = await oneMetric(ctx, spec);
    if (!m.ok) {
      ctx.warn(m.reason, m.detail);
      first ??= m;
      invalid++;
      statuses.push({ type: spec.type ?? 'Resource' });
      continue;
    }
    statuses.push(m.status);
    if (replicas === 0 || m.replicas > replicas) {
      replicas = m.replicas;
      metricName = m.metricName;
    }
  }
  const error = first ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${first.error}` : undefined;
  if (first && (invalid >= specs.length || replicas < ctx.currentReplicas)) {
    return { metricName: '', statuses, error, scalingActive: { status: 'False', reason: first.reason, message: `the HPA was unable to compute the replica count: ${first.detail}` } };
  }
  return {
    replicas,
    metricName,
    statuses,
    error,
    scalingActive: { status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metricName}` },
  };
}
