/**
 * A pod's status as the kubelet reports it through pods/status, built from its spec, what the runtime holds,
 * probe results and the worker's notes (why a container is waiting: ErrImagePull, CrashLoopBackOff, ...).
 * Pure, so the rules are testable as a table:
 *
 *   phase       Pending until init is done and every main container has started once; Running while any runs or
 *               will restart; Succeeded when all exited 0 for good; Failed when all exited and one failed for good
 *   conditions  PodReadyToStartContainers, Initialized, ContainersReady, Ready, PodScheduled; lastTransitionTime
 *               is kept from the previous status while a condition's status holds; conditions of other types
 *               (DisruptionTarget, readiness gates) are someone else's and kept as they are
 *   containers  state, lastState, ready, started, restartCount, image, imageID, containerID
 */
import { instancesOf, type ContainerInstance, type PodRuntimeState } from './pod-runtime-state.js';
import { isSidecar } from './pod-actions.js';
import { qosClassOf } from './container-resources.js';

export interface WaitingNote {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: any;
  state: PodRuntimeState;
  ready(containerId: string): boolean;
  started(containerId: string): boolean;
  /** Why a container waits, by container name. */
  waiting: Map<string, WaitingNote>;
  /** Termination messages read from the containers' message files, by container id. */
  messages: Map<string, string>;
  /** containerID prefix, e.g. "skiff-cri" gives "skiff-cri://<id>". */
  runtimeName: string;
  hostIPs: string[];
  now: string;
  /** The pod is being deleted: once nothing runs its phase is terminal whatever the restart policy. */
  terminating: boolean;
}

