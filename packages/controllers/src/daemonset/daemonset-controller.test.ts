import type { DaemonSet, Node, Pod } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { podSpec } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: { nodes: ['node-1', 'node-2', 'node-3'], nodeLabels: { 'node-1': { disk: 'ssd' } } } });
  kubectl = kubectlFor(tc.server.url);
  // node-3 is reserved: pods must tolerate its taint.
  const n3 = await tc.client.resource<Node>('v1/nodes').get('node-3');
  await tc.client.resource<Node>('v1/nodes').update({ ...n3, spec: { ...n3.spec, taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } });
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

const dsClient = (ns: string) => tc.client.resource<DaemonSet>('apps/v1/daemonsets').namespace(ns);
const pods = (ns: string) => tc.client.resource<Pod>('v1/pods').namespace(ns);

function daemonSet(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}, image = 'busybox:1.36'): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { ...podSpec(image), ...spec } } },
  };
}

async function nodesOf(ns: string, app: string): Promise<string[]> {
  const ps = (await pods(ns).list({ labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
  return ps.map((p) => p.spec?.nodeName ?? '?').sort();
}

async function rolledOut(ns: string, name: string): Promise<string> {
  return kubectl.ok(['rollout', 'status', `daemonset/${name}`, '-n', ns, '--timeout=60s'], { timeoutMs: 70_000 });
}

describe('DaemonSet controller', () => {
  it('runs one pod on every node whose taints it tolerates, each pinned to its node', async () => {
    const ns = await tc.namespace('ds-all');
    await dsClient(ns).create(daemonSet('agent'));
    expect(await rolledOut(ns, 'agent')).toContain('daemon set "agent" successfully rolled out');
    expect(await nodesOf(ns, 'agent')).toEqual(['node-1', 'node-2']);
    const ds = await dsClient(ns).get('agent');
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0 });
    for (const p of (await pods(ns).list()).items) {
      const terms = p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      expect(terms?.[0]?.matchFields?.[0]).toEqual({ key: 'metadata.name', operator: 'In', values: [p.spec?.nodeName] });
      expect(p.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === undefined)).toBe(true);
    }
  });

  it('follows nodeSelector and tolerations', async () => {
    const ns = await tc.namespace('ds-select');
    await dsClient(ns).create(daemonSet('ssd-only', { nodeSelector: { disk: 'ssd' } }));
    await dsClient(ns).create(daemonSet('infra', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] }));
    await rolledOut(ns, 'ssd-only');
    await rolledOut(ns, 'infra');
    expect(await nodesOf(ns, 'ssd-only')).toEqual(['node-1']);
    expect(await nodesOf(ns, 'infra')).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('removes its pod from a node that stops matching, and adds one to a node that starts', async () => {
    const ns = await tc.namespace('ds-relabel');
    await dsClient(ns).create(daemonSet('gpu', { nodeSelector: { gpu: 'yes' } }));
    const nodes = tc.client.resource<Node>('v1/nodes');
    await nodes.patch('node-2', { metadata: { labels: { gpu: 'yes' } } }, 'merge');
    await waitFor('a pod on node-2', async () => (await nodesOf(ns, 'gpu')).join() === 'node-2');
    await nodes.patch('node-2', { metadata: { labels: { gpu: null } } }, 'merge');
    await waitFor('the pod gone from node-2', async () => (await pods(ns).list({ labelSelector: 'app=gpu' })).items.length === 0);
  });

  it('rolls a template change out node by node with kubectl rollout status', async () => {
    const ns = await tc.namespace('ds-update');
    await dsClient(ns).create(daemonSet('agent'));
    await rolledOut(ns, 'agent');
    const before = (await pods(ns).list()).items.map((p) => p.metadata?.labels?.['controller-revision-hash']);
    await kubectl.ok(['set', 'image', 'daemonset/agent', 'app=busybox:1.37', '-n', ns]);
    expect(await rolledOut(ns, 'agent')).toContain('successfully rolled out');
    const after = (await pods(ns).list()).items.filter((p) => !p.metadata?.deletionTimestamp);
    expect(after.map((p) => p.spec?.containers[0]?.image)).toEqual(['busybox:1.37', 'busybox:1.37']);
    expect(new Set(after.map((p) => p.metadata?.labels?.['controller-revision-hash'])).size).toBe(1);
    expect(after[0]!.metadata?.labels?.['controller-revision-hash']).not.toBe(before[0]);
  });

  it('keeps its templates as ControllerRevisions, so kubectl rollout undo brings the last one back', async () => {
    const ns = await tc.namespace('ds-undo');
    await dsClient(ns).create(daemonSet('logs'));
    await rolledOut(ns, 'logs');
    await kubectl.ok(['set', 'image', 'daemonset/logs', 'app=busybox:1.37', '-n', ns]);
    await rolledOut(ns, 'logs');
    const history = await kubectl.ok(['rollout', 'history', 'daemonset/logs', '-n', ns]);
    expect(history.split('\n').filter((l) => /^\d+\s/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(['1', '2']);
    expect(await kubectl.ok(['rollout', 'undo', 'daemonset/logs', '-n', ns])).toContain('rolled back');
    await rolledOut(ns, 'logs');
    const images = async () => (await pods(ns).list()).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.spec?.containers[0]?.image);
    await waitFor('every pod back on busybox:1.36', async () => ((await images()).every((i) => i === 'busybox:1.36') && (await images()).length === 2) || undefined);

    // revisionHistoryLimit: beyond it the oldest revision no pod uses is deleted
    await dsClient(ns).patch('logs', { spec: { revisionHistoryLimit: 1 } }, 'merge');
    await kubectl.ok(['set', 'image', 'daemonset/logs', 'app=busybox:1.38', '-n', ns]);
    await rolledOut(ns, 'logs');
    const revisions = tc.client.resource<any>('apps/v1/controllerrevisions').namespace(ns);
    const left = await waitFor('two revisions left', async () => {
      const items = (await revisions.list()).items;
      return items.length === 2 ? items : undefined;
    });
    expect(left.map((r: any) => r.data.spec.template.spec.containers[0].image).sort()).toEqual(['busybox:1.36', 'busybox:1.38']);
  });

  it('surges a new pod beside the old one with maxSurge, deleting the old one once the new is available', async () => {
    const ns = await tc.namespace('ds-surge');
    const ds = daemonSet('agent');
    ds.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    await dsClient(ns).create(ds);
    await rolledOut(ns, 'agent');
    // New pods stay unready until released, so the surge can be looked at.
    const saved = tc.nodes.behaviour;
    tc.nodes.behaviour = (p) => (p.metadata?.namespace === ns && p.spec?.containers[0]?.image === 'busybox:1.37' ? 'not-ready' : saved(p));
    try {
      await kubectl.ok(['set', 'image', 'daemonset/agent', 'app=busybox:1.37', '-n', ns]);
      const surged = await waitFor('an old and a new pod side by side on one node', async () => {
        const per = new Map<string, string[]>();
        for (const p of (await pods(ns).list()).items) per.set(p.spec?.nodeName ?? '', [...(per.get(p.spec?.nodeName ?? '') ?? []), p.spec!.containers[0]!.image!]);
        return [...per.values()].find((images) => images.length === 2);
      });
      expect(surged.sort()).toEqual(['busybox:1.36', 'busybox:1.37']);
      // maxSurge 1: one node at a time.
      expect((await pods(ns).list()).items.length).toBe(3);
    } finally {
      tc.nodes.behaviour = saved;
    }
    for (const p of (await pods(ns).list()).items.filter((x) => x.spec?.containers[0]?.image === 'busybox:1.37')) {
      const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      await pods(ns).updateStatus({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } });
    }
    await rolledOut(ns, 'agent');
    expect(await nodesOf(ns, 'agent')).toEqual(['node-1', 'node-2']);
    const images = (await pods(ns).list()).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.spec?.containers[0]?.image);
    expect(images).toEqual(['busybox:1.37', 'busybox:1.37']);
  });
});
