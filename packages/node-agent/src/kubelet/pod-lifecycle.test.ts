/**
 * A pod's life on a real node: API server, runc runtime with CNI bridge, node agent; kubectl and a client to drive
 * and read it. Back-offs are shortened (1 s doubling to 4 s) so restart tests finish quickly; nothing asserts on
 * timing, only on what the API server reports.
 */
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { condition, containerStatus, createPod, getPod, podEvents, recordPod, waitForEvent, waitForGone, waitForPod } from '../../test-util/pods.js';
import { TempDirs } from '../../test-util/temp-dir.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POD_UID } from './cri-labels.js';

let c: KubeletCluster;
const dirs = new TempDirs();

beforeAll(async () => {
  c = await startKubeletCluster();
});

afterAll(async () => {
  await c?.cleanup();
  dirs.removeAll();
});

const busybox = (name: string, script: string, extra: any = {}) => ({ name, image: 'busybox', command: ['sh', '-c', script], ...extra });

describe('a running pod', () => {
  it('reports Running and Ready, its IPs, QoS class and container state, and kubectl shows it with its events', async () => {
    await createPod(c, 'web', { containers: [busybox('app', 'echo started; exec sleep 3600', { resources: { requests: { cpu: '100m' } } })] });
    const pod = await waitForPod(c, 'web', (p) => condition(p, 'Ready') === 'True' && p, 'Ready');
    expect(pod.status).toMatchObject({ phase: 'Running', hostIP: '127.0.0.1', qosClass: 'Burstable' });
    expect(pod.status.podIP.startsWith(c.runtime.podCidr.split('.').slice(0, 3).join('.'))).toBe(true);
    expect(containerStatus(pod, 'app')).toMatchObject({ ready: true, started: true, restartCount: 0, image: expect.stringContaining('busybox') });
    expect(containerStatus(pod, 'app').containerID).toMatch(/^skiff:\/\/[0-9a-f]{64}$/);
    for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready', 'PodReadyToStartContainers']) expect(condition(pod, t)).toBe('True');

    const table = await c.kubectl.ok(['get', 'pod', 'web', '--no-headers']);
    expect(table).toMatch(/^web\s+1\/1\s+Running\s+0\s/);
    await waitForEvent(c, 'web', 'Started');
    const described = await c.kubectl.ok(['describe', 'pod', 'web']);
    for (const line of [/Normal\s+Pulling\s+.*kubelet\s+Pulling image "busybox"/, /Normal\s+Created\s+.*kubelet\s+Created container app/, /Normal\s+Started\s+.*kubelet\s+Started container app/]) {
      expect(described).toMatch(line);
    }
  });
});

