import { describe, expect, it } from 'vitest';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa-conversion.js';

const meta = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7' };
const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };

describe('HorizontalPodAutoscaler conversion', () => {
  it('v1 CPU target becomes a v2 Resource metric, with the v2 defaults', () => {
    const v2 = hpaV1ToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 60 } });
    expect(v2).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta,
      spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] },
    });
    // no target at all: the autoscaler's default of 80% CPU
    const bare = hpaV1ToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 5 } });
    expect(bare.spec.metrics[0].resource.target.averageUtilization).toBe(80);
  });

  it('v2 to v1 keeps what v1 cannot say in annotations, and back again unchanged', () => {
    const v2 = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { ...meta, annotations: { team: 'a' } },
      spec: {
        scaleTargetRef: ref,
        minReplicas: 2,
        maxReplicas: 9,
        metrics: [
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
          { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] }, scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } },
      },
      status: {
        observedGeneration: 3,
        currentReplicas: 4,
        desiredReplicas: 5,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'memory', current: { averageValue: '80Mi' } } },
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 71, averageValue: '142m' } } },
        ],
        conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      },
    };
    const v1 = hpaV2ToV1(v2);
    expect(v1.spec).toEqual({ scaleTargetRef: ref, minReplicas: 2, maxReplicas: 9, targetCPUUtilizationPercentage: 50 });
    expect(v1.status).toEqual({ observedGeneration: 3, currentReplicas: 4, desiredReplicas: 5, currentCPUUtilizationPercentage: 71 });
    const notes = v1.metadata.annotations!;
    expect(notes.team).toBe('a');
    expect(JSON.parse(notes['autoscaling.alpha.kubernetes.io/metrics']!)).toEqual([
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '100Mi' } },
      { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } },
      { type: 'External', external: { metricName: 'queue', targetValue: '30' } },
    ]);
    expect(JSON.parse(notes['autoscaling.alpha.kubernetes.io/current-metrics']!)).toEqual([{ type: 'Resource', resource: { name: 'memory', currentAverageValue: '80Mi' } }]);
    expect(JSON.parse(notes['autoscaling.alpha.kubernetes.io/conditions']!)[0].reason).toBe('ReadyForNewScale');
    // the input is not touched
    expect(v2.metadata.annotations).toEqual({ team: 'a' });

    const back = hpaV1ToV2(v1);
    expect(back.metadata.annotations).toEqual({ team: 'a' });
    expect(back.spec.behavior).toEqual(v2.spec.behavior);
    // the CPU target comes first on the way back; the others keep their order
    expect(back.spec.metrics).toEqual([v2.spec.metrics[1], v2.spec.metrics[0], v2.spec.metrics[2], v2.spec.metrics[3]]);
    expect(back.status.conditions).toEqual(v2.status.conditions);
    expect(back.status.currentMetrics[1]).toEqual(v2.status.currentMetrics[0]);
  });

  it('ignores a carried annotation that is not JSON', () => {
    const v2 = hpaV1ToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { ...meta, annotations: { 'autoscaling.alpha.kubernetes.io/metrics': '{nope' } }, spec: { scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } });
    expect(v2.spec.metrics).toHaveLength(1);
    expect(v2.metadata.annotations).toBeUndefined();
  });
});
