import { describe, expect, it } from 'vitest';
import type { ContainerInstance, PodRuntimeState } from './pod-runtime-state.js';
import { buildPodStatus, type StatusInput, type WaitingNote } from './pod-status.js';

function pod(spec: any, status: any = {}): any {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { restartPolicy: 'Always', ...spec }, status };
}

function inst(name: string, state: 'run' | 'exit0' | 'exit1' | 'oom', attempt = 0, kind: ContainerInstance['kind'] = 'regular'): ContainerInstance {
  return {
    id: `${name}-${attempt}`,
    sandboxId: 's1',
    name,
    kind,
    attempt,
    state: state === 'run' ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED',
    createdAtMs: Date.UTC(2024, 0, 1, 0, 0, attempt),
    startedAtMs: Date.UTC(2024, 0, 1, 0, 0, attempt),
    finishedAtMs: state === 'run' ? 0 : Date.UTC(2024, 0, 1, 0, 1, attempt),
    exitCode: state === 'exit0' ? 0 : state === 'run' ? 0 : 137,
    reason: state === 'oom' ? 'OOMKilled' : '',
    message: '',
    image: 'docker.io/library/busybox:latest',
    imageRef: 'sha256:abc',
    hash: '',
    logPath: '',
    annotations: {},
  };
}

function build(p: any, containers: ContainerInstance[], over: Partial<StatusInput> = {}): any {
  const s: PodRuntimeState = { sandboxes: [{ id: 's1', attempt: 0, ready: true, createdAtMs: 0, ip: '10.1.0.5' }], containers };
  return buildPodStatus({
    pod: p,
    state: s,
    ready: () => true,
    started: () => true,
    waiting: new Map<string, WaitingNote>(),
    messages: new Map(),
    runtimeName: 'skiff',
    hostIPs: ['192.168.0.2'],
    now: '2024-01-01T00:05:00Z',
    terminating: false,
    ...over,
  });
}

const cond = (st: any, type: string) => st.conditions.find((c: any) => c.type === type);
const app = { name: 'app', image: 'busybox' };

describe('buildPodStatus', () => {
  it("keeps conditions the kubelet does not own (DisruptionTarget) and replaces its own", () => {
    const disruption = { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: 'm', lastTransitionTime: '2024-01-01T00:01:00Z' };
    const st = build(pod({ containers: [app] }, { conditions: [{ type: 'Ready', status: 'False' }, disruption] }), [inst('app', 'run')]);
    expect(st.conditions.map((c: any) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'DisruptionTarget']);
    expect(cond(st, 'DisruptionTarget')).toEqual(disruption);
    expect(cond(st, 'Ready').status).toBe('True');
  });

  it('reports a running pod as Running and Ready with its IPs and QoS class', () => {
    const st = build(pod({ containers: [app] }), [inst('app', 'run')]);
    expect(st).toMatchObject({ phase: 'Running', podIP: '10.1.0.5', podIPs: [{ ip: '10.1.0.5' }], hostIP: '192.168.0.2', qosClass: 'BestEffort' });
    expect(st.containerStatuses[0]).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, containerID: 'skiff://app-0', imageID: 'sha256:abc' });
    expect(st.containerStatuses[0].state).toEqual({ running: { startedAt: '2024-01-01T00:00:00Z' } });
    for (const t of ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'PodReadyToStartContainers']) expect(cond(st, t).status).toBe('True');
  });

  it.each([
    ['a container without an instance waits in ContainerCreating', [], 'Pending', { waiting: { reason: 'ContainerCreating' } }],
    ['restartPolicy Never and a failure: Failed', [inst('app', 'exit1')], 'Failed', { terminated: { exitCode: 137, reason: 'Error' } }],
    ['restartPolicy Never and success: Succeeded', [inst('app', 'exit0')], 'Succeeded', { terminated: { exitCode: 0, reason: 'Completed' } }],
    ['an OOM kill is reported as OOMKilled', [inst('app', 'oom')], 'Failed', { terminated: { exitCode: 137, reason: 'OOMKilled' } }],
  ])('%s', (_what, containers, phase, state) => {
    const st = build(pod({ restartPolicy: 'Never', containers: [app] }), containers as ContainerInstance[]);
    expect(st.phase).toBe(phase);
    expect(st.containerStatuses[0].state).toMatchObject(state);
  });

  it('shows a crash-looping container as waiting, with its last termination and restart count', () => {
    const st = build(pod({ containers: [app] }), [inst('app', 'exit1', 3), inst('app', 'exit1', 2)], {
      waiting: new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_default(u1)' }]]),
    });
    expect(st.phase).toBe('Running');
    expect(st.containerStatuses[0]).toMatchObject({
      restartCount: 3,
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 137, containerID: 'skiff://app-3' } },
    });
    expect(cond(st, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
  });

  it('keeps the previous instance as lastState of a restarted, running container', () => {
    const st = build(pod({ containers: [app] }), [inst('app', 'run', 1), inst('app', 'exit1', 0)]);
    expect(st.containerStatuses[0]).toMatchObject({ restartCount: 1, lastState: { terminated: { containerID: 'skiff://app-0' } } });
  });

  it('is Pending and not Initialized while an init container runs', () => {
    const st = build(pod({ initContainers: [{ name: 'init', image: 'busybox' }], containers: [app] }), [inst('init', 'run', 0, 'init')]);
    expect(st.phase).toBe('Pending');
    expect(cond(st, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init]' });
    expect(st.containerStatuses[0].state).toEqual({ waiting: { reason: 'PodInitializing' } });
  });

  it('is not Ready while the readiness probe has not passed', () => {
    const st = build(pod({ containers: [app] }), [inst('app', 'run')], { ready: () => false });
    expect(st.phase).toBe('Running');
    expect(cond(st, 'Ready').status).toBe('False');
    expect(cond(st, 'ContainersReady').status).toBe('False');
  });

  it('keeps lastTransitionTime while a condition holds', () => {
    const previous = { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2023-01-01T00:00:00Z' }] };
    const st = build(pod({ containers: [app] }, previous), [inst('app', 'run')]);
    expect(cond(st, 'Ready').lastTransitionTime).toBe('2023-01-01T00:00:00Z');
    expect(cond(st, 'Initialized').lastTransitionTime).toBe('2024-01-01T00:05:00Z');
  });

  it('ends a deleted pod in a terminal phase once nothing runs', () => {
    const st = build(pod({ containers: [app] }), [inst('app', 'exit1')], { terminating: true });
    expect(st.phase).toBe('Failed');
  });

  it('reports a host-network pod at the host IP', () => {
    const st = build(pod({ hostNetwork: true, containers: [app] }), [inst('app', 'run')]);
    expect(st.podIP).toBe('192.168.0.2');
  });

  it('never leaves a terminal phase', () => {
    const st = build(pod({ containers: [app] }, { phase: 'Succeeded' }), [inst('app', 'run')]);
    expect(st.phase).toBe('Succeeded');
  });
});