describe('restart policies', () => {
  it('Always: a crashing container goes into CrashLoopBackOff with a growing back-off, up to its cap', async () => {
    await createPod(c, 'crash', { containers: [busybox('app', 'echo boom; exit 2')] });
    const seen = new Set<string>();
    await waitForPod(c, 'crash', (p) => {
      const msg = containerStatus(p, 'app')?.state?.waiting?.message as string | undefined;
      const m = msg && /back-off (\d+)s restarting failed container=app pod=crash_default/.exec(msg);
      if (m) seen.add(m[1]!);
      return seen.has('4') && p;
    }, 'back-off at its 4 s cap', 90_000);
    // every back-off step was reported on the way: 1 s, doubled to 2 s, then the 4 s cap
    expect([...seen].sort()).toEqual(['1', '2', '4']);
    const pod = await getPod(c, 'crash');
    const st = containerStatus(pod, 'app');
    expect(st.restartCount).toBeGreaterThanOrEqual(3);
    expect(st.lastState.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(pod.status.phase).toBe('Running');
    const backOff = await waitForEvent(c, 'crash', 'BackOff', /Back-off restarting failed container app in pod crash_default/);
    expect(backOff.type).toBe('Warning');
    expect(await c.kubectl.ok(['get', 'pod', 'crash', '--no-headers'])).toMatch(/CrashLoopBackOff|Error|Completed/);
  });

  it.each([
    ['OnFailure', 'exit 0', 'Succeeded', 0, 'Completed'],
    ['Never', 'exit 1', 'Failed', 1, 'Error'],
    ['Never', 'exit 0', 'Succeeded', 0, 'Completed'],
  ])('%s: a container that runs `%s` leaves the pod %s', async (policy, script, phase, exitCode, reason) => {
    const name = `once-${policy.toLowerCase()}-${exitCode}`;
    await createPod(c, name, { restartPolicy: policy, containers: [busybox('app', script)] });
    const pod = await waitForPod(c, name, (p) => p.status?.phase === phase && p, phase);
    expect(containerStatus(pod, 'app')).toMatchObject({ restartCount: 0, ready: false, state: { terminated: { exitCode, reason } } });
    expect(condition(pod, 'Ready')).toBe('False');
  });
});

describe('termination messages', () => {
  it.each([
    ['File', 'echo "went wrong" > /dev/termination-log; exit 3', 'went wrong\n'],
    ['FallbackToLogsOnError', 'echo "last words"; exit 4', 'last words\n'],
  ])('with terminationMessagePolicy %s, the message reaches the terminated state', async (policy, script, message) => {
    const name = `msg-${policy.toLowerCase()}`;
    await createPod(c, name, { restartPolicy: 'Never', containers: [busybox('app', script, { terminationMessagePolicy: policy })] });
    const pod = await waitForPod(c, name, (p) => p.status?.phase === 'Failed' && p, 'Failed');
    expect(containerStatus(pod, 'app').state.terminated.message).toBe(message);
  });
});

describe('resources', () => {
  it('a container past its memory limit is OOMKilled', async () => {
    const grow = 'x=0123456789abcdef; while true; do x=$x$x; done';
    await createPod(c, 'oom', { restartPolicy: 'Never', containers: [busybox('app', grow, { resources: { limits: { memory: '24Mi' } } })] });
    const pod = await waitForPod(c, 'oom', (p) => p.status?.phase === 'Failed' && p, 'Failed');
    expect(containerStatus(pod, 'app').state.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    // a memory limit alone (no cpu) makes the pod Burstable, not Guaranteed
    expect(pod.status.qosClass).toBe('Burstable');
  });
});

describe('images', () => {
  it('a missing image gives ErrImagePull, then ImagePullBackOff with events, and the node carries on', async () => {
    await createPod(c, 'noimage', { containers: [{ name: 'app', image: 'registry.example/nothing:1.0' }] });
    await waitForPod(c, 'noimage', (p) => containerStatus(p, 'app')?.state?.waiting?.reason === 'ImagePullBackOff', 'ImagePullBackOff');
    const events = await podEvents(c, 'noimage');
    expect(events.find((e) => e.reason === 'Failed' && /Failed to pull image "registry.example\/nothing:1.0"/.test(e.message))?.type).toBe('Warning');
    expect(events.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull')).toBe(true);
    expect(events.some((e) => e.reason === 'BackOff' && e.message === 'Back-off pulling image "registry.example/nothing:1.0"')).toBe(true);
    expect((await getPod(c, 'noimage')).status.phase).toBe('Pending');
    const health = await fetch(`${c.agent.url}/healthz`);
    expect(await health.text()).toBe('ok');
  });

  it('imagePullPolicy Never with a missing image gives ErrImageNeverPull', async () => {
    await createPod(c, 'neverpull', { containers: [{ name: 'app', image: 'registry.example/absent:2', imagePullPolicy: 'Never' }] });
    await waitForPod(c, 'neverpull', (p) => containerStatus(p, 'app')?.state?.waiting?.reason === 'ErrImageNeverPull', 'ErrImageNeverPull');
  });
});

describe('container configuration errors', () => {
  it('a missing ConfigMap is CreateContainerConfigError until it appears', async () => {
    await createPod(c, 'needscm', {
      containers: [busybox('app', 'echo $GREETING; exec sleep 3600', { env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'later', key: 'greeting' } } }] })],
    });
    const pod = await waitForPod(c, 'needscm', (p) => containerStatus(p, 'app')?.state?.waiting?.reason === 'CreateContainerConfigError' && p, 'CreateContainerConfigError');
    expect(containerStatus(pod, 'app').state.waiting.message).toBe('configmap "later" not found');
    await c.client.resource('v1/configmaps').namespace('default').create({ metadata: { name: 'later' }, data: { greeting: 'hello' } });
    await waitForPod(c, 'needscm', (p) => p.status?.phase === 'Running', 'Running once the ConfigMap exists');
  });
});

describe('init containers and sidecars', () => {
  it('run in order: init containers one by one, sidecars kept running, then the main containers', async () => {
    const mount = { volumeMounts: [{ name: 'work', mountPath: '/work' }] };
    await createPod(c, 'ordered', {
      initContainers: [
        busybox('first', 'echo first >> /work/order; sleep 1', mount),
        busybox('proxy', 'echo proxy >> /work/order; exec sleep 3600', { ...mount, restartPolicy: 'Always' }),
        busybox('second', 'echo second >> /work/order', mount),
      ],
      containers: [busybox('main', 'echo main >> /work/order; exec sleep 3600', mount)],
      volumes: [{ name: 'work', emptyDir: {} }],
    });
    const pod = await waitForPod(c, 'ordered', (p) => condition(p, 'Ready') === 'True' && p, 'Ready');
    expect(containerStatus(pod, 'first').state.terminated.reason).toBe('Completed');
    expect(containerStatus(pod, 'second').state.terminated.reason).toBe('Completed');
    expect(containerStatus(pod, 'proxy')).toMatchObject({ started: true, ready: true, state: { running: {} } });
    expect(condition(pod, 'Initialized')).toBe('True');
    // Each container appends its name once per run. A run that failed is rerun (init containers must be idempotent,
    // as Kubernetes says), so a name may repeat only as often as its container restarted; the order never changes.
    const lines = (await c.kubectl.ok(['exec', 'ordered', '-c', 'main', '--', 'cat', '/work/order'])).trim().split('\n');
    expect(lines.filter((l, i) => l !== lines[i - 1])).toEqual(['first', 'proxy', 'second', 'main']);
    for (const name of ['first', 'proxy', 'second', 'main']) {
      const st = containerStatus(pod, name);
      expect(lines.filter((l) => l === name).length, `${name} ran ${lines.filter((l) => l === name).length} times: ${JSON.stringify(st)}`).toBe(1 + st.restartCount);
    }
  });

  it('a failing init container keeps the pod Pending and is restarted', async () => {
    await createPod(c, 'badinit', { initContainers: [busybox('init', 'exit 1')], containers: [busybox('main', 'exec sleep 3600')] });
    const pod = await waitForPod(c, 'badinit', (p) => (containerStatus(p, 'init')?.restartCount ?? 0) >= 2 && p, 'init restarted twice');
    expect(pod.status.phase).toBe('Pending');
    expect(containerStatus(pod, 'main').state.waiting.reason).toBe('PodInitializing');
  });
});

