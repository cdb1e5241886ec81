import type { ControllerRevision, Pod, StatefulSet } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import type { PodOutcome } from '../../test-util/node-simulator.js';
import { podSpec } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
const outcomes = new Map<string, (p: Pod) => PodOutcome>();
beforeAll(async () => {
  tc = await startTestCluster({ nodes: { nodes: ['node-1', 'node-2'] } });
  tc.nodes.behaviour = (p) => outcomes.get(p.metadata!.namespace!)?.(p) ?? 'ready';
  kubectl = kubectlFor(tc.server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

const sts = (ns: string) => tc.client.resource<StatefulSet>('apps/v1/statefulsets').namespace(ns);
const pods = (ns: string) => tc.client.resource<Pod>('v1/pods').namespace(ns);

function statefulSet(name: string, spec: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: { replicas: 3, serviceName: name, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec() }, ...spec },
  };
}

async function names(ns: string): Promise<string[]> {
  return (await pods(ns).list()).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!).sort();
}

async function markReady(ns: string, name: string): Promise<void> {
  const p = await pods(ns).get(name);
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await pods(ns).updateStatus({ ...p, status: { ...p.status, phase: 'Running', podIP: '10.244.9.9', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } });
}

async function rolledOut(ns: string, name: string): Promise<string> {
  return kubectl.ok(['rollout', 'status', `statefulset/${name}`, '-n', ns, '--timeout=60s'], { timeoutMs: 70_000 });
}

describe('StatefulSet controller', () => {
  it('creates ordinals in order, each only after the previous one is Ready', async () => {
    const ns = await tc.namespace('sts-ordered');
    outcomes.set(ns, () => 'pending');
    await sts(ns).create(statefulSet('db'));
    await waitFor('db-0', async () => (await names(ns)).join() === 'db-0');
    const p0 = await pods(ns).get('db-0');
    expect(p0.spec?.hostname).toBe('db-0');
    expect(p0.spec?.subdomain).toBe('db');
    expect(p0.metadata?.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
    await markReady(ns, 'db-0');
    await waitFor('db-1', async () => (await names(ns)).join() === 'db-0,db-1');
    await markReady(ns, 'db-1');
    outcomes.set(ns, () => 'ready');
    // The API server defaults partition to 0, so kubectl reports a partitioned rollout, as against a real cluster.
    expect(await rolledOut(ns, 'db')).toMatch(/partitioned roll out complete: 3 new pods have been updated/);
    expect(await names(ns)).toEqual(['db-0', 'db-1', 'db-2']);
  });

  it('scales down from the highest ordinal with kubectl scale', async () => {
    const ns = await tc.namespace('sts-scale');
    await sts(ns).create(statefulSet('db'));
    await rolledOut(ns, 'db');
    await kubectl.ok(['scale', 'statefulset/db', '--replicas=1', '-n', ns]);
    await waitFor('only db-0 left', async () => (await pods(ns).list()).items.map((p) => p.metadata?.name).join() === 'db-0');
    await waitFor('status replicas 1', async () => (await sts(ns).get('db')).status?.replicas === 1);
  });

  it('creates every pod at once with Parallel', async () => {
    const ns = await tc.namespace('sts-parallel');
    outcomes.set(ns, () => 'pending');
    await sts(ns).create(statefulSet('db', { podManagementPolicy: 'Parallel' }));
    await waitFor('three pods, none ready', async () => (await names(ns)).length === 3);
  });

  it('rolls out from the highest ordinal down to the partition, then the rest', async () => {
    const ns = await tc.namespace('sts-partition');
    await sts(ns).create(statefulSet('db', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await rolledOut(ns, 'db');
    const oldRevision = (await sts(ns).get('db')).status?.currentRevision;
    await kubectl.ok(['set', 'image', 'statefulset/db', 'app=busybox:1.37', '-n', ns]);
    expect(await rolledOut(ns, 'db')).toMatch(/partitioned roll out complete: 2 new pods have been updated/);
    const image = async (n: string) => (await pods(ns).get(n)).spec?.containers[0]?.image;
    expect([await image('db-0'), await image('db-1'), await image('db-2')]).toEqual(['busybox:1.36', 'busybox:1.37', 'busybox:1.37']);
    const mid = await sts(ns).get('db');
    expect(mid.status?.currentRevision).toBe(oldRevision);
    expect(mid.status?.updatedReplicas).toBe(2);

    await sts(ns).patch('db', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, 'merge');
    expect(await rolledOut(ns, 'db')).toMatch(/partitioned roll out complete: 3 new pods have been updated/);
    expect(await image('db-0')).toBe('busybox:1.37');
    const done = await sts(ns).get('db');
    expect(done.status?.currentRevision).toBe(done.status?.updateRevision);
    expect(done.status?.currentRevision).not.toBe(oldRevision);
  });
  it('keeps its templates as ControllerRevisions: kubectl rollout history lists them and rollout undo goes back', async () => {
    const ns = await tc.namespace('sts-history');
    await sts(ns).create(statefulSet('web', { replicas: 2 }));
    await rolledOut(ns, 'web');
    await kubectl.ok(['set', 'image', 'statefulset/web', 'app=busybox:1.37', '-n', ns]);
    await rolledOut(ns, 'web');
    const numbers = async () =>
      (await kubectl.ok(['rollout', 'history', 'statefulset/web', '-n', ns]))
        .split('\n')
        .filter((l) => /^\d+\s/.test(l))
        .map((l) => Number(l.split(/\s+/)[0]));
    expect(await numbers()).toEqual([1, 2]);
    expect(await kubectl.ok(['rollout', 'history', 'statefulset/web', '-n', ns, '--revision=1'])).toContain('busybox:1.36');

    expect(await kubectl.ok(['rollout', 'undo', 'statefulset/web', '-n', ns])).toContain('rolled back');
    await rolledOut(ns, 'web');
    const image = async (n: string) => (await pods(ns).get(n)).spec?.containers[0]?.image;
    await waitFor('both pods back on busybox:1.36', async () => ((await image('web-0')) === 'busybox:1.36' && (await image('web-1')) === 'busybox:1.36') || undefined);
    // the first template came back: its revision object is renumbered, not copied
    await waitFor('revisions 2 and 3', async () => (JSON.stringify(await numbers()) === '[2,3]') || undefined);
    const revisions = (await tc.client.resource<ControllerRevision>('apps/v1/controllerrevisions').namespace(ns).list()).items;
    expect(revisions).toHaveLength(2);
    const set = await sts(ns).get('web');
    for (const r of revisions) expect(r.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'StatefulSet', name: 'web', uid: set.metadata!.uid, controller: true })]);
    expect(set.status?.updateRevision).toBe(revisions.find((r) => r.revision === 3)!.metadata!.name);
  });
});
