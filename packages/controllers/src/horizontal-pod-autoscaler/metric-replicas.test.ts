import { parseLabelSelector, type Pod } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import type { MetricSpec } from './hpa-types.js';
import { milliQuantity, replicasForMetrics } from './metric-replicas.js';
import type { MetricsResult, PodMetricsSource } from './pod-metrics-source.js';
import { ReplicaCalculator } from './replica-calculator.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const LONG_AGO = new Date(NOW - 3_600_000).toISOString();

function pod(name: string): Pod {
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '100m', memory: '100Mi' } } }] },
    status: { phase: 'Running', startTime: LONG_AGO, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: LONG_AGO }] },
  } as Pod;
}

/** Every pod uses `cpu` millicores and `memoryMi` Mi. */
function source(cpu: number, memoryMi: number): PodMetricsSource {
  return {
    async resourceMetric(resource: string): Promise<MetricsResult> {
      const value = resource === 'cpu' ? cpu : memoryMi * 1024 * 1024 * 1000;
      return { ok: true, timestampMs: NOW, metrics: new Map(['p1', 'p2'].map((n) => [n, { value, timestampMs: NOW, windowMs: 15_000 }])) };
    },
  };
}

async function run(specs: MetricSpec[], cpu: number, memoryMi: number) {
  const calculator = new ReplicaCalculator(source(cpu, memoryMi), () => [pod('p1'), pod('p2')], { tolerance: 0.1, cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000, now: () => NOW });
  const warnings: string[] = [];
  const r = await replicasForMetrics({ calculator, namespace: 'ns', selector: parseLabelSelector('app=web'), currentReplicas: 2, warn: (reason, msg) => warnings.push(`${reason}: ${msg}`) }, specs);
  return { r, warnings };
}

const cpuUtil = (u: number): MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: u } } });
const memValue = (v: string): MetricSpec => ({ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: v } } });
const podsMetric: MetricSpec = { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } };

describe('replicasForMetrics', () => {
  it('takes the largest proposal and reports every metric', async () => {
    // cpu 80% of a 50% target -> ceil(1.6 x 2) = 4; memory 300Mi for 100Mi -> 6.
    const { r, warnings } = await run([cpuUtil(50), memValue('100Mi')], 80, 300);
    expect(r.replicas).toBe(6);
    expect(r.metricName).toBe('memory resource');
    expect(r.statuses).toEqual([
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 80, averageValue: '80m' } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '314572800' } } },
    ]);
    expect(r.scalingActive).toEqual({ status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from memory resource' });
    expect(warnings).toEqual([]);
  });

  it('reports a Pods metric as unavailable and does not scale on it alone', async () => {
    const { r, warnings } = await run([podsMetric], 80, 300);
    expect(r.replicas).toBeUndefined();
    expect(r.scalingActive).toMatchObject({ status: 'False', reason: 'FailedGetPodsMetric' });
    expect(r.scalingActive.message).toContain('the custom metrics API (custom.metrics.k8s.io) is not served');
    expect(r.error).toBe(
      'invalid metrics (1 invalid out of 1), first error is: failed to get pods metric value: unable to get metric requests_per_second: the custom metrics API (custom.metrics.k8s.io) is not served',
    );
    expect(warnings).toEqual(['FailedGetPodsMetric: unable to get metric requests_per_second: the custom metrics API (custom.metrics.k8s.io) is not served']);
  });

  it.each([
    { type: 'Object' as const, reason: 'FailedGetObjectMetric', api: 'custom metrics API' },
    { type: 'External' as const, reason: 'FailedGetExternalMetric', api: 'external metrics API' },
  ])('reports an $type metric as $reason', async ({ type, reason, api }) => {
    const spec: MetricSpec = { type, [type.toLowerCase()]: { metric: { name: 'queue' }, target: { type: 'Value', value: '1' } } };
    const { r } = await run([spec], 80, 300);
    expect(r.scalingActive.reason).toBe(reason);
    expect(r.scalingActive.message).toContain(api);
  });

  it('scales up on the metrics it can read when another fails', async () => {
    const { r } = await run([podsMetric, cpuUtil(50)], 80, 300);
    expect(r.replicas).toBe(4);
    expect(r.scalingActive.reason).toBe('ValidMetricFound');
    expect(r.error).toMatch(/^invalid metrics \(1 invalid out of 2\)/);
    expect(r.statuses[0]).toEqual({ type: 'Pods' });
  });

  it('does not scale down on the metrics it can read when another fails', async () => {
    const { r } = await run([cpuUtil(50), podsMetric], 10, 300);
    expect(r.replicas).toBeUndefined();
    expect(r.scalingActive.reason).toBe('FailedGetPodsMetric');
  });

  it('names a missing request in the FailedGetResourceMetric condition', async () => {
    const calculator = new ReplicaCalculator(source(50, 1), () => [{ ...pod('p1'), spec: { containers: [{ name: 'app', image: 'x' }] } } as Pod], {
      tolerance: 0.1,
      cpuInitializationPeriodMs: 0,
      initialReadinessDelayMs: 0,
      now: () => NOW,
    });
    const warnings: string[] = [];
    const r = await replicasForMetrics({ calculator, namespace: 'ns', selector: parseLabelSelector('app=web'), currentReplicas: 1, warn: (reason, m) => warnings.push(`${reason}: ${m}`) }, [cpuUtil(50)]);
    expect(r.scalingActive).toEqual({
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod p1',
    });
    expect(warnings).toEqual(['FailedGetResourceMetric: failed to get cpu utilization: missing request for cpu in container app of Pod p1']);
  });

  it('prints milli-unit figures as quantities', () => {
    expect([milliQuantity(80), milliQuantity(1500), milliQuantity(1_048_576_000)]).toEqual(['80m', '1500m', '1048576']);
  });
});
