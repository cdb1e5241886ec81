import type { Deployment, Node, Pod } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { deployment } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
beforeAll(async () => {
  tc = await startTestCluster({
    nodes: { nodes: ['node-1', 'node-2', 'node-3'], leaseRenewMs: 200 },
    // Seconds instead of 40 s and 300 s, so that a node failure plays out within the test.
    manager: { nodeLifecycle: { monitorPeriodMs: 200, gracePeriodMs: 1500, defaultTolerationSeconds: 1 } },
  });
  kubectl = kubectlFor(tc.server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

const nodes = () => tc.client.resource<Node>('v1/nodes');
const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready');

describe('node lifecycle and IPAM controllers', () => {
  it('gives every node its own /24 pod CIDR from 10.244.0.0/16', async () => {
    const cidrs = await waitFor('three pod CIDRs', async () => {
      const items = (await nodes().list()).items;
      const c = items.map((n) => n.spec?.podCIDR).filter(Boolean) as string[];
      return c.length === 3 ? c : undefined;
    });
    expect(new Set(cidrs).size).toBe(3);
    for (const c of cidrs) expect(c).toMatch(/^10\.244\.\d{1,3}\.0\/24$/);
    for (const n of (await nodes().list()).items) expect(n.spec?.podCIDRs).toEqual([n.spec?.podCIDR]);
  });

  it('marks a silent node Unknown and tainted, evicts its pods after their toleration, and they come back elsewhere', async () => {
    const ns = await tc.namespace('nl-evict');
    const deps = tc.client.resource<Deployment>('apps/v1/deployments').namespace(ns);
    // One pod tolerates unreachable nodes for an hour: it must stay where it is.
    const tolerant = deployment('tolerant', { replicas: 3 });
    tolerant.spec!.template!.spec!.tolerations = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3600 }];
    await deps.create(deployment('web', { replicas: 6 }));
    await deps.create(tolerant);
    await kubectl.ok(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s'], { timeoutMs: 70_000 });
    await kubectl.ok(['rollout', 'status', 'deployment/tolerant', '-n', ns, '--timeout=60s'], { timeoutMs: 70_000 });
    const pods = tc.client.resource<Pod>('v1/pods').namespace(ns);
    const onNode3 = (await pods.list({ fieldSelector: 'spec.nodeName=node-3' })).items;
    expect(onNode3.length).toBeGreaterThan(0);

    tc.nodes.takeDown('node-3');
    const down = await waitFor('node-3 Ready=Unknown', async () => {
      const n = await nodes().get('node-3');
      return ready(n)?.status === 'Unknown' ? n : undefined;
    });
    expect(ready(down)).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const tainted = await waitFor('the unreachable taints', async () => {
      const n = await nodes().get('node-3');
      return (n.spec?.taints ?? []).length === 2 ? n : undefined;
    });
    expect(tainted.spec?.taints?.map((t) => `${t.key}:${t.effect}`).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);

    await waitFor('web pods on node-3 evicted (terminating)', async () => {
      const left = (await pods.list({ fieldSelector: 'spec.nodeName=node-3', labelSelector: 'app=web' })).items;
      return left.every((p) => p.metadata?.deletionTimestamp);
    });
    await waitFor('web back to 6 available replicas on other nodes', async () => {
      const live = (await pods.list({ labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);
      const d = await deps.get('web');
      return live.length === 6 && live.every((p) => p.spec?.nodeName !== 'node-3') && d.status?.availableReplicas === 6;
    }, { timeoutMs: 20_000 });
    const tolerantOn3 = (await pods.list({ fieldSelector: 'spec.nodeName=node-3', labelSelector: 'app=tolerant' })).items;
    for (const p of tolerantOn3) expect(p.metadata?.deletionTimestamp).toBeUndefined();
    const evictedEvents = (await tc.client.resource('v1/events').namespace(ns).list({ fieldSelector: 'reason=TaintManagerEviction' })).items;
    expect(evictedEvents.length).toBeGreaterThan(0);

    tc.nodes.bringUp('node-3');
    await waitFor('node-3 Ready and untainted again', async () => {
      const n = await nodes().get('node-3');
      return ready(n)?.status === 'True' && (n.spec?.taints ?? []).length === 0;
    });
  });
});
