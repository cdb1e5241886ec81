import type { Event, Pod, ReplicaSet } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { pod, replicaSet } from '../../test-util/objects.js';

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

const rsClient = (ns: string) => tc.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(ns);
const podClient = (ns: string) => tc.client.resource<Pod>('v1/pods').namespace(ns);

async function podsOf(ns: string, selector: string, includeTerminating = false): Promise<Pod[]> {
  const items = (await podClient(ns).list({ labelSelector: selector })).items;
  return includeTerminating ? items : items.filter((p) => !p.metadata?.deletionTimestamp);
}

describe('ReplicaSet controller', () => {
  it('creates the replicas as pods it controls, reports them in status, and records SuccessfulCreate events', async () => {
    const ns = await tc.namespace('rs-create');
    const rs = await rsClient(ns).create(replicaSet('web', { replicas: 3 }));
    const st = await waitFor('3 ready replicas', async () => {
      const cur = await rsClient(ns).get('web');
      return cur.status?.readyReplicas === 3 && cur.status?.availableReplicas === 3 ? cur.status : undefined;
    });
    expect(st.replicas).toBe(3);
    expect(st.fullyLabeledReplicas).toBe(3);
    expect(st.observedGeneration).toBe(1);
    const pods = await podsOf(ns, 'app=web');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const events = await waitFor('three SuccessfulCreate events', async () => {
      const evs = (await tc.client.resource<Event>('v1/events').namespace(ns).list({ fieldSelector: 'involvedObject.name=web,reason=SuccessfulCreate' })).items;
      return evs.length === 3 ? evs : undefined;
    });
    expect(events.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata?.name}`).sort());
    const described = await kubectl.ok(['describe', 'rs', 'web', '-n', ns]);
    expect(described).toMatch(/Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
    expect(described).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-/);
  });

  it('replaces a pod that is deleted', async () => {
    const ns = await tc.namespace('rs-replace');
    await rsClient(ns).create(replicaSet('web', { replicas: 2 }));
    const before = await waitFor('2 pods', async () => {
      const ps = await podsOf(ns, 'app=web');
      return ps.length === 2 ? ps : undefined;
    });
    await podClient(ns).delete(before[0]!.metadata!.name!, { gracePeriodSeconds: 0 });
    const after = await waitFor('a replacement', async () => {
      const ps = await podsOf(ns, 'app=web');
      return ps.length === 2 && !ps.some((p) => p.metadata?.name === before[0]!.metadata?.name) ? ps : undefined;
    });
    expect(after.map((p) => p.metadata?.name)).toContain(before[1]!.metadata?.name);
  });

  it('scales with kubectl scale, deleting the least valuable pod first', async () => {
    const ns = await tc.namespace('rs-scale');
    // The second pod this node agent reports stays not ready: it is the one a scale-down must remove.
    let reported = 0;
    let notReadyName = '';
    const saved = tc.nodes.behaviour;
    tc.nodes.behaviour = (p) => {
      if (p.metadata?.namespace !== ns) return saved(p);
      if (++reported === 2) {
        notReadyName = p.metadata!.name!;
        return 'not-ready';
      }
      return 'ready';
    };
    try {
      await rsClient(ns).create(replicaSet('web', { replicas: 3 }));
      await waitFor('3 pods reported, one not ready', async () => (await rsClient(ns).get('web')).status?.readyReplicas === 2 && notReadyName !== '');
      await kubectl.ok(['scale', 'rs', 'web', '--replicas=2', '-n', ns]);
      const left = await waitFor('2 pods', async () => {
        const ps = await podsOf(ns, 'app=web');
        return ps.length === 2 ? ps : undefined;
      });
      expect(left.map((p) => p.metadata?.name)).not.toContain(notReadyName);
      await kubectl.ok(['scale', 'rs', 'web', '--replicas=0', '-n', ns]);
      await waitFor('no pods', async () => (await podsOf(ns, 'app=web', true)).length === 0);
      await waitFor('status replicas 0', async () => (await rsClient(ns).get('web')).status?.replicas === 0);
    } finally {
      tc.nodes.behaviour = saved;
    }
  });

  it('adopts a matching orphan instead of creating a pod, and releases a pod whose labels stop matching', async () => {
    const ns = await tc.namespace('rs-adopt');
    const orphan = await podClient(ns).create(pod('orphan', { app: 'web' }));
    const rs = await rsClient(ns).create(replicaSet('web', { replicas: 2 }));
    await waitFor('the orphan adopted', async () => (await podClient(ns).get('orphan')).metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid);
    await waitFor('2 pods in all', async () => (await podsOf(ns, 'app=web')).length === 2);
    expect((await podClient(ns).get('orphan')).metadata?.uid).toBe(orphan.metadata?.uid);

    await podClient(ns).patch('orphan', { metadata: { labels: { app: 'elsewhere' } } }, 'merge');
    await waitFor('the pod released', async () => ((await podClient(ns).get('orphan')).metadata?.ownerReferences ?? []).length === 0);
    await waitFor('a replacement for the released pod', async () => (await podsOf(ns, 'app=web')).length === 2);
  });

  it('leaves pods controlled by another owner alone', async () => {
    const ns = await tc.namespace('rs-foreign');
    // A real owner: a dangling reference would (rightly) get the pod garbage-collected.
    const cm = await tc.client.resource('v1/configmaps').namespace(ns).create({ metadata: { name: 'x' } });
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: cm.metadata!.uid!, controller: true };
    await podClient(ns).create({ ...pod('foreign', { app: 'web' }), metadata: { name: 'foreign', labels: { app: 'web' }, ownerReferences: [other] } });
    await rsClient(ns).create(replicaSet('web', { replicas: 1 }));
    await waitFor('the RS to create its own pod', async () => (await podsOf(ns, 'app=web')).length === 2);
    expect((await podClient(ns).get('foreign')).metadata?.ownerReferences).toEqual([other]);
  });

  it('counts a ready pod as available only after minReadySeconds', async () => {
    const ns = await tc.namespace('rs-minready');
    await rsClient(ns).create(replicaSet('web', { replicas: 1, minReadySeconds: 2 }));
    await waitFor('ready but not yet available', async () => {
      const s = (await rsClient(ns).get('web')).status;
      return s?.readyReplicas === 1 && (s.availableReplicas ?? 0) === 0;
    });
    await waitFor('available once minReadySeconds passed', async () => (await rsClient(ns).get('web')).status?.availableReplicas === 1);
  });
});
