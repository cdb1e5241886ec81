/**
 * The node as the cluster sees it: registration with configured capacity, allocatable, addresses, the kubelet
 * endpoint and nodeInfo; NotReady until a pod CIDR arrives in spec.podCIDR (as the node lifecycle controller
 * sets it), then handed to the runtime; a Lease renewed on its period; and the agent's own endpoints.
 */
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { createPod, waitForPod } from '../../test-util/pods.js';

let c: KubeletCluster;

beforeAll(async () => {
  // neither the runtime nor the agent gets a pod CIDR: it has to come through the Node object
  c = await startKubeletCluster({
    runtime: { podCidr: undefined },
    agent: { podCidr: undefined, systemReserved: { cpu: '500m', memory: '1Gi' }, labels: { 'skiff.dev/pool': 'test' } },
  });
});

afterAll(async () => {
  await c?.cleanup();
});

const node = () => c.client.resource('v1/nodes').get(c.nodeName) as Promise<any>;
const ready = (n: any) => n.status?.conditions?.find((x: any) => x.type === 'Ready');

describe('node registration', () => {
  it('registers capacity, allocatable, addresses, the kubelet endpoint, labels and nodeInfo', async () => {
    const n = await node();
    expect(n.status.capacity).toMatchObject({ cpu: '2', memory: '4Gi', pods: '110' });
    expect(n.status.allocatable).toMatchObject({ cpu: '1500m', memory: '3Gi', pods: '110' });
    expect(n.status.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: c.nodeName },
    ]);
    expect(n.status.daemonEndpoints.kubeletEndpoint.Port).toBe(c.agent.port);
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': c.nodeName, 'kubernetes.io/os': 'linux', 'skiff.dev/pool': 'test' });
    expect(n.status.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', operatingSystem: 'linux', containerRuntimeVersion: expect.stringMatching(/^skiff:\/\//) });
    expect(n.status.images.some((i: any) => i.names.some((x: string) => x.includes('busybox')))).toBe(true);
    const types = n.status.conditions.map((x: any) => `${x.type}=${x.status}`);
    expect(types).toEqual(expect.arrayContaining(['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False']));
  });

  it('is NotReady without a pod network, and Ready once spec.podCIDR hands the runtime one', async () => {
    const before = await node();
    expect(ready(before)).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: expect.stringMatching(/network not ready/) });
    await c.client.resource('v1/nodes').patch(c.nodeName, { spec: { podCIDR: c.runtime.podCidr, podCIDRs: [c.runtime.podCidr] } }, 'merge');
    const after = await eventually(async () => {
      const n = await node();
      return ready(n)?.status === 'True' ? n : undefined;
    }, 'the node to turn Ready');
    expect(ready(after).reason).toBe('KubeletReady');
    await createPod(c, 'onnet', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'] }] });
    const pod = await waitForPod(c, 'onnet', (p) => p.status?.phase === 'Running' && p, 'Running');
    expect(pod.status.podIP.split('.').slice(0, 3)).toEqual(c.runtime.podCidr.split('.').slice(0, 3));
  });

  it('renews its Lease in kube-node-lease', async () => {
    const leases = c.client.resource('coordination.k8s.io/v1/leases').namespace('kube-node-lease');
    const first = (await leases.get(c.nodeName)) as any;
    expect(first.spec).toMatchObject({ holderIdentity: c.nodeName, leaseDurationSeconds: 40 });
    expect(first.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Node', name: c.nodeName })]);
    await eventually(async () => ((await leases.get(c.nodeName)) as any).spec.renewTime !== first.spec.renewTime || undefined, 'a renewal');
  });
});

describe('the kubelet API', () => {
  it('serves /healthz, /pods and /metrics', async () => {
    expect(await (await fetch(`${c.agent.url}/healthz`)).text()).toBe('ok');
    const pods = (await (await fetch(`${c.agent.url}/pods`)).json()) as any;
    expect(pods.kind).toBe('PodList');
    expect(pods.items.map((p: any) => p.metadata.name)).toContain('onnet');
    // the gauges follow the runtime relist: wait for one that has seen the pod
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${c.agent.url}/metrics`)).text();
      return /^kubelet_running_pods 1$/m.test(text) ? text : undefined;
    }, 'the running pod in the metrics');
    expect(metrics).toMatch(/^kubelet_running_containers\{container_state="running"\} 1$/m);
    expect(Number(/^kubelet_pod_start_duration_seconds_count (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^kubelet_runtime_operations_total\{operation_type="create_container"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^kubelet_runtime_operations_duration_seconds_bucket\{operation_type="run_podsandbox",le="\+Inf"\} [1-9]/m);
  });

  it('answers unknown paths and plain requests to streaming paths with Status errors', async () => {
    const missing = await fetch(`${c.agent.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).kind).toBe('Status');
    const plain = await fetch(`${c.agent.url}/exec/default/onnet/app?command=ls`);
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as any).message).toBe('Upgrade request required');
  });
});
