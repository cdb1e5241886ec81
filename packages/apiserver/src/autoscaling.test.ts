/**
 * HorizontalPodAutoscalers in both served forms with the real kubectl: `kubectl autoscale` writes autoscaling/v1
 * (as protobuf), `kubectl get hpa` reads autoscaling/v2, and both see one object. Bad input gets 422s naming the field.
 */
import { describe, expect, it } from 'vitest';
import { call, serverWithKubectl } from '../test-util/server.js';

const live = serverWithKubectl();
const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
const V2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';

describe('HorizontalPodAutoscaler', () => {
  it('kubectl autoscale creates one that autoscaling/v2 reads with a CPU metric, and kubectl get hpa prints it', async () => {
    await live.kubectl.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    expect((await live.kubectl.ok(['autoscale', 'deployment', 'web', '--min=2', '--max=6', '--cpu-percent=60'])).trim()).toBe('horizontalpodautoscaler.autoscaling/web autoscaled');
    const v2 = (await call(live.server, 'GET', `${V2}/web`)).body;
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    const v1 = (await call(live.server, 'GET', `${V1}/web`)).body;
    expect(v1).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 60 } });
    expect(v1.metadata.resourceVersion).toBe(v2.metadata.resourceVersion);

    const table = await live.kubectl.ok(['get', 'hpa', 'web', '--no-headers']);
    expect(table).toMatch(/^web\s+Deployment\/web\s+cpu: <unknown>\/60%\s+2\s+6\s+0\s+\d+s/);
    // a status written through v2 shows through v1 and in the table
    const status = await call(live.server, 'PUT', `${V2}/web/status`, { ...v2, status: { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 85, averageValue: '170m' } } }] } });
    expect(status.status).toBe(200);
    expect((await call(live.server, 'GET', `${V1}/web`)).body.status).toMatchObject({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 85 });
    expect(await live.kubectl.ok(['get', 'hpa', 'web', '--no-headers'])).toMatch(/cpu: 85%\/60%\s+2\s+6\s+2/);
    // the same columns through autoscaling/v1
    const v1Table = (await call(live.server, 'GET', `${V1}/web`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).body;
    expect(v1Table.rows[0].cells.slice(0, 6)).toEqual(['web', 'Deployment/web', 'cpu: 85%/60%', 2, 6, 2]);
  });

  it('an update through v1 keeps the v2-only parts (other metrics, behavior)', async () => {
    const created = await call(live.server, 'POST', V2, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        maxReplicas: 4,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
      },
    });
    expect(created.status).toBe(201);
    // the given behavior is completed with the defaults, the absent direction filled in whole
    expect(created.body.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(created.body.spec.behavior.scaleUp.policies).toHaveLength(2);
    expect(created.body.spec.minReplicas).toBe(1);

    const v1 = (await call(live.server, 'GET', `${V1}/api`)).body;
    v1.spec.maxReplicas = 8;
    v1.spec.targetCPUUtilizationPercentage = 70;
    const put = await call(live.server, 'PUT', `${V1}/api`, v1);
    expect(put.status).toBe(200);
    const after = (await call(live.server, 'GET', `${V2}/api`)).body;
    expect(after.spec.maxReplicas).toBe(8);
    expect(after.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
    ]);
    expect(after.spec.behavior).toEqual(created.body.spec.behavior);
    expect(after.metadata.annotations).toBeUndefined();
    expect(after.metadata.generation).toBe(2);
  });

  it('discovery lists both versions, v2 preferred', async () => {
    const group = (await call(live.server, 'GET', '/apis/autoscaling')).body;
    expect(group.versions.map((v: any) => v.version)).toEqual(['v2', 'v1']);
    expect(group.preferredVersion.version).toBe('v2');
    const v1 = (await call(live.server, 'GET', '/apis/autoscaling/v1')).body;
    expect(v1.resources.map((r: any) => r.name)).toEqual(['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
  });

  it('refuses bad specs with 422s that name the field', async () => {
    const hpa = (spec: object) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bad' }, spec });
    const causes = async (path: string, body: object) => {
      const r = await call(live.server, 'POST', path, body);
      expect(r.status).toBe(422);
      return r.body.details.causes.map((c: any) => `${c.field}: ${c.message}`);
    };
    expect(await causes(V2, hpa({ scaleTargetRef: { kind: 'Deployment', name: 'x' }, minReplicas: 3, maxReplicas: 2 }))).toEqual(['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']);
    // minReplicas is defaulted to 1 first, so a maxReplicas of 0 breaks both rules
    expect(await causes(V2, hpa({ scaleTargetRef: { name: 'x' }, maxReplicas: 0 }))).toEqual([
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`',
      'spec.scaleTargetRef.kind: Required value',
    ]);
    expect(
      await causes(
        V2,
        hpa({
          scaleTargetRef: { kind: 'Deployment', name: 'x' },
          maxReplicas: 3,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } },
            { type: 'Pods', resource: { name: 'cpu' } },
            { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '1' } }, pods: { metric: { name: 'p' } } },
          ],
          behavior: { scaleUp: { policies: [{ type: 'Nodes', value: 0, periodSeconds: 4000 }] } },
        }),
      ),
    ).toEqual([
      'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
      'spec.metrics[1].pods: Required value: must populate information for the given metric source',
      // one source given, the wrong one: it is checked as it stands (Forbidden only comes with two or more)
      'spec.metrics[1].resource.target.type: Required value: must specify a metric target type',
      'spec.metrics[1].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
      'spec.metrics[2].pods: Forbidden: must populate the given metric source only',
      'spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"',
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 4000: must be less than or equal to 1800',
    ]);
    const v1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bad' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3, targetCPUUtilizationPercentage: -5 } };
    expect(await causes(V1, v1)).toEqual(['spec.targetCPUUtilizationPercentage: Invalid value: -5: must be greater than 0']);
  });
});