function time(ms: number): string | undefined {
  return ms > 0 ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

function terminated(i: ContainerInstance, runtimeName: string, message: string | undefined): any {
  const reason = i.reason || (i.exitCode === 0 ? 'Completed' : 'Error');
  const out: any = { exitCode: i.exitCode, reason, startedAt: time(i.startedAtMs) ?? time(i.createdAtMs), finishedAt: time(i.finishedAtMs), containerID: `${runtimeName}://${i.id}` };
  const msg = message ?? i.message;
  if (msg) out.message = msg;
  return out;
}

function containerStatus(input: StatusInput, spec: any, defaultWaiting: string): any {
  const [latest, previous] = instancesOf(input.state, spec.name);
  const note = input.waiting.get(spec.name);
  const status: any = {
    name: spec.name,
    image: latest?.image || spec.image,
    imageID: latest?.imageRef ?? '',
    ready: false,
    restartCount: latest?.attempt ?? 0,
    started: false,
    state: {},
    lastState: {},
  };
  if (latest) status.containerID = `${input.runtimeName}://${latest.id}`;
  const term = (i: ContainerInstance) => terminated(i, input.runtimeName, input.messages.get(i.id));
  if (latest?.state === 'CONTAINER_RUNNING') {
    status.state = { running: { startedAt: time(latest.startedAtMs) } };
    status.started = input.started(latest.id);
    status.ready = input.ready(latest.id);
    if (previous) status.lastState = { terminated: term(previous) };
  } else if (latest && latest.state !== 'CONTAINER_CREATED') {
    if (note) {
      status.state = { waiting: { reason: note.reason, ...(note.message ? { message: note.message } : {}) } };
      status.lastState = { terminated: term(latest) };
    } else {
      status.state = { terminated: term(latest) };
      if (previous) status.lastState = { terminated: term(previous) };
    }
  } else {
    status.state = { waiting: { reason: note?.reason ?? defaultWaiting, ...(note?.message ? { message: note.message } : {}) } };
    if (previous) status.lastState = { terminated: term(previous) };
  }
  return status;
}

function initPending(pod: any, statuses: any[], mainsStarted: boolean): { pending: string[]; failed: boolean } {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const pending: string[] = [];
  let failed = false;
  (pod.spec?.initContainers ?? []).forEach((spec: any, i: number) => {
    const st = statuses[i];
    if (isSidecar(spec)) {
      if (!mainsStarted && !(st.state.running && st.started)) pending.push(spec.name);
      return;
    }
    if (mainsStarted) return;
    const t = st.state.terminated;
    if (t?.exitCode === 0) return;
    const lastFailed = st.lastState.terminated && st.lastState.terminated.exitCode !== 0;
    if ((t && t.exitCode !== 0) || (st.state.waiting && lastFailed)) {
      if (policy === 'Never') failed = true;
    }
    pending.push(spec.name);
  });
  return { pending, failed };
}

export function podPhase(pod: any, initStatuses: any[], statuses: any[], mainsStarted: boolean, terminating: boolean): string {
  const previous = pod.status?.phase;
  if (previous === 'Succeeded' || previous === 'Failed') return previous;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const init = initPending(pod, initStatuses, mainsStarted);
  if (init.failed) return 'Failed';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const st of statuses) {
    if (st.state.running) running++;
    else if (st.state.terminated) {
      stopped++;
      if (st.state.terminated.exitCode === 0) succeeded++;
    } else if (st.lastState.terminated) {
      stopped++;
      if (st.lastState.terminated.exitCode === 0) succeeded++;
    } else waiting++;
  }
  const sidecarsRunning = initStatuses.some((st, i) => isSidecar(pod.spec.initContainers[i]) && st.state.running);
  if (terminating && running === 0 && !sidecarsRunning) {
    return stopped > 0 && succeeded === stopped && waiting === 0 ? 'Succeeded' : 'Failed';
  }
  if (init.pending.length > 0) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (succeeded === stopped) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

function condition(type: string, ok: boolean, now: string, previous: any[], reason?: string, message?: string): any {
  const status = ok ? 'True' : 'False';
  const prev = previous.find((c) => c.type === type);
  const c: any = { type, status, lastProbeTime: null, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

export function buildPodStatus(input: StatusInput): any {
  const { pod, state } = input;
  const prev = pod.status ?? {};
  const sandbox = state.sandboxes[0];
  const mainsStarted = (pod.spec?.containers ?? []).some((c: any) => instancesOf(state, c.name).some((i) => i.sandboxId === sandbox?.id));
  const initStatuses = (pod.spec?.initContainers ?? []).map((c: any) => containerStatus(input, c, 'PodInitializing'));
  const init = initPending(pod, initStatuses, mainsStarted);
  const initialized = init.pending.length === 0 && !init.failed;
  const statuses = (pod.spec?.containers ?? []).map((c: any) => containerStatus(input, c, initialized ? 'ContainerCreating' : 'PodInitializing'));
  const phase = podPhase(pod, initStatuses, statuses, mainsStarted, input.terminating);

  const unready = [
    ...(pod.spec?.initContainers ?? []).filter((c: any, i: number) => isSidecar(c) && !initStatuses[i].ready).map((c: any) => c.name),
    ...statuses.filter((s: any) => !s.ready).map((s: any) => s.name),
  ];
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const notReadyReason = phase === 'Succeeded' ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = phase === 'Succeeded' ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const prevConds: any[] = prev.conditions ?? [];
  const hostNetwork = pod.spec?.hostNetwork === true;
  const podIP = hostNetwork ? input.hostIPs[0] : sandbox?.ready && sandbox.ip ? sandbox.ip : prev.podIP;
  const sandboxReady = sandbox?.ready === true && (hostNetwork || !!sandbox.ip);
  const conditions = [
    condition('PodReadyToStartContainers', sandboxReady, input.now, prevConds),
    condition('Initialized', initialized || mainsStarted || phase === 'Succeeded', input.now, prevConds, 'ContainersNotInitialized', `containers with incomplete status: [${init.pending.join(' ')}]`),
    condition('Ready', !finished && unready.length === 0, input.now, prevConds, notReadyReason, notReadyMessage),
    condition('ContainersReady', !finished && unready.length === 0, input.now, prevConds, notReadyReason, notReadyMessage),
    condition('PodScheduled', true, input.now, prevConds),
    ...prevConds.filter((c) => !KUBELET_CONDITIONS.has(c.type)),
  ];
  const status: any = {
    phase,
    conditions,
    hostIP: input.hostIPs[0],
    hostIPs: input.hostIPs.map((ip) => ({ ip })),
    startTime: prev.startTime ?? input.now,
    containerStatuses: statuses,
    qosClass: qosClassOf(pod.spec),
  };
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  // Ephemeral containers (kubectl debug) do not count towards phase or readiness; they are never ready.
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c: any) => ({ ...containerStatus(input, c, 'ContainerCreating'), ready: false }));
  if (ephemeral.length) status.ephemeralContainerStatuses = ephemeral;
  return status;
}
