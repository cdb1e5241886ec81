/**
 * What one sync of a pod should do, decided from its spec and what the runtime holds (the kubelet's
 * computePodActions). Pure: the pod worker carries the actions out and syncs again, so each decision only has to
 * take the next step:
 *
 *   no ready sandbox (and the pod is not finished)  -> kill what runs, create a sandbox (attempt + 1)
 *   init containers, in order                        -> start the first that has not succeeded; wait while it runs;
 *                                                      sidecars (restartPolicy Always) must be running and started
 *   then the main containers                         -> start those without an instance; restart exited ones per
 *                                                      restartPolicy, after their back-off
 *   running containers                               -> kill on liveness/startup failure or a changed spec
 *   every main container done for good               -> stop the sidecars (last first), then the sandbox
 *   ephemeral containers (kubectl debug)             -> start each once, alongside the rest, never restarted;
 *                                                      with a target, once that container runs
 */
import { containerHash } from './container-config.js';
import { instancesOf, isExited, isRunning, type ContainerInstance, type PodRuntimeState } from './pod-runtime-state.js';
import type { ContainerKind } from '../cri-labels.js';

export interface StartAction {
  container: any;
  kind: ContainerKind;
  attempt: number;
  /** The exited instance this one replaces (its finish time keys the back-off). */
  replaces?: ContainerInstance;
  /** A created-but-never-started instance to start instead of creating a new one. */
  existing?: ContainerInstance;
  /** An ephemeral container's target: the running container whose processes it sees (its PID namespace). */
  targetId?: string;
}

export interface KillAction {
  instance: ContainerInstance;
  /** The Killing event's message. */
  message: string;
  sidecar: boolean;
}

export interface BackoffWait {
  name: string;
  until: number;
  backoffMs: number;
  instance: ContainerInstance;
}

export interface PodActions {
  createSandbox: boolean;
  sandboxAttempt: number;
  kill: KillAction[];
  start: StartAction[];
  backoff: BackoffWait[];
  /** Every main container finished and will not restart: the pod is done (Succeeded or Failed). */
  finished: boolean;
  /** Stop the sandbox (finished pods release their network). */
  stopSandbox: boolean;
  /** Init containers all done. */
  initialized: boolean;
  /** A regular init container failed and restartPolicy is Never: the pod failed. */
  initFailed: boolean;
}

export interface ActionInput {
  pod: any;
  state: PodRuntimeState;
  started(containerId: string): boolean;
  killReason(containerId: string): { kind: string; message: string } | undefined;
  /** The restart back-off of a container that exited at `finishedAtMs`. */
  backoff(name: string, finishedAtMs: number): { waiting: boolean; until: number; backoffMs: number };
}

export function isSidecar(c: any): boolean {
  return c?.restartPolicy === 'Always';
}

/** Whether an exited container of `kind` restarts under the pod's restartPolicy. */
export function shouldRestart(kind: ContainerKind, exitCode: number, podPolicy: string): boolean {
  if (kind === 'sidecar') return true;
  if (kind === 'init') return podPolicy !== 'Never' && exitCode !== 0;
  if (podPolicy === 'Always') return true;
  if (podPolicy === 'OnFailure') return exitCode !== 0;
  return false;
}

function emptyActions(): PodActions {
  return { createSandbox: false, sandboxAttempt: 0, kill: [], start: [], backoff: [], finished: false, stopSandbox: false, initialized: false, initFailed: false };
}

/** True when every main container has exited and none will restart. */
export function mainContainersFinished(pod: any, state: PodRuntimeState): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const mains: any[] = pod.spec?.containers ?? [];
  return (
    mains.length > 0 &&
    mains.every((c) => {
      const latest = instancesOf(state, c.name)[0];
      return isExited(latest) && !shouldRestart('regular', latest!.exitCode, policy);
    })
  );
}

/** A regular init container failed for good (restartPolicy Never). */
export function initFailedForGood(pod: any, state: PodRuntimeState, sandboxId: string | undefined): boolean {
  if ((pod.spec?.restartPolicy ?? 'Always') !== 'Never') return false;
  return (pod.spec?.initContainers ?? []).some((c: any) => {
    if (isSidecar(c)) return false;
    const latest = instancesOf(state, c.name).find((i) => i.sandboxId === sandboxId);
    return isExited(latest) && latest!.exitCode !== 0;
  });
}

