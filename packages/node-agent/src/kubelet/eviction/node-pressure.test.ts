/**
 * Node-pressure eviction on a real node: API server, runc runtime, node agent. The node's signals come from the
 * test (an injected node stats source, so the machine's real free memory and disk never decide the outcome); the
 * pods' usage comes from the runtime's real container stats. Nothing asserts on timing: the eviction manager runs
 * every 500 ms here, and every wait is bounded.
 */
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../../test-util/kubelet-cluster.js';
import { condition, createPod, getPod, podEvents, waitForEvent, waitForPod } from '../../../test-util/pods.js';
import type { Observations } from './signals.js';

const Mi = 1024 * 1024;
const healthy: Observations = {
  'memory.available': { available: 4096 * Mi, capacity: 8192 * Mi },
  'nodefs.available': { available: 50_000 * Mi, capacity: 100_000 * Mi },
  'nodefs.inodesFree': { available: 5_000_000, capacity: 6_000_000 },
  'imagefs.available': { available: 50_000 * Mi, capacity: 100_000 * Mi },
  'pid.available': { available: 30_000, capacity: 32_768 },
};
let signals: Observations = healthy;

let c: KubeletCluster;
/** Every phase change of the pods in `default`, in the order the API server reports them. */
const phases: string[] = [];
let stopRecording = () => undefined as void;

beforeAll(async () => {
  c = await startKubeletCluster({
    agent: {
      eviction: {
        hard: 'memory.available<100Mi,nodefs.available<10%',
        monitoringIntervalMs: 500,
        pressureTransitionPeriodMs: 1500,
        stats: { node: async () => signals },
      },
    },
  });
  await c.client.resource('scheduling.k8s.io/v1/priorityclasses').create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'eviction-high' }, value: 1000 });
  const stream = await c.client.resource('v1/pods').namespace('default').watch({});
  const last = new Map<string, string>();
  void (async () => {
    for await (const ev of stream) {
      const pod = ev.object as any;
      const name: string | undefined = pod.metadata?.name;
      const phase: string | undefined = pod.status?.phase;
      if (name && phase && last.get(name) !== phase) {
        last.set(name, phase);
        phases.push(`${name}:${phase}`);
      }
    }
  })().catch(() => undefined);
  stopRecording = () => stream.close();
});

afterAll(async () => {
  stopRecording();
  await c?.cleanup();
});

