import { kubectlFor, waitFor } from '@skiff/test-util';
import { afterEach, describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../test-util/builders.js';
import { podScheduled, startHarness, type Harness } from '../../test-util/scheduler-harness.js';
import type { EngineKind } from '../core/engine.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const engines: EngineKind[] = ['wasm', 'ts'];

describe('the scheduler process against a live API server', () => {
  it('binds a pod to the node that fits it and records the Scheduled event', async () => {
    h = await startHarness();
    await h.cluster.addNode(makeNode('small').capacity({ cpu: '1' }).obj());
    await h.cluster.addNode(makeNode('big').capacity({ cpu: '4' }).obj());
    await h.cluster.addPod(makePod('web').req({ cpu: '2' }).obj());
    expect(await h.boundNode('web')).toBe('big');
    expect(await h.waitForEvent('web', /Scheduled/)).toBe('Normal Scheduled: Successfully assigned default/web to big');
    expect(podScheduled(await h.cluster.getPod('web'))).toMatch(/^True/);
  });

  it.each(engines)('accounts each assumed pod before its binding is confirmed (%s engine)', async (engine) => {
    // Pending before the scheduler starts, the three pods are scheduled in one batch before any binding is sent:
    // only the assume path can keep them apart.
    h = await startHarness({ engine }, async (c) => {
      for (const n of ['n1', 'n2', 'n3']) await c.addNode(makeNode(n).capacity({ cpu: '1' }).obj());
      for (const i of [1, 2, 3]) await c.addPod(makePod(`p${i}`).req({ cpu: '700m' }).obj());
    });
    const nodes = await Promise.all([1, 2, 3].map((i) => h!.boundNode(`p${i}`)));
    expect(new Set(nodes)).toEqual(new Set(['n1', 'n2', 'n3']));
    await h.cluster.addPod(makePod('p4').req({ cpu: '700m' }).obj());
    expect(await h.waitForEvent('p4', /FailedScheduling/)).toBe(
      'Warning FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..',
    );
  });

  it('reports an unschedulable pod (event, PodScheduled=False, kubectl describe) and schedules it once a node fits', async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) await h.cluster.addNode(makeNode(`n${i}`).capacity({ cpu: '1' }).obj());
    await h.cluster.addPod(makePod('big').req({ cpu: '3' }).obj());
    // More than any node's allocatable: removing pods cannot help, and the message says so.
    const message = '0/5 nodes are available: 5 Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling..';
    expect(await h.waitForEvent('big', /FailedScheduling/)).toBe(`Warning FailedScheduling: ${message}`);
    const condition = await waitFor('the PodScheduled condition', async () => podScheduled(await h!.cluster.getPod('big')));
    expect(condition).toBe(`False Unschedulable: ${message}`);
    const kubectl = kubectlFor(h.cluster.server.url);
    try {
      const described = await kubectl.ok(['describe', 'pod', 'big']);
      expect(described).toMatch(/PodScheduled\s+False/);
      expect(described).toMatch(new RegExp(`Warning\\s+FailedScheduling\\s+\\S+\\s+default-scheduler\\s+${message.replace(/[.()]/g, '\\$&')}`));
      await h.cluster.addNode(makeNode('roomy').capacity({ cpu: '8' }).obj());
      expect(await h.boundNode('big')).toBe('roomy');
      await h.waitForEvent('big', /Scheduled: Successfully assigned default\/big to roomy/);
      expect(await kubectl.ok(['describe', 'pod', 'big'])).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/big to roomy/);
    } finally {
      kubectl.cleanup();
    }
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    h = await startHarness();
    await h.cluster.addNode(makeNode('gpu').capacity({ cpu: '8' }).taint('dedicated', 'gpu', 'NoSchedule').obj());
    await h.cluster.addNode(makeNode('plain').capacity({ cpu: '1' }).obj());
    await h.cluster.addPod(makePod('tolerant').req({ cpu: '2' }).toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }).obj());
    await h.cluster.addPod(makePod('intolerant').req({ cpu: '2' }).obj());
    await h.cluster.addPod(makePod('small').req({ cpu: '500m' }).obj());
    expect(await h.boundNode('tolerant')).toBe('gpu');
    expect(await h.boundNode('small')).toBe('plain');
    expect(await h.waitForEvent('intolerant', /FailedScheduling/)).toMatch(
      /^Warning FailedScheduling: 0\/2 nodes are available: 1 Insufficient cpu, 1 node\(s\) had untolerated taint \{dedicated: gpu\}\./,
    );
    expect((await h.cluster.getPod('intolerant')).spec?.nodeName).toBeUndefined();
  });

  it('places pods by required node affinity and node selectors', async () => {
    h = await startHarness();
    await h.cluster.addNode(makeNode('a1').label('zone', 'a').obj());
    await h.cluster.addNode(makeNode('b1').label('zone', 'b').obj());
    const inZone = (zone: string) => ({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [zone] }] }] } },
    });
    await h.cluster.addPod(makePod('to-b').affinity(inZone('b')).obj());
    await h.cluster.addPod(makePod('to-a').nodeSelector({ zone: 'a' }).obj());
    await h.cluster.addPod(makePod('to-c').affinity(inZone('c')).obj());
    expect(await h.boundNode('to-b')).toBe('b1');
    expect(await h.boundNode('to-a')).toBe('a1');
    expect(await h.waitForEvent('to-c', /FailedScheduling/)).toMatch(/0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector\./);
  });

  it('preempts a lower-priority pod, nominates the node and binds the preemptor once the victim is gone', async () => {
    h = await startHarness();
    h.cluster.reapTerminating();
    await h.cluster.addNode(makeNode('only').capacity({ cpu: '1' }).obj());
    await h.cluster.addPod(makePod('low').req({ cpu: '800m' }).priority(10).obj());
    expect(await h.boundNode('low')).toBe('only');
    const lowUid = (await h.cluster.getPod('low')).metadata?.uid;
    const high = await h.cluster.addPod(makePod('high').req({ cpu: '800m' }).priority(1000).obj());
    expect(await h.boundNode('high')).toBe('only');
    expect(await h.waitForEvent('low', /Preempted/)).toBe(`Normal Preempted: Preempted by pod ${high.metadata?.uid} on node only`);
    // A preemption that found its victims reports no PostFilter message, as kube-scheduler's does.
    expect(await h.waitForEvent('high', /FailedScheduling/)).toBe('Warning FailedScheduling: 0/1 nodes are available: 1 Insufficient cpu.');
    expect((await h.cluster.getPod('high')).status?.nominatedNodeName).toBe('only');
    await waitFor('the victim to be gone', async () => {
      const pods = await h!.cluster.pods.namespace('default').list();
      return !pods.items.some((p) => p.metadata?.uid === lowUid);
    });
    expect(h.scheduler.stats().evicted).toBe(1);
  });

  it('leaves pods of other schedulers alone and schedules each profile by its own name', async () => {
    h = await startHarness({
      config: { apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [{ schedulerName: 'default-scheduler' }, { schedulerName: 'packer' }] },
    });
    await h.cluster.addNode(makeNode('n1').obj());
    const foreign = makePod('foreign').obj();
    foreign.spec!.schedulerName = 'someone-else';
    await h.cluster.addPod(foreign);
    const packed = makePod('packed').obj();
    packed.spec!.schedulerName = 'packer';
    await h.cluster.addPod(packed);
    await h.cluster.addPod(makePod('plain').obj());
    expect(await h.boundNode('packed')).toBe('n1');
    expect(await h.boundNode('plain')).toBe('n1');
    expect(await h.waitForEvent('packed', /Scheduled/)).toBe('Normal Scheduled: Successfully assigned default/packed to n1');
    expect((await h.cluster.getPod('foreign')).spec?.nodeName).toBeUndefined();
    expect(h.scheduler.scheduler.queue.has('default/foreign')).toBe(false);
    expect(await h.events('foreign')).toEqual([]);
  });

  it('serves /healthz, /readyz and /metrics with attempts by result and latency histograms', async () => {
    h = await startHarness();
    await h.cluster.addNode(makeNode('n1').capacity({ cpu: '1' }).obj());
    await h.cluster.addPod(makePod('fits').req({ cpu: '500m' }).obj());
    await h.cluster.addPod(makePod('too-big').req({ cpu: '2' }).obj());
    await h.boundNode('fits');
    await h.waitForEvent('too-big', /FailedScheduling/);
    const url = h.scheduler.serverUrl!;
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const text = await waitFor('bind latency in the metrics', async () => {
      const t = await (await fetch(`${url}/metrics`)).text();
      return t.includes('scheduler_pod_scheduling_sli_duration_seconds_count 1') ? t : undefined;
    });
    expect(text).toContain('scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"} 1');
    expect(text).toMatch(/scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} [1-9]/);
    expect(text).toContain('scheduler_framework_extension_point_duration_seconds_count{extension_point="Bind",status="Success",profile="default-scheduler"} 1');
    expect(text).toMatch(/scheduler_pending_pods\{queue="unschedulable"\} 1/);
    expect(text).toContain('scheduler_cache_size{type="nodes"} 1');
    expect(text).toContain('leader_election_master_status{name="kube-scheduler"} 1');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
