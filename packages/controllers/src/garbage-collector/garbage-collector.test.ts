import type { ConfigMap, Deployment, Pod, ReplicaSet } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { deployment, replicaSet } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
beforeAll(async () => {
  tc = await startTestCluster();
  kubectl = kubectlFor(tc.server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

const cms = (ns: string) => tc.client.resource<ConfigMap>('v1/configmaps').namespace(ns);
const count = async (ns: string, ref: string) => (await tc.client.resource(ref).namespace(ns).list()).items.length;

async function rolledOut(ns: string, name: string) {
  await kubectl.ok(['rollout', 'status', `deployment/${name}`, '-n', ns, '--timeout=60s'], { timeoutMs: 70_000 });
}

function ownedBy(owner: { metadata?: { name?: string; uid?: string } }, block?: boolean) {
  return { apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata!.name!, uid: owner.metadata!.uid!, ...(block === undefined ? {} : { blockOwnerDeletion: block }) };
}

describe('garbage collector', () => {
  it('cascades a background deletion: deployment, then its ReplicaSets, then their pods', async () => {
    const ns = await tc.namespace('gc-background');
    await tc.client.resource<Deployment>('apps/v1/deployments').namespace(ns).create(deployment('web', { replicas: 3 }));
    await rolledOut(ns, 'web');
    await kubectl.ok(['delete', 'deployment', 'web', '-n', ns]);
    await waitFor('the ReplicaSet and pods to go', async () => (await count(ns, 'apps/v1/replicasets')) === 0 && (await count(ns, 'v1/pods')) === 0);
  });

  it('deletes dependents first in a foreground deletion, keeping the owner until they are gone', async () => {
    const ns = await tc.namespace('gc-foreground');
    await tc.client.resource<Deployment>('apps/v1/deployments').namespace(ns).create(deployment('web', { replicas: 2 }));
    await rolledOut(ns, 'web');
    await kubectl.ok(['delete', 'deployment', 'web', '-n', ns, '--cascade=foreground', '--wait=false']);
    const seen = { ownerWhileDependents: false, dependentsAfterOwner: false };
    await waitFor('the deployment to go', async () => {
      // Owner first: dependents seen after the owner is gone would really have outlived it.
      const owner = await count(ns, 'apps/v1/deployments');
      const deps = (await count(ns, 'apps/v1/replicasets')) + (await count(ns, 'v1/pods'));
      if (owner && deps) seen.ownerWhileDependents = true;
      if (!owner && deps) seen.dependentsAfterOwner = true;
      return owner === 0;
    });
    expect(seen.dependentsAfterOwner).toBe(false);
    expect(await count(ns, 'apps/v1/replicasets')).toBe(0);
    expect(await count(ns, 'v1/pods')).toBe(0);
  });

  it('orphans the pods of a ReplicaSet deleted with --cascade=orphan', async () => {
    const ns = await tc.namespace('gc-orphan');
    await tc.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(ns).create(replicaSet('web', { replicas: 2 }));
    await waitFor('2 pods', async () => (await count(ns, 'v1/pods')) === 2);
    await kubectl.ok(['delete', 'rs', 'web', '-n', ns, '--cascade=orphan']);
    await waitFor('the ReplicaSet to go', async () => (await count(ns, 'apps/v1/replicasets')) === 0);
    const pods = (await tc.client.resource<Pod>('v1/pods').namespace(ns).list()).items;
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.metadata?.ownerReferences ?? []).toEqual([]);
  });

  it('collects an object whose owner never existed or was replaced by a namesake, and trims a dangling reference when another owner remains', async () => {
    const ns = await tc.namespace('gc-dangling');
    await cms(ns).create({ metadata: { name: 'ghost-child', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '6f1d2e8a-0000-4000-8000-000000000001' }] } });
    const impostor = await cms(ns).create({ metadata: { name: 'parent' } });
    await cms(ns).create({ metadata: { name: 'stale-child', ownerReferences: [{ ...ownedBy(impostor), uid: '6f1d2e8a-0000-4000-8000-000000000002' }] } });
    const keeper = await cms(ns).create({ metadata: { name: 'keeper' } });
    await cms(ns).create({ metadata: { name: 'two-owners', ownerReferences: [ownedBy(keeper), { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: '6f1d2e8a-0000-4000-8000-000000000003' }] } });
    await waitFor('the ghost child and the stale child to be collected', async () => {
      const names = (await cms(ns).list()).items.map((c) => c.metadata?.name);
      return !names.includes('ghost-child') && !names.includes('stale-child');
    });
    const trimmed = await waitFor('the dangling reference trimmed', async () => {
      const c = await cms(ns).get('two-owners');
      return c.metadata?.ownerReferences?.length === 1 ? c : undefined;
    });
    expect(trimmed.metadata?.ownerReferences?.[0]?.uid).toBe(keeper.metadata?.uid);
  });

  it('waits in a foreground deletion only for dependents that block owner deletion', async () => {
    const ns = await tc.namespace('gc-block');
    const owner = await cms(ns).create({ metadata: { name: 'owner' } });
    await cms(ns).create({ metadata: { name: 'blocker', finalizers: ['example.com/hold'], ownerReferences: [ownedBy(owner, true)] } });
    await cms(ns).create({ metadata: { name: 'bystander', finalizers: ['example.com/hold'], ownerReferences: [ownedBy(owner, false)] } });
    await cms(ns).delete('owner', { propagationPolicy: 'Foreground' });
    await waitFor('both dependents marked for deletion', async () => {
      const items = (await cms(ns).list()).items.filter((c) => c.metadata?.name !== 'owner');
      return items.length === 2 && items.every((c) => c.metadata?.deletionTimestamp);
    });
    expect((await cms(ns).get('owner')).metadata?.finalizers).toContain('foregroundDeletion');
    // Releasing the bystander changes nothing; releasing the blocker lets the owner go.
    await cms(ns).patch('bystander', { metadata: { finalizers: null } }, 'merge');
    await waitFor('the bystander gone', async () => !(await cms(ns).list()).items.some((c) => c.metadata?.name === 'bystander'));
    expect((await cms(ns).get('owner')).metadata?.deletionTimestamp).toBeTruthy();
    await cms(ns).patch('blocker', { metadata: { finalizers: null } }, 'merge');
    await waitFor('the owner gone', async () => (await cms(ns).list()).items.length === 0);
  });
});