export function computePodActions(input: ActionInput): PodActions {
  const { pod, state } = input;
  const actions = emptyActions();
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const inits: any[] = pod.spec?.initContainers ?? [];
  const mains: any[] = pod.spec?.containers ?? [];
  const sandbox = state.sandboxes[0];
  const running = state.containers.filter(isRunning);

  actions.initFailed = initFailedForGood(pod, state, sandbox?.id);
  actions.finished = actions.initFailed || mainContainersFinished(pod, state);
  if (actions.finished) {
    // sidecars go last, in reverse order; then the sandbox once nothing runs
    for (const c of running) {
      actions.kill.push({ instance: c, message: `Stopping container ${c.name}`, sidecar: c.kind === 'sidecar' });
    }
    actions.stopSandbox = running.length === 0 && sandbox?.ready === true;
    actions.initialized = !actions.initFailed;
    return actions;
  }

  if (!sandbox || !sandbox.ready) {
    for (const c of running) actions.kill.push({ instance: c, message: `Stopping container ${c.name}`, sidecar: c.kind === 'sidecar' });
    actions.createSandbox = true;
    actions.sandboxAttempt = sandbox ? sandbox.attempt + 1 : 0;
    return actions;
  }

  const current = (name: string) => instancesOf(state, name).find((i) => i.sandboxId === sandbox.id);
  const latest = (name: string) => instancesOf(state, name)[0];
  const nextAttempt = (name: string) => {
    const l = latest(name);
    return l ? l.attempt + 1 : 0;
  };

  const checkRunning = (spec: any, inst: ContainerInstance, kind: ContainerKind): boolean => {
    const probe = input.killReason(inst.id);
    if (probe) {
      const what = probe.kind === 'liveness' ? 'liveness' : 'startup';
      actions.kill.push({ instance: inst, message: `Container ${spec.name} failed ${what} probe, will be restarted`, sidecar: kind === 'sidecar' });
      return false;
    }
    if (inst.hash && inst.hash !== containerHash(spec)) {
      actions.kill.push({ instance: inst, message: `Container ${spec.name} definition changed, will be restarted`, sidecar: kind === 'sidecar' });
      return false;
    }
    return true;
  };

  /** Start, restart or wait for one container; returns whether it is running now. */
  const ensure = (spec: any, kind: ContainerKind): 'running' | 'pending' | 'succeeded' => {
    const inst = current(spec.name);
    if (!inst) {
      // a new sandbox reruns everything, but the restart count carries on from the last instance
      actions.start.push({ container: spec, kind, attempt: nextAttempt(spec.name) });
      return 'pending';
    }
    if (inst.state === 'CONTAINER_CREATED') {
      actions.start.push({ container: spec, kind, attempt: inst.attempt, existing: inst });
      return 'pending';
    }
    if (isRunning(inst)) return checkRunning(spec, inst, kind) ? 'running' : 'pending';
    if (!shouldRestart(kind, inst.exitCode, policy)) return inst.exitCode === 0 ? 'succeeded' : 'pending';
    const wait = input.backoff(spec.name, inst.finishedAtMs);
    if (wait.waiting) actions.backoff.push({ name: spec.name, until: wait.until, backoffMs: wait.backoffMs, instance: inst });
    else actions.start.push({ container: spec, kind, attempt: inst.attempt + 1, replaces: inst });
    return 'pending';
  };

  // Once a main container has run in this sandbox, initialization is over: regular init containers are history,
  // only sidecars are kept running.
  const mainsStarted = mains.some((c) => current(c.name) !== undefined);
  let initialized = true;
  for (const spec of inits) {
    if (isSidecar(spec)) {
      const r = ensure(spec, 'sidecar');
      const inst = current(spec.name);
      const ready = r === 'running' && inst !== undefined && input.started(inst.id);
      if (!ready && !mainsStarted) {
        initialized = false;
        break;
      }
      continue;
    }
    if (mainsStarted) continue;
    const r = ensure(spec, 'init');
    if (r !== 'succeeded') {
      initialized = false;
      break;
    }
  }
  actions.initialized = initialized;
  startEphemeral(pod, actions, (name) => instancesOf(state, name), current);
  if (!initialized) return actions;

  for (const spec of mains) ensure(spec, 'regular');
  return actions;
}

/**
 * Ephemeral containers run once: one that has an instance (running or exited, in any sandbox) is left alone, and
 * one whose target container is not running yet waits for it, so that it joins the target's processes.
 */
function startEphemeral(
  pod: any,
  actions: PodActions,
  instances: (name: string) => ContainerInstance[],
  current: (name: string) => ContainerInstance | undefined,
): void {
  for (const spec of pod.spec?.ephemeralContainers ?? []) {
    if (instances(spec.name).length > 0) continue;
    let targetId: string | undefined;
    if (spec.targetContainerName) {
      const target = current(spec.targetContainerName);
      if (!target || !isRunning(target)) continue;
      targetId = target.id;
    }
    actions.start.push({ container: spec, kind: 'ephemeral', attempt: 0, ...(targetId ? { targetId } : {}) });
  }
}
