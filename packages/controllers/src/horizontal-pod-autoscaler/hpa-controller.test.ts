/**
 * The HPA controller against a live API server, reading usage through the real resource metrics API: the API
 * server asks the node's agent for its kubelet Summary (GET /stats/summary at the node's InternalIP and kubelet
 * port), and here that agent is a small HTTP server on 127.0.0.1 reporting the usage each test sets.
 *
 * The simulated load of a Deployment is a total (millicores) shared evenly by its Running, Ready pods, so scaling
 * out brings each pod's usage down the way real traffic spread over more replicas would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deployment, Event, Node, Pod } from '@skiff/api';
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { deployment } from '../../test-util/objects.js';
import { ScaleTargets } from './scale-target.js';
import { HPA_RESOURCE, type HorizontalPodAutoscaler, type HpaBehavior, type HpaCondition, type MetricSpec } from './hpa-types.js';

const NODE = 'hpa-node';

/** The node agent's Summary API, for the pods bound to NODE. */
class SummaryServer {
  private server?: http.Server;
  /** Total CPU of each `namespace/app`, in millicores; pods of other apps use 10m each. */
  readonly load = new Map<string, number>();
  port = 0;

  constructor(private readonly pods: () => Promise<Pod[]>) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      if (req.url !== '/stats/summary') {
        res.writeHead(404).end();
        return;
      }
      this.summary().then(
        (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async summary(): Promise<unknown> {
    const time = new Date().toISOString();
    const live = (await this.pods()).filter(
      (p) => p.spec?.nodeName === NODE && p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    const group = (p: Pod) => `${p.metadata!.namespace}/${p.metadata!.labels?.app}`;
    const counts = new Map<string, number>();
    for (const p of live) counts.set(group(p), (counts.get(group(p)) ?? 0) + 1);
    const pods = live.map((p) => {
      const total = this.load.get(group(p));
      const nanoCores = Math.round(((total ?? 10 * counts.get(group(p))!) / counts.get(group(p))!) * 1e6);
      const cpu = { time, usageNanoCores: nanoCores, windowSeconds: 1 };
      const memory = { time, workingSetBytes: 32 * 1024 * 1024 };
      return {
        podRef: { name: p.metadata!.name, namespace: p.metadata!.namespace, uid: p.metadata!.uid },
        startTime: p.status?.startTime ?? time,
        containers: (p.spec?.containers ?? []).map((c) => ({ name: c.name, cpu, memory })),
        cpu,
        memory,
      };
    });
    return { node: { nodeName: NODE, startTime: time, cpu: { time, usageNanoCores: 0, windowSeconds: 1 }, memory: { time, workingSetBytes: 0 } }, pods };
  }
}

let tc: TestCluster;
let kubelet: SummaryServer;

beforeAll(async () => {
  tc = await startTestCluster({
    nodes: { nodes: [NODE] },
    manager: { controllers: ['deployment', 'replicaset', 'horizontalpodautoscaling'], horizontalPodAutoscaler: { syncPeriodMs: 500 } },
  });
  kubelet = new SummaryServer(async () => (await tc.client.resource<Pod>('v1/pods').list({ fieldSelector: `spec.nodeName=${NODE}` })).items);
  await kubelet.start();
  // The simulated node's agent is this server: the metrics API reaches it at InternalIP:kubeletEndpoint.Port.
  const nodes = tc.client.resource<Node>('v1/nodes');
  const node = await nodes.get(NODE);
  await nodes.updateStatus({
    ...node,
    status: { ...node.status, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } },
  });
});

afterAll(async () => {
  await tc?.close();
  await kubelet?.stop();
});

const deployments = (ns: string) => tc.client.resource<Deployment>('apps/v1/deployments').namespace(ns);
const hpas = (ns: string) => tc.client.resource<HorizontalPodAutoscaler>(HPA_RESOURCE).namespace(ns);

function workload(name: string, replicas: number, cpuRequest?: string): Deployment {
  const d = deployment(name, { replicas });
  if (cpuRequest) d.spec!.template.spec!.containers[0]!.resources = { requests: { cpu: cpuRequest } };
  return d;
}

function hpa(name: string, target: string, o: { min?: number; max: number; metrics: MetricSpec[]; behavior?: HpaBehavior; kind?: string }): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: o.kind ?? 'Deployment', name: target },
      minReplicas: o.min ?? 1,
      maxReplicas: o.max,
      metrics: o.metrics,
      ...(o.behavior ? { behavior: o.behavior } : {}),
    },
  };
}

const cpuUtilization = (percent: number): MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } });

