/**
 * Keeps one PodWorker per pod bound to this node and wakes it whenever something about it may have changed:
 *
 *   the pod object (informer add/update/delete)        -> update / remove
 *   a container event from the runtime (GetContainerEvents, the low-latency path)
 *   a relist of the runtime's containers every `relistMs` (the kubelet's PLEG: catches what events missed)
 *   a ConfigMap or Secret the pod mounts                -> volumesChanged
 *
 * On start it adopts what the runtime already runs: pods still bound here get workers that carry on without
 * restarting healthy containers; sandboxes of pods the API server no longer has are terminated and removed.
 *
 * A pod new to the node (not started: no status.startTime, not terminal) must pass admission first (the eviction
 * manager's: no new pods under disk or PID pressure, no BestEffort ones under memory pressure). A rejected pod gets
 * no worker: a Warning event with the reason, and the status Failed with "Pod was rejected: <message>".
 */
import type { Logger } from 'pino';
import type { CriClient } from '../../cri/cri-client.js';
import { podRefOf } from '../cri-labels.js';
import type { PodAdmission } from '../eviction/admission.js';
import { rejectedStatus, type TerminalStatus } from '../eviction/evicted-status.js';
import type { PodContext } from './pod-context.js';
import { PodWorker } from './pod-worker.js';
import { StatusSender } from './status-sender.js';

