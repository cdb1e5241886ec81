import type { Pod, ReplicaSet } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { replicaSet } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: { nodes: ['node-1', 'node-2'] } });
  kubectl = kubectlFor(tc.server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

const budgets = (ns: string) => tc.client.resource<any>('policy/v1/poddisruptionbudgets').namespace(ns);
const livePods = async (ns: string) => (await tc.client.resource<Pod>('v1/pods').namespace(ns).list({ labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);

/** POST pods/<name>/eviction, as kubectl drain does; the HTTP status code. */
async function evict(ns: string, name: string): Promise<{ code: number; body: any }> {
  const res = await fetch(`${tc.server.url}/api/v1/namespaces/${ns}/pods/${name}/eviction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns } }),
  });
  return { code: res.status, body: await res.json() };
}

describe('disruption controller and the eviction API', () => {
  it('keeps a budget status from the selected pods, and evictions spend it, one at a time', async () => {
    const ns = await tc.namespace('pdb');
    await tc.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(ns).create(replicaSet('web', { replicas: 3 }));
    await waitFor('3 ready pods', async () => ((await livePods(ns)).length === 3 || undefined));
    await budgets(ns).create({ metadata: { name: 'web' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    const st = await waitFor('budget status', async () => {
      const b = await budgets(ns).get('web');
      return b.status?.currentHealthy === 3 ? b.status : undefined;
    });
    expect(st).toMatchObject({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    expect(st.conditions[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' });
    expect((await kubectl.ok(['get', 'pdb', 'web', '-n', ns])).split('\n')[1]).toMatch(/^web\s+2\s+N\/A\s+1\s+/);

    const [a, b] = (await livePods(ns)).map((p) => p.metadata!.name!);
    expect((await evict(ns, a!)).code).toBe(201);
    // the budget is spent at once: the next eviction waits for the replacement to be Ready
    const refused = await evict(ns, b!);
    expect(refused.code).toBe(429);
    expect(refused.body).toMatchObject({ reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(refused.body.details.causes[0].message).toMatch(/^The disruption budget web needs 2 healthy pods and has \d currently$/);
    await waitFor('the budget allowing one disruption again', async () => ((await budgets(ns).get('web')).status?.disruptionsAllowed === 1 || undefined));
    expect((await evict(ns, b!)).code).toBe(201);
  });

  it('counts the replicas a controller wants for maxUnavailable, and lets pods that do not count go freely', async () => {
    const ns = await tc.namespace('pdb-max');
    await tc.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(ns).create(replicaSet('web', { replicas: 2 }));
    await waitFor('2 ready pods', async () => ((await livePods(ns)).length === 2 || undefined));
    await budgets(ns).create({ metadata: { name: 'web' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } });
    await waitFor('budget status', async () => ((await budgets(ns).get('web')).status?.expectedPods === 2 || undefined));
    expect((await budgets(ns).get('web')).status).toMatchObject({ disruptionsAllowed: 0, desiredHealthy: 2 });
    const [first] = await livePods(ns);
    expect((await evict(ns, first!.metadata!.name!)).code).toBe(429);
    // a pod that has not started yet holds no place in any budget
    await tc.client.resource<Pod>('v1/pods').namespace(ns).create({ metadata: { name: 'pending', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName: 'nowhere' } });
    expect((await evict(ns, 'pending')).code).toBe(201);
  });
});
