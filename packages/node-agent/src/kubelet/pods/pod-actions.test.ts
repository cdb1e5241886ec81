import { describe, expect, it } from 'vitest';
import { containerHash } from './container-config.js';
import { computePodActions, shouldRestart, type ActionInput } from './pod-actions.js';
import type { ContainerInstance, PodRuntimeState } from './pod-runtime-state.js';

const main = { name: 'main', image: 'busybox' };
const init = { name: 'init', image: 'busybox' };
const side = { name: 'side', image: 'busybox', restartPolicy: 'Always' };

function pod(spec: any): any {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { restartPolicy: 'Always', ...spec } };
}

function inst(spec: any, state: 'run' | 'exit0' | 'exit1' | 'created', attempt = 0, extra: Partial<ContainerInstance> = {}): ContainerInstance {
  const states = { run: 'CONTAINER_RUNNING', exit0: 'CONTAINER_EXITED', exit1: 'CONTAINER_EXITED', created: 'CONTAINER_CREATED' } as const;
  return {
    id: `${spec.name}-${attempt}`,
    sandboxId: 's1',
    name: spec.name,
    kind: spec.restartPolicy === 'Always' ? 'sidecar' : spec === init ? 'init' : 'regular',
    attempt,
    state: states[state],
    createdAtMs: 1000 + attempt,
    startedAtMs: 1000 + attempt,
    finishedAtMs: state.startsWith('exit') ? 2000 + attempt : 0,
    exitCode: state === 'exit1' ? 1 : 0,
    reason: '',
    message: '',
    image: 'busybox',
    imageRef: 'sha256:x',
    hash: containerHash(spec),
    logPath: '',
    annotations: {},
    ...extra,
  };
}

function state(containers: ContainerInstance[], sandbox: 'ready' | 'notready' | 'none' = 'ready'): PodRuntimeState {
  return {
    sandboxes: sandbox === 'none' ? [] : [{ id: 's1', attempt: 0, ready: sandbox === 'ready', createdAtMs: 0, ip: '10.0.0.2' }],
    containers,
  };
}

function input(p: any, s: PodRuntimeState, over: Partial<ActionInput> = {}): ActionInput {
  return {
    pod: p,
    state: s,
    started: () => true,
    killReason: () => undefined,
    backoff: () => ({ waiting: false, until: 0, backoffMs: 0 }),
    ...over,
  };
}

const summary = (a: ReturnType<typeof computePodActions>) => ({
  sandbox: a.createSandbox,
  start: a.start.map((s) => `${s.container.name}#${s.attempt}`),
  kill: a.kill.map((k) => k.instance.name),
  wait: a.backoff.map((b) => b.name),
  finished: a.finished,
  stopSandbox: a.stopSandbox,
});

