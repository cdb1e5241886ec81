/**
 * `skiff up --store etcd` on a real etcd (Debian's etcd-server, started here on loopback) with simulated nodes
 * only: the control plane keeps every object in etcd under /registry, the fake nodes register and stay Ready, and a
 * Deployment's pods are scheduled onto them and reported Running without containers. Needs no root and no runc.
 */
import type { Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdctl } from '../../../packages/store-wasm/test-util/etcdctl.js';
import { realEtcdAvailability, startRealEtcd, type RealEtcd } from '../../../packages/store-wasm/test-util/real-etcd.js';
import { COMPONENTS, locateComponent } from '../src/components/components.js';
import { eventually } from '../test-util/eventually.js';
import { freshNetworks } from '../test-util/skiff-up.js';
import { useSkiffUpCluster } from '../test-util/skiff-up-cluster.js';

const controlPlane = ['apiserver', 'scheduler', 'controller-manager'].every((n) => locateComponent(COMPONENTS.find((c) => c.name === n)!).available);

describe.skipIf(!realEtcdAvailability().available || !controlPlane)('skiff up on a real etcd with fake nodes', () => {
  let etcd: RealEtcd | undefined;
  let kubectl: Kubectl;

  // Registered first, so etcd starts before the cluster and stops after it.
  beforeAll(async () => {
    etcd = await startRealEtcd({ name: 'skiff-cluster-test' });
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  const nets = freshNetworks();
  const cluster = useSkiffUpCluster({
    prefix: 'skiff-etcd-fake',
    args: (dir) => [
      '--data-dir', dir, '--store', 'etcd', '--etcd-endpoints', etcd!.clientUrl, '--nodes', '0', '--fake-nodes', '3',
      '--network', 'host', '--cluster-cidr', nets.clusterCidr, '--api-port', '0',
    ],
  });

  beforeAll(() => {
    kubectl = cluster.kubectl;
  });

  it('says which store it runs on', () => {
    expect(cluster.up.output()).toContain(`store: etcd at ${etcd!.clientUrl}`);
  });

  it('shows the three fake nodes Ready', async () => {
    const nodes = await kubectl.ok(['get', 'nodes', '--no-headers']);
    const ready = nodes.trim().split('\n').filter((l) => /\sReady\s/.test(l));
    expect(ready).toHaveLength(3);
  });

  it('runs a Deployment on the fake nodes, with every object stored in etcd', async () => {
    await kubectl.ok(['create', 'deployment', 'fake-web', '--image=busybox', '--replicas=3', '--', 'sleep', '3600']);
    await kubectl.ok(['rollout', 'status', 'deployment/fake-web', '--timeout=120s']);
    const pods = await eventually(async () => {
      const items = (await kubectl.json<{ items: any[] }>(['get', 'pods', '-l', 'app=fake-web'])).items;
      return items.length === 3 && items.every((p) => p.status.phase === 'Running' && p.spec.nodeName) ? items : undefined;
    }, 'three Running pods');
    const nodes = new Set((await kubectl.json<{ items: any[] }>(['get', 'nodes'])).items.map((n) => n.metadata.name));
    for (const p of pods) expect(nodes.has(p.spec.nodeName)).toBe(true);

    const keys = await etcdctl(etcd!.endpoint, ['get', '/registry/', '--prefix', '--keys-only']);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toContain('/registry/deployments/default/fake-web');
    for (const p of pods) expect(keys.stdout).toContain(`/registry/pods/default/${p.metadata.name}`);
    // The API server's resourceVersion is etcd's mod revision of the key.
    const dep = await kubectl.json(['get', 'deployment', 'fake-web']);
    const kv = await etcdctl(etcd!.endpoint, ['get', '/registry/deployments/default/fake-web', '-w', 'json']);
    expect(String(JSON.parse(kv.stdout).kvs[0].mod_revision)).toBe(dep.metadata.resourceVersion);
  });
});