describe('lifecycle hooks and graceful termination', () => {
  it('runs postStart after the start', async () => {
    await createPod(c, 'hooked', {
      containers: [busybox('app', 'exec sleep 3600', { lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo hooked > /tmp/poststart'] } } } })],
    });
    await waitForPod(c, 'hooked', (p) => p.status?.phase === 'Running', 'Running');
    expect(await c.kubectl.ok(['exec', 'hooked', '--', 'cat', '/tmp/poststart'])).toBe('hooked\n');
  });

  it('a failing postStart hook kills the container and says so', async () => {
    await createPod(c, 'badhook', { containers: [busybox('app', 'exec sleep 3600', { lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 7'] } } } })] });
    await waitForEvent(c, 'badhook', 'FailedPostStartHook');
    await waitForPod(c, 'badhook', (p) => (containerStatus(p, 'app')?.restartCount ?? 0) >= 1, 'restarted');
  });

  it('stops a deleted pod in order: preStop, SIGTERM to the main container, then the sidecar; SIGKILL after the grace period; the object goes last', async () => {
    const log = dirs.make('skiff-term-');
    const mount = { volumeMounts: [{ name: 'log', mountPath: '/log' }] };
    const trapping = (name: string) => `trap 'echo ${name}-term >> /log/order; exit 0' TERM; while true; do sleep 0.2; done`;
    await createPod(c, 'graceful', {
      terminationGracePeriodSeconds: 3,
      initContainers: [busybox('proxy', trapping('proxy'), { ...mount, restartPolicy: 'Always' })],
      containers: [
        busybox('main', trapping('main'), { ...mount, lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /log/order'] } } } }),
        busybox('stubborn', "trap '' TERM; while true; do sleep 0.2; done"),
      ],
      volumes: [{ name: 'log', hostPath: { path: log, type: 'Directory' } }],
    });
    const running = await waitForPod(c, 'graceful', (p) => condition(p, 'Ready') === 'True' && p, 'Ready');
    const uid = running.metadata.uid;
    const rec = await recordPod(c, 'graceful');
    await c.kubectl.ok(['delete', 'pod', 'graceful', '--wait=false']);
    await rec.deleted;
    // when the object went, nothing of the pod was running any more
    const { containers } = await c.runtime.client.listContainers({ filter: { labelSelector: { [POD_UID]: uid } } });
    expect(containers.filter((x) => x.state === 'CONTAINER_RUNNING')).toEqual([]);
    expect(readFileSync(join(log, 'order'), 'utf8')).toBe('prestop\nmain-term\nproxy-term\n');
    const last = rec.versions.filter((v) => v.status?.containerStatuses).at(-1);
    expect(containerStatus(last, 'stubborn').state.terminated.exitCode).toBe(137);
    expect(containerStatus(last, 'main').state.terminated.exitCode).toBe(0);
    expect(['Succeeded', 'Failed']).toContain(last.status.phase);
    await waitForEvent(c, 'graceful', 'Killing', /Stopping container stubborn/);
  });

  it('removes a deleted pod from the node: containers, sandbox and volumes', async () => {
    const pod = await createPod(c, 'transient', { containers: [busybox('app', 'exec sleep 3600')], volumes: [{ name: 'scratch', emptyDir: {} }] });
    await waitForPod(c, 'transient', (p) => p.status?.phase === 'Running', 'Running');
    await c.kubectl.ok(['delete', 'pod', 'transient', '--wait=false']);
    await waitForGone(c, 'transient');
    // the object goes first (once nothing runs); the node then removes the rest
    const uid = pod.metadata.uid;
    await eventually(async () => {
      const { items } = await c.runtime.client.listPodSandbox({ filter: { labelSelector: { [POD_UID]: uid } } });
      return items.length === 0 && !existsSync(join(c.agentRoot, 'pods', uid));
    }, 'the pod\'s sandbox and volumes to be removed');
    const { containers } = await c.runtime.client.listContainers({ filter: { labelSelector: { [POD_UID]: uid } } });
    expect(containers).toEqual([]);
  });
});