const sleeper = (extra: any = {}) => ({ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'], ...extra });
const nodeCondition = async (type: string) => (await c.client.resource('v1/nodes').get(c.nodeName)).status?.conditions?.find((x: any) => x.type === type)?.status;
const running = (name: string) => waitForPod(c, name, (p) => p.status?.phase === 'Running' && p, 'Running');

describe('node-pressure eviction', () => {
  it('under memory pressure evicts the BestEffort pod first, then the Guaranteed one, never the critical one', async () => {
    await createPod(c, 'besteffort', { containers: [sleeper()] });
    await createPod(c, 'guaranteed', {
      priorityClassName: 'eviction-high',
      containers: [sleeper({ resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } })],
    });
    await createPod(c, 'critical', { priorityClassName: 'system-node-critical', containers: [sleeper()] });
    await Promise.all(['besteffort', 'guaranteed', 'critical'].map(running));

    signals = { ...healthy, 'memory.available': { available: 50 * Mi, capacity: 8192 * Mi } };
    const evicted = await waitForPod(c, 'besteffort', (p) => p.status?.phase === 'Failed' && p, 'Failed');
    const message = /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: 50Mi\. Container app was using \d+(Ki|Mi)?, request is 0, has larger consumption of memory\. $/;
    expect(evicted.status.reason).toBe('Evicted');
    expect(evicted.status.message).toMatch(message);
    expect(evicted.status.conditions.find((x: any) => x.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'TerminationByKubelet',
      message: evicted.status.message,
    });
    expect(evicted.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137 });
    const event = await waitForEvent(c, 'besteffort', 'Evicted');
    expect(event).toMatchObject({ type: 'Warning', message: evicted.status.message });
    expect(await nodeCondition('MemoryPressure')).toBe('True');
    expect((await c.kubectl.ok(['get', 'pod', 'besteffort', '-o', 'jsonpath={.status.phase}/{.status.reason}'])).trim()).toBe('Failed/Evicted');

    // a BestEffort pod is turned away while memory is short; a pod with requests is not
    await createPod(c, 'late-besteffort', { containers: [sleeper()] });
    const rejected = await waitForPod(c, 'late-besteffort', (p) => p.status?.phase === 'Failed' && p, 'rejected');
    expect(rejected.status).toMatchObject({ reason: 'Evicted', message: 'Pod was rejected: The node had condition: [MemoryPressure]. ' });
    expect(await waitForEvent(c, 'late-besteffort', 'Evicted')).toMatchObject({ type: 'Warning', message: 'The node had condition: [MemoryPressure]. ' });

    const second = await waitForPod(c, 'guaranteed', (p) => p.status?.phase === 'Failed' && p, 'evicted after the BestEffort pod');
    expect(second.status.reason).toBe('Evicted');
    expect(second.status.message).toMatch(/^The node was low on resource: memory\. Threshold quantity: 100Mi, available: 50Mi\. $/);
    await eventually(() => phases.includes('guaranteed:Failed'), 'the watch to see the second eviction');
    expect(phases.indexOf('besteffort:Failed')).toBeLessThan(phases.indexOf('guaranteed:Failed'));

    // the evicted pod stays (Failed) and holds nothing on the node any more
    await eventually(async () => !(await c.runtime.client.listPodSandbox({})).items.some((s) => s.labels['io.kubernetes.pod.uid'] === evicted.metadata.uid), 'the evicted pod\'s sandbox removed');
    expect((await getPod(c, 'besteffort'))?.status?.phase).toBe('Failed');
    // kubectl's STATUS is status.reason unless a container state has a reason of its own, as in the real printer:
    // the rejected pod never ran and shows Evicted; an evicted pod's killed container (137) shows Error, as on a
    // real node since Kubernetes 1.22 (kubernetes/kubernetes#105358)
    const table = await c.kubectl.ok(['get', 'pods', '--no-headers']);
    expect(table).toMatch(/^critical\s+1\/1\s+Running\s/m);
    expect(table).toMatch(/^late-besteffort\s+0\/1\s+Evicted\s/m);
    expect(table).toMatch(/^besteffort\s+0\/1\s+Error\s/m);
  });

  it('under disk pressure rejects every new pod, and admits again once the pressure is gone', async () => {
    signals = { ...healthy, 'nodefs.available': { available: 5_000 * Mi, capacity: 100_000 * Mi } };
    await eventually(async () => (await nodeCondition('DiskPressure')) === 'True' && (await nodeCondition('MemoryPressure')) === 'False', 'DiskPressure alone');
    await createPod(c, 'under-disk-pressure', { containers: [sleeper({ resources: { requests: { memory: '16Mi' } } })] });
    const rejected = await waitForPod(c, 'under-disk-pressure', (p) => p.status?.phase === 'Failed' && p, 'rejected');
    expect(rejected.status).toMatchObject({ reason: 'Evicted', message: 'Pod was rejected: The node had condition: [DiskPressure]. ', qosClass: 'Burstable' });
    expect((await podEvents(c, 'under-disk-pressure')).filter((e) => e.reason === 'Evicted')).toEqual([
      expect.objectContaining({ type: 'Warning', message: 'The node had condition: [DiskPressure]. ' }),
    ]);
    // the critical pod is the only one left and may not be evicted, whatever the pressure
    expect(condition(await getPod(c, 'critical'), 'Ready')).toBe('True');

    signals = healthy;
    await eventually(async () => (await nodeCondition('DiskPressure')) === 'False', 'DiskPressure gone');
    await createPod(c, 'after-pressure', { containers: [sleeper()] });
    await running('after-pressure');
    expect((await getPod(c, 'critical'))?.status?.phase).toBe('Running');
  });

  it('a restarted agent leaves evicted and rejected pods as they are: Failed, not run again', async () => {
    const before = await getPod(c, 'besteffort');
    await c.restartAgent();
    // a pod created after the restart running means the new agent has synced the pods it found
    await createPod(c, 'after-restart', { containers: [sleeper()] });
    await running('after-restart');
    for (const name of ['besteffort', 'guaranteed', 'late-besteffort', 'under-disk-pressure']) {
      expect((await getPod(c, name))?.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    }
    const after = await getPod(c, 'besteffort');
    expect(after.status.conditions).toEqual(before.status.conditions);
    expect(after.status.containerStatuses).toEqual(before.status.containerStatuses);
    const sandboxes = (await c.runtime.client.listPodSandbox({})).items.map((s) => s.labels['io.kubernetes.pod.name']);
    expect(sandboxes).not.toContain('besteffort');
    expect(sandboxes).not.toContain('late-besteffort');
  });
});