describe('computePodActions', () => {
  it.each([
    ['a new pod gets a sandbox first', pod({ containers: [main] }), state([], 'none'), { sandbox: true, start: [] }],
    ['a dead sandbox is replaced, killing what ran in it', pod({ containers: [main] }), state([inst(main, 'run')], 'notready'), { sandbox: true, kill: ['main'] }],
    ['with a sandbox, the main containers start', pod({ containers: [main] }), state([]), { start: ['main#0'] }],
    ['init containers go first, one at a time', pod({ initContainers: [init], containers: [main] }), state([]), { start: ['init#0'] }],
    ['a running init container is waited for', pod({ initContainers: [init], containers: [main] }), state([inst(init, 'run')]), { start: [] }],
    ['after init succeeded, the main containers start', pod({ initContainers: [init], containers: [main] }), state([inst(init, 'exit0')]), { start: ['main#0'] }],
    ['a failed init container is restarted (restartPolicy Always)', pod({ initContainers: [init], containers: [main] }), state([inst(init, 'exit1')]), { start: ['init#1'] }],
    ['a failed init container fails the pod (restartPolicy Never)', pod({ restartPolicy: 'Never', initContainers: [init], containers: [main] }), state([inst(init, 'exit1')]), { finished: true, stopSandbox: true }],
    ['a sidecar must be running before the next init container', pod({ initContainers: [side, init], containers: [main] }), state([]), { start: ['side#0'] }],
    ['a started sidecar lets the next init container go', pod({ initContainers: [side, init], containers: [main] }), state([inst(side, 'run')]), { start: ['init#0'] }],
    ['a sidecar that exits is restarted even after init', pod({ initContainers: [side], containers: [main] }), state([inst(side, 'exit0'), inst(main, 'run')]), { start: ['side#1'] }],
    ['restartPolicy Always restarts a container that succeeded', pod({ containers: [main] }), state([inst(main, 'exit0')]), { start: ['main#1'] }],
    ['restartPolicy OnFailure leaves a success alone: the pod is done', pod({ restartPolicy: 'OnFailure', containers: [main] }), state([inst(main, 'exit0')]), { finished: true, stopSandbox: true }],
    ['restartPolicy OnFailure restarts a failure', pod({ restartPolicy: 'OnFailure', containers: [main] }), state([inst(main, 'exit1', 2)]), { start: ['main#3'] }],
    ['restartPolicy Never leaves a failure alone', pod({ restartPolicy: 'Never', containers: [main] }), state([inst(main, 'exit1')]), { finished: true, stopSandbox: true }],
    ['a finished pod stops its sidecars before its sandbox', pod({ restartPolicy: 'Never', initContainers: [side], containers: [main] }), state([inst(side, 'run'), inst(main, 'exit0')]), { finished: true, kill: ['side'] }],
    ['a container that was created but never started is started', pod({ containers: [main] }), state([inst(main, 'created', 1)]), { start: ['main#1'] }],
    ['a changed spec restarts the container', pod({ containers: [{ ...main, image: 'busybox:2' }] }), state([inst(main, 'run')]), { kill: ['main'] }],
  ])('%s', (_what, p, s, want) => {
    expect(summary(computePodActions(input(p, s)))).toMatchObject(want);
  });

  it('kills a container whose liveness probe failed', () => {
    const a = computePodActions(input(pod({ containers: [main] }), state([inst(main, 'run')]), { killReason: () => ({ kind: 'liveness', message: 'x' }) }));
    expect(a.kill.map((k) => k.message)).toEqual(['Container main failed liveness probe, will be restarted']);
  });

  it('waits out the back-off before restarting a crashed container', () => {
    const a = computePodActions(input(pod({ containers: [main] }), state([inst(main, 'exit1', 3)]), { backoff: () => ({ waiting: true, until: 99, backoffMs: 40_000 }) }));
    expect(summary(a)).toMatchObject({ start: [], wait: ['main'] });
  });

  it('holds the main containers while a sidecar has not passed its startup probe', () => {
    const a = computePodActions(input(pod({ initContainers: [side], containers: [main] }), state([inst(side, 'run')]), { started: () => false }));
    expect(summary(a)).toMatchObject({ start: [] });
  });
});

describe('shouldRestart', () => {
  it.each([
    ['regular', 0, 'Always', true],
    ['regular', 1, 'OnFailure', true],
    ['regular', 0, 'OnFailure', false],
    ['regular', 1, 'Never', false],
    ['init', 1, 'Always', true],
    ['init', 0, 'Always', false],
    ['init', 1, 'Never', false],
    ['sidecar', 0, 'Never', true],
  ] as const)('a %s container exiting %i under %s restarts: %s', (kind, code, policy, want) => {
    expect(shouldRestart(kind, code, policy)).toBe(want);
  });
});

describe('ephemeral containers', () => {
  const dbg = { name: 'dbg', image: 'busybox', targetContainerName: 'main' };
  const loner = { name: 'loner', image: 'busybox' };

  it('start once the target runs, in its PID namespace', () => {
    const waiting = computePodActions(input(pod({ containers: [main], ephemeralContainers: [dbg] }), state([])));
    expect(waiting.start.map((s) => s.container.name)).toEqual(['main']);
    const a = computePodActions(input(pod({ containers: [main], ephemeralContainers: [dbg, loner] }), state([inst(main, 'run')])));
    expect(a.start).toEqual([
      { container: dbg, kind: 'ephemeral', attempt: 0, targetId: 'main-0' },
      { container: loner, kind: 'ephemeral', attempt: 0 },
    ]);
  });

  it('are never restarted or killed for a changed spec, and stop with the pod', () => {
    const exited = { ...inst(dbg, 'exit1'), kind: 'ephemeral' as const, hash: 'other' };
    const a = computePodActions(input(pod({ containers: [main], ephemeralContainers: [dbg] }), state([inst(main, 'run'), exited])));
    expect(summary(a)).toMatchObject({ start: [], kill: [] });
    const running = { ...inst(loner, 'run'), kind: 'ephemeral' as const };
    const done = computePodActions(input(pod({ restartPolicy: 'Never', containers: [main], ephemeralContainers: [loner] }), state([inst(main, 'exit0'), running])));
    expect(done.finished).toBe(true);
    expect(done.kill.map((k) => k.instance.name)).toEqual(['loner']);
  });
});