function conditions(h: HorizontalPodAutoscaler): Record<string, HpaCondition> {
  return Object.fromEntries((h.status?.conditions ?? []).map((c) => [c.type, c]));
}

async function events(ns: string, reason: string): Promise<Event[]> {
  return (await tc.client.resource<Event>('v1/events').namespace(ns).list()).items.filter((e) => e.reason === reason);
}

async function readyReplicas(ns: string, name: string, n: number): Promise<boolean> {
  const d = await deployments(ns).get(name);
  return d.spec?.replicas === n && d.status?.readyReplicas === n && (d.status?.replicas ?? 0) === n;
}

describe('HorizontalPodAutoscaler controller', () => {
  it('scales a Deployment out on CPU utilization read from the metrics API, then back in when the load drops', async () => {
    const ns = await tc.namespace('hpa-scale');
    kubelet.load.set(`${ns}/web`, 150); // 150m over one pod with a 100m request: 150% against a 50% target
    await deployments(ns).create(workload('web', 1, '100m'));
    await eventually(() => readyReplicas(ns, 'web', 1), 'one ready replica');
    await hpas(ns).create(hpa('web', 'web', { max: 5, metrics: [cpuUtilization(50)], behavior: { scaleDown: { stabilizationWindowSeconds: 1 } } }));

    // Ratio 3 -> ceil(3 x 1) = 3 replicas; spread over 3 pods the load is 50m each: on target.
    await eventually(async () => (await deployments(ns).get('web')).spec?.replicas === 3, 'the deployment scaled to 3');
    const settled = await eventually(async () => {
      const h = await hpas(ns).get('web');
      return h.status?.currentReplicas === 3 && h.status.currentMetrics?.[0]?.resource?.current.averageUtilization === 50 && h;
    }, 'the HPA to see 3 replicas at 50%');
    expect(settled.status).toMatchObject({
      observedGeneration: settled.metadata.generation,
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 50, averageValue: '50m' } } }],
    });
    expect(settled.status?.lastScaleTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const c = conditions(settled);
    expect(c.AbleToScale).toMatchObject({ status: 'True' });
    expect(['ReadyForNewScale', 'SucceededRescale']).toContain(c.AbleToScale!.reason);
    expect(c.ScalingActive).toMatchObject({
      status: 'True',
      reason: 'ValidMetricFound',
      message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
    });
    expect(c.ScalingLimited).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
    const up = await eventually(() => events(ns, 'SuccessfulRescale').then((es) => es.length > 0 && es), 'a SuccessfulRescale event');
    expect(up[0]).toMatchObject({
      type: 'Normal',
      message: 'New size: 3; reason: cpu resource utilization (percentage of request) above target',
      involvedObject: { kind: 'HorizontalPodAutoscaler', name: 'web', namespace: ns },
      source: { component: 'horizontal-pod-autoscaler' },
    });
    await eventually(() => readyReplicas(ns, 'web', 3), 'three ready replicas');

    // 30m over 3 pods: 10% -> ratio 0.2 -> ceil(0.6) = 1, once the 1 s scale-down window has passed.
    kubelet.load.set(`${ns}/web`, 30);
    await eventually(async () => (await deployments(ns).get('web')).spec?.replicas === 1, 'the deployment scaled back to 1');
    const down = await eventually(
      () => events(ns, 'SuccessfulRescale').then((es) => es.find((e) => e.message === 'New size: 1; reason: All metrics below target')),
      'the scale-down event',
    );
    expect(down.type).toBe('Normal');
    const after = await eventually(async () => {
      const h = await hpas(ns).get('web');
      return h.status?.currentReplicas === 1 && h.status.desiredReplicas === 1 && h;
    }, 'the HPA to see 1 replica');
    // 30m on the one pod left: 30%, ratio 0.6 -> ceil(0.6) = 1: it stays.
    expect(conditions(after).ScalingActive).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
  });

  it('reports a pod without a CPU request as FailedGetResourceMetric and leaves the Deployment alone', async () => {
    const ns = await tc.namespace('hpa-norequest');
    await deployments(ns).create(workload('norequest', 2));
    await eventually(() => readyReplicas(ns, 'norequest', 2), 'two ready replicas');
    await hpas(ns).create(hpa('norequest', 'norequest', { max: 5, metrics: [cpuUtilization(50)] }));

    // Until the pods' figures are a window newer than their readiness they count as unready ("did not receive
    // metrics for targeted pods"); then the missing request is what stops the autoscaler.
    const h = await eventually(async () => {
      const x = await hpas(ns).get('norequest');
      return conditions(x).ScalingActive?.message?.includes('missing request') && x;
    }, 'ScalingActive False for the missing request');
    const c = conditions(h);
    expect(c.ScalingActive!.reason).toBe('FailedGetResourceMetric');
    expect(c.ScalingActive!.message).toMatch(/^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod norequest-\S+$/);
    expect(c.AbleToScale).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    expect(h.status?.currentReplicas).toBe(2);
    const failed = await eventually(() => events(ns, 'FailedGetResourceMetric').then((es) => es.find((e) => e.message?.includes('missing request'))), 'a FailedGetResourceMetric event');
    expect(failed).toMatchObject({ type: 'Warning', message: expect.stringMatching(/^failed to get cpu utilization: missing request for cpu in container app of Pod norequest-/) });
    const compute = await eventually(() => events(ns, 'FailedComputeMetricsReplicas').then((es) => es.find((e) => e.message?.includes('missing request'))), 'a FailedComputeMetricsReplicas event');
    expect(compute.message).toMatch(/^invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request/);
    expect((await deployments(ns).get('norequest')).spec?.replicas).toBe(2);
  });

  it('reports a Pods metric as FailedGetPodsMetric, since no custom metrics API is served', async () => {
    const ns = await tc.namespace('hpa-custom');
    await deployments(ns).create(workload('custom', 1, '100m'));
    await eventually(() => readyReplicas(ns, 'custom', 1), 'one ready replica');
    const pods: MetricSpec = { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } };
    await hpas(ns).create(hpa('custom', 'custom', { max: 5, metrics: [pods] }));
    const h = await eventually(async () => {
      const x = await hpas(ns).get('custom');
      return conditions(x).ScalingActive?.status === 'False' && x;
    }, 'ScalingActive False');
    expect(conditions(h).ScalingActive).toMatchObject({
      reason: 'FailedGetPodsMetric',
      message: 'the HPA was unable to compute the replica count: unable to get metric requests_per_second: the custom metrics API (custom.metrics.k8s.io) is not served',
    });
    expect(h.status?.currentMetrics).toEqual([{ type: 'Pods' }]);
    expect((await deployments(ns).get('custom')).spec?.replicas).toBe(1);
  });

  it('cannot scale an unknown kind (FailedGetScale) and does not touch a target scaled to zero (ScalingDisabled)', async () => {
    const ns = await tc.namespace('hpa-edges');
    await hpas(ns).create(hpa('mystery', 'thing', { max: 3, metrics: [cpuUtilization(50)], kind: 'Teleporter' }));
    const h = await eventually(async () => {
      const x = await hpas(ns).get('mystery');
      return conditions(x).AbleToScale && x;
    }, 'an AbleToScale condition');
    expect(conditions(h).AbleToScale).toMatchObject({
      status: 'False',
      reason: 'FailedGetScale',
      message: `the HPA controller was unable to get the target's current scale: no matches for kind "Teleporter" in group "apps"`,
    });
    expect(await eventually(() => events(ns, 'FailedGetScale').then((es) => es[0]), 'a FailedGetScale event')).toMatchObject({
      type: 'Warning',
      message: 'no matches for kind "Teleporter" in group "apps"',
    });

    await deployments(ns).create(workload('idle', 0, '100m'));
    await hpas(ns).create(hpa('idle', 'idle', { min: 1, max: 3, metrics: [cpuUtilization(50)] }));
    const idle = await eventually(async () => {
      const x = await hpas(ns).get('idle');
      return conditions(x).ScalingActive && x;
    }, 'a ScalingActive condition');
    expect(conditions(idle).ScalingActive).toMatchObject({ status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    expect(idle.status).toMatchObject({ currentReplicas: 0, desiredReplicas: 0 });
    expect((await deployments(ns).get('idle')).spec?.replicas).toBe(0);
  });

  it('maps scaleTargetRef to a resource through discovery', async () => {
    const targets = new ScaleTargets(tc.client, Date.now);
    expect(await targets.resolve('apps/v1', 'StatefulSet')).toEqual({ ok: true, target: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet' } });
    // Only discovery knows that pods have no scale subresource (the built-in table knows scalable kinds alone).
    expect(await targets.resolve('v1', 'Pod')).toEqual({ ok: false, error: 'pods.core has no scale subresource' });
    expect(await targets.resolve('example.com/v1', 'Widget')).toEqual({ ok: false, error: 'no matches for kind "Widget" in group "example.com"' });
    expect(await targets.resolve('a/b/c', 'Deployment')).toEqual({ ok: false, error: 'unexpected GroupVersion string: a/b/c' });
  });
});
