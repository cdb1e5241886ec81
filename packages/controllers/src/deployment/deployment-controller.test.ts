import type { Deployment, Pod, ReplicaSet } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { deployment } from '../../test-util/objects.js';

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

const deployments = (ns: string) => tc.client.resource<Deployment>('apps/v1/deployments').namespace(ns);
const replicaSets = (ns: string) => tc.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(ns);
const pods = (ns: string) => tc.client.resource<Pod>('v1/pods').namespace(ns);

async function rolledOut(ns: string, name: string): Promise<string> {
  return kubectl.ok(['rollout', 'status', `deployment/${name}`, '-n', ns, '--timeout=60s'], { timeoutMs: 70_000 });
}

async function liveImages(ns: string, selector: string): Promise<string[]> {
  const ps = (await pods(ns).list({ labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
  return ps.map((p) => p.spec!.containers[0]!.image!).sort();
}

describe('Deployment controller', () => {
  it('rolls out a new deployment: ReplicaSet named by template hash, revision 1, status and conditions', async () => {
    const ns = await tc.namespace('dep-new');
    await kubectl.ok(['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=3', '-n', ns]);
    expect(await rolledOut(ns, 'web')).toContain('deployment "web" successfully rolled out');
    const d = await deployments(ns).get('web');
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status?.unavailableReplicas ?? 0).toBe(0);
    const conds = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(conds.Available).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(conds.Progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const [rs] = (await replicaSets(ns).list()).items;
    const hash = rs!.metadata!.labels!['pod-template-hash'];
    expect(rs!.metadata?.name).toBe(`web-${hash}`);
    expect(rs!.spec?.selector?.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    const described = await kubectl.ok(['describe', 'deployment', 'web', '-n', ns]);
    expect(described).toMatch(/NewReplicaSet:\s+web-\S+ \(3\/3 replicas created\)/);
    expect(described).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\S+ from 0 to 3/);
  });

  it('rolls a new image out with kubectl set image, then history, undo and a reused ReplicaSet at revision 3', async () => {
    const ns = await tc.namespace('dep-undo');
    await deployments(ns).create(deployment('web', { replicas: 4, image: 'busybox:1.36' }));
    await rolledOut(ns, 'web');
    await kubectl.ok(['set', 'image', 'deployment/web', 'app=busybox:1.37', '-n', ns]);
    expect(await rolledOut(ns, 'web')).toContain('successfully rolled out');
    expect(await liveImages(ns, 'app=web')).toEqual(Array(4).fill('busybox:1.37'));
    const rss = (await replicaSets(ns).list()).items;
    expect(rss).toHaveLength(2);
    const old = rss.find((r) => r.spec?.template?.spec?.containers?.[0]?.image === 'busybox:1.36')!;
    expect(old.spec?.replicas).toBe(0);

    const history = await kubectl.ok(['rollout', 'history', 'deployment/web', '-n', ns]);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);

    await kubectl.ok(['rollout', 'undo', 'deployment/web', '-n', ns]);
    expect(await rolledOut(ns, 'web')).toContain('successfully rolled out');
    expect(await liveImages(ns, 'app=web')).toEqual(Array(4).fill('busybox:1.36'));
    const after = (await replicaSets(ns).list()).items;
    expect(after).toHaveLength(2);
    const reused = after.find((r) => r.metadata?.uid === old.metadata?.uid)!;
    expect(reused.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect((await deployments(ns).get('web')).metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(await kubectl.ok(['rollout', 'history', 'deployment/web', '-n', ns])).toMatch(/\n2\s+<none>\n3\s+<none>/);
  });

  it('keeps availability within maxUnavailable during a rolling update', async () => {
    const ns = await tc.namespace('dep-surge');
    await deployments(ns).create(
      deployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
    );
    await rolledOut(ns, 'web');
    let minAvailable = Infinity;
    let maxPods = 0;
    const watch = setInterval(() => {
      void deployments(ns)
        .get('web')
        .then((d) => {
          minAvailable = Math.min(minAvailable, d.status?.availableReplicas ?? 0);
          maxPods = Math.max(maxPods, d.status?.replicas ?? 0);
        })
        .catch(() => {});
    }, 10);
    try {
      await kubectl.ok(['set', 'image', 'deployment/web', 'app=busybox:1.37', '-n', ns]);
      await rolledOut(ns, 'web');
    } finally {
      clearInterval(watch);
    }
    expect(minAvailable).toBeGreaterThanOrEqual(4);
    expect(maxPods).toBeLessThanOrEqual(5);
  });

  it('pauses, resumes and restarts with kubectl rollout', async () => {
    const ns = await tc.namespace('dep-pause');
    await deployments(ns).create(deployment('web', { replicas: 2 }));
    await rolledOut(ns, 'web');
    await kubectl.ok(['rollout', 'pause', 'deployment/web', '-n', ns]);
    await kubectl.ok(['set', 'image', 'deployment/web', 'app=busybox:1.37', '-n', ns]);
    await waitFor('the paused condition', async () => (await deployments(ns).get('web')).status?.conditions?.some((c) => c.reason === 'DeploymentPaused'));
    expect((await replicaSets(ns).list()).items).toHaveLength(1);
    expect(await liveImages(ns, 'app=web')).toEqual(['busybox:1.36', 'busybox:1.36']);

    await kubectl.ok(['rollout', 'resume', 'deployment/web', '-n', ns]);
    await rolledOut(ns, 'web');
    expect(await liveImages(ns, 'app=web')).toEqual(['busybox:1.37', 'busybox:1.37']);

    const before = new Set((await pods(ns).list({ labelSelector: 'app=web' })).items.map((p) => p.metadata?.name));
    await kubectl.ok(['rollout', 'restart', 'deployment/web', '-n', ns]);
    await rolledOut(ns, 'web');
    const live = (await pods(ns).list({ labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    expect(live).toHaveLength(2);
    for (const p of live) expect(before.has(p.metadata?.name)).toBe(false);
    expect((await replicaSets(ns).list()).items).toHaveLength(3);
  });

  it('scales proportionally with kubectl scale and no new ReplicaSet', async () => {
    const ns = await tc.namespace('dep-scale');
    await deployments(ns).create(deployment('web', { replicas: 2 }));
    await rolledOut(ns, 'web');
    await kubectl.ok(['scale', 'deployment/web', '--replicas=5', '-n', ns]);
    await rolledOut(ns, 'web');
    const rss = (await replicaSets(ns).list()).items;
    expect(rss).toHaveLength(1);
    expect(rss[0]!.spec?.replicas).toBe(5);
    expect(await kubectl.ok(['describe', 'deployment', 'web', '-n', ns])).toMatch(/Scaled up replica set web-\S+ from 2 to 5/);
    await kubectl.ok(['scale', 'deployment/web', '--replicas=1', '-n', ns]);
    await rolledOut(ns, 'web');
    expect((await deployments(ns).get('web')).status?.replicas).toBe(1);
  });

  it('with Recreate, removes every old pod before the first new one starts', async () => {
    const ns = await tc.namespace('dep-recreate');
    await deployments(ns).create(deployment('web', { replicas: 3, strategy: { type: 'Recreate' } }));
    await rolledOut(ns, 'web');
    let mixed = false;
    const check = setInterval(() => {
      void pods(ns)
        .list({ labelSelector: 'app=web' })
        .then((l) => {
          const images = new Set(l.items.map((p) => p.spec!.containers[0]!.image));
          if (images.size > 1) mixed = true;
        })
        .catch(() => {});
    }, 10);
    try {
      await kubectl.ok(['set', 'image', 'deployment/web', 'app=busybox:1.37', '-n', ns]);
      await rolledOut(ns, 'web');
    } finally {
      clearInterval(check);
    }
    expect(mixed).toBe(false);
    expect(await liveImages(ns, 'app=web')).toEqual(Array(3).fill('busybox:1.37'));
  });

  it('reports ProgressDeadlineExceeded when new pods never become ready, and rollout status fails', async () => {
    const ns = await tc.namespace('dep-deadline');
    const saved = tc.nodes.behaviour;
    tc.nodes.behaviour = (p) => (p.metadata?.namespace === ns && p.spec?.containers[0]?.image === 'broken:1' ? 'not-ready' : saved(p));
    try {
      await deployments(ns).create(deployment('web', { replicas: 2, progressDeadlineSeconds: 2 }));
      await rolledOut(ns, 'web');
      await kubectl.ok(['set', 'image', 'deployment/web', 'app=broken:1', '-n', ns]);
      const cond = await waitFor('the deadline to pass', async () => {
        const d = await deployments(ns).get('web');
        return d.status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
      });
      expect(cond.status).toBe('False');
      expect(cond.message).toMatch(/^ReplicaSet "web-\S+" has timed out progressing\.$/);
      const r = await kubectl.run(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=30s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('deployment "web" exceeded its progress deadline');
      // The old pods kept serving: maxUnavailable (25% of 2 -> 0) held the old ReplicaSet up.
      expect((await deployments(ns).get('web')).status?.availableReplicas).toBe(2);
    } finally {
      tc.nodes.behaviour = saved;
    }
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const ns = await tc.namespace('dep-history');
    await deployments(ns).create(deployment('web', { replicas: 1, revisionHistoryLimit: 1 }));
    await rolledOut(ns, 'web');
    for (const tag of ['1.37', '1.38', '1.39']) {
      await kubectl.ok(['set', 'image', 'deployment/web', `app=busybox:${tag}`, '-n', ns]);
      await rolledOut(ns, 'web');
    }
    const rss = await waitFor('old ReplicaSets pruned to one', async () => {
      const items = (await replicaSets(ns).list()).items;
      return items.length === 2 ? items : undefined;
    });
    const revisions = rss.map((r) => r.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort();
    expect(revisions).toEqual(['3', '4']);
  });

  it('waits for the spec update to be observed: observedGeneration follows generation', async () => {
    const ns = await tc.namespace('dep-generation');
    await deployments(ns).create(deployment('web', { replicas: 1 }));
    await rolledOut(ns, 'web');
    await kubectl.ok(['set', 'image', 'deployment/web', 'app=busybox:1.37', '-n', ns]);
    const d = await waitFor('generation 2 observed', async () => {
      const cur = await deployments(ns).get('web');
      return cur.status?.observedGeneration === 2 ? cur : undefined;
    });
    expect(d.metadata?.generation).toBe(2);
  });
});