export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  /** Pods this node finished with, so late informer events for them do not start them again. */
  private readonly finished = new Set<string>();
  /** Container id -> state and pod uid, as of the last relist. */
  private readonly containerStates = new Map<string, { state: string; uid?: string }>();
  private relistTimer: NodeJS.Timeout | undefined;
  private readonly events = new AbortController();
  private readonly rejections = new Set<StatusSender>();
  private stopped = false;
  /** Static pods put back while their previous run was still stopping (upsertStatic). */
  private readonly restartAfterRemoval = new Map<string, any>();
  /** Set once `adopt` has run: pods that appear after it are new to the runtime too. */
  private adopted = false;

  constructor(
    private readonly ctx: PodContext,
    private readonly relistMs: number,
    private readonly logger: Logger,
    private readonly admission?: PodAdmission,
  ) {}

  get cri(): CriClient {
    return this.ctx.cri;
  }

  get size(): number {
    return this.workers.size;
  }

  upsert(pod: any): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid;
    if (!uid || this.finished.has(uid)) return;
    const worker = this.workers.get(uid);
    if (worker) worker.update(pod);
    else if (this.admitted(pod)) this.spawn(pod, true, this.adopted);
  }

  /**
   * A static pod (re)described by its manifest. Its UID comes from the manifest, so a manifest put back after
   * it was removed brings the same UID as the pod that was stopped: that one finishes stopping first, then it
   * starts anew.
   */
  upsertStatic(pod: any): void {
    const uid = pod.metadata.uid;
    if (this.workers.has(uid)) {
      this.restartAfterRemoval.set(uid, pod);
      return;
    }
    this.finished.delete(uid);
    this.upsert(pod);
  }

  /** Pods that may be evicted: running here, not terminal, not being deleted or evicted already. */
  activePods(): any[] {
    return [...this.workers.values()].filter((w) => w.evictable).map((w) => w.current);
  }

  /** Evicts a pod through its worker; false when it has none or is ending anyway. */
  evict(uid: string, graceSeconds: number, status: TerminalStatus): Promise<boolean> {
    return this.workers.get(uid)?.evict(graceSeconds, status) ?? Promise.resolve(false);
  }

  private admitted(pod: any): boolean {
    const phase = pod.status?.phase;
    if (!this.admission || pod.status?.startTime || phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp) return true;
    const result = this.admission.admit(pod);
    if (result.admit) return true;
    this.finished.add(pod.metadata.uid);
    this.logger.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, reason: result.reason, message: result.message }, 'pod rejected at admission');
    this.ctx.api.event(pod, 'Warning', result.reason, result.message);
    const sender: StatusSender = new StatusSender(
      (status) => this.ctx.api.writeStatus(pod, status),
      (err) => this.logger.warn({ pod: pod.metadata.name, err: err.message }, 'writing a rejected pod\'s status failed; retrying'),
    );
    this.rejections.add(sender);
    sender.offer(rejectedStatus(pod, result.reason, result.message));
    void sender.flush().then(() => {
      sender.stop();
      this.rejections.delete(sender);
    });
    return false;
  }

  delete(pod: any): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid;
    if (!uid) return;
    if (this.finished.delete(uid)) return;
    const worker = this.workers.get(uid) ?? this.spawn(pod, false);
    worker.update(pod);
    worker.remove();
  }

  wakePod(uid: string): void {
    this.workers.get(uid)?.wake();
  }

  /** The pod's status has to be written again (a static pod's mirror was created anew). */
  statusLost(uid: string): void {
    this.workers.get(uid)?.statusLost();
  }

  /** Wakes the pods whose spec mounts the object (a ConfigMap or Secret changed). */
  objectChanged(kind: 'configmap' | 'secret', namespace: string, name: string, pods: Iterable<any>): void {
    for (const pod of pods) {
      if (pod.metadata?.namespace !== namespace || !mountsObject(pod, kind, name)) continue;
      this.workers.get(pod.metadata.uid)?.volumesChanged();
    }
  }

  /** Terminates sandboxes the runtime holds for pods that `known` (the API server's pods for this node) lacks. */
  async adopt(known: Set<string>): Promise<void> {
    const { items } = await this.cri.listPodSandbox({});
    for (const sandbox of items) {
      const ref = podRefOf(sandbox.labels);
      if (!ref || known.has(ref.uid) || this.workers.has(ref.uid)) continue;
      this.logger.info({ pod: `${ref.namespace}/${ref.name}`, uid: ref.uid }, 'pod no longer bound to this node: terminating what is left of it');
      const worker = this.spawn({ metadata: { name: ref.name, namespace: ref.namespace, uid: ref.uid }, spec: undefined }, false);
      worker.remove();
    }
    this.adopted = true;
  }

  start(): void {
    void this.followEvents();
    const relist = () => {
      this.relist()
        .catch((err: Error) => this.logger.debug({ err: err.message }, 'relist failed'))
        .finally(() => {
          if (!this.stopped) this.relistTimer = setTimeout(relist, this.relistMs);
        });
    };
    this.relistTimer = setTimeout(relist, this.relistMs);
  }

  /** Stops the workers (containers keep running: a restarted agent adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.events.abort();
    if (this.relistTimer) clearTimeout(this.relistTimer);
    for (const sender of this.rejections) sender.stop();
    this.rejections.clear();
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
  }

  private spawn(pod: any, wake = true, fresh = false): PodWorker {
    const worker = new PodWorker(this.ctx, pod, (uid) => {
      this.workers.delete(uid);
      this.finished.add(uid);
      // a finished uid cannot come back (uids are unique); keep the set from growing without end
      if (this.finished.size > 10_000) this.finished.delete(this.finished.values().next().value!);
      const again = this.restartAfterRemoval.get(uid);
      if (again && !this.stopped) {
        this.restartAfterRemoval.delete(uid);
        this.finished.delete(uid);
        this.spawn(again, true, this.adopted);
      }
    }, fresh);
    this.workers.set(pod.metadata.uid, worker);
    if (wake) worker.wake();
    return worker;
  }

  private wakeByLabels(labels: Record<string, string> | undefined): void {
    const ref = labels ? podRefOf(labels) : undefined;
    if (ref) this.workers.get(ref.uid)?.wake();
  }

  private async followEvents(): Promise<void> {
    while (!this.stopped) {
      try {
        for await (const event of this.cri.containerEvents(this.events.signal)) {
          // creations and starts are the workers' own doing and they sync after them anyway; exits are news
          if (event.containerEventType !== 'CONTAINER_STOPPED_EVENT' && event.containerEventType !== 'CONTAINER_DELETED_EVENT') continue;
          this.wakeByLabels(event.podSandboxStatus?.labels ?? event.containersStatuses[0]?.labels);
        }
      } catch (err) {
        this.logger.debug({ err: (err as Error).message }, 'container event stream ended; relist covers the gap');
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** The PLEG relist: one ListContainers, diffed against the last one. */
  private async relist(): Promise<void> {
    const { containers } = await this.cri.listContainers({});
    const seen = new Set<string>();
    for (const c of containers) {
      seen.add(c.id);
      const before = this.containerStates.get(c.id)?.state;
      if (before === c.state) continue;
      this.containerStates.set(c.id, { state: c.state, uid: podRefOf(c.labels)?.uid });
      // as for events: a container that stopped needs its pod synced; new ones are the workers' own (or, after a
      // restart, belong to pods the informer's initial list wakes anyway)
      if (c.state === 'CONTAINER_EXITED' || c.state === 'CONTAINER_UNKNOWN') this.wakeByLabels(c.labels);
    }
    for (const id of this.containerStates.keys()) if (!seen.has(id)) this.containerStates.delete(id);
  }

  /** Containers by state at the last relist (a metric). */
  containerCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { state } of this.containerStates.values()) {
      const key = state.replace('CONTAINER_', '').toLowerCase();
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  /** Pods of this agent with a running container at the last relist (a metric). */
  runningPods(): number {
    const uids = new Set<string>();
    for (const { state, uid } of this.containerStates.values()) if (state === 'CONTAINER_RUNNING' && uid) uids.add(uid);
    return uids.size;
  }
}

function mountsObject(pod: any, kind: 'configmap' | 'secret', name: string): boolean {
  for (const v of pod.spec?.volumes ?? []) {
    if (kind === 'configmap' && v.configMap?.name === name) return true;
    if (kind === 'secret' && v.secret?.secretName === name) return true;
    for (const s of v.projected?.sources ?? []) {
      if (kind === 'configmap' && s.configMap?.name === name) return true;
      if (kind === 'secret' && s.secret?.name === name) return true;
    }
  }
  return false;
}
