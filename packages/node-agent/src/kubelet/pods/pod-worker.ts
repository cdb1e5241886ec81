/**
 * One worker per pod, syncing it one step at a time: read what the runtime holds, decide (pod-actions.ts), act,
 * report the status. Syncs never overlap; anything that may matter (a new pod object, a container event, a probe
 * result, a back-off ending, a ConfigMap change, the periodic resync) calls `wake()`, and a wake during a sync
 * runs one more. A deleted pod (or one gone from the API server) is terminated, its status written a last time,
 * the object deleted with grace 0, and everything of it removed from the node; then the worker is done.
 *
 * A pod in a terminal phase (Succeeded, Failed) never runs again: a sync only stops what still runs of it. An
 * evicted pod (`evict`) is killed, its last status written with the eviction's reason, message and condition, and
 * its containers, sandbox, volumes and cgroup removed at once (that is what frees the starved resource); the
 * object stays, Failed, until someone deletes it.
 */
import { rm } from 'node:fs/promises';
import { podLogDirectory, sandboxConfig } from './sandbox-config.js';
import { computePodActions, type PodActions } from './pod-actions.js';
import type { PodContext } from './pod-context.js';
import { buildPodStatus, type WaitingNote } from './pod-status.js';
import { PodStateReader, isExited, isRunning, type PodRuntimeState } from './pod-runtime-state.js';
import { killContainer, startContainer, terminationMessage, type SandboxRef } from './container-lifecycle.js';
import { gracePeriodOf, removePodResources, terminatePod } from './pod-termination.js';
import { ensurePodCgroup, podCgroupPath, removePodCgroup } from './pod-cgroup.js';
import { StatusSender } from './status-sender.js';
import type { VolumeHost } from '../volumes/volume-manager.js';
import { isNodeAgentError } from '../../errors.js';
import { killPodNow } from '../eviction/kill-pod.js';
import { withTerminalStatus, type TerminalStatus } from '../eviction/evicted-status.js';

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

interface Eviction {
  graceSeconds: number;
  status: TerminalStatus;
  settle(done: boolean): void;
}

function actionableChange(before: any, after: any): boolean {
  const a = before.metadata ?? {};
  const b = after.metadata ?? {};
  return (
    a.deletionTimestamp !== b.deletionTimestamp ||
    a.deletionGracePeriodSeconds !== b.deletionGracePeriodSeconds ||
    JSON.stringify(before.spec) !== JSON.stringify(after.spec) ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations)
  );
}

/** Whether acting on `actions` would change anything (or arm a back-off timer). */
function hasWork(actions: PodActions): boolean {
  return actions.createSandbox || actions.stopSandbox || actions.start.length > 0 || actions.kill.length > 0 || actions.backoff.length > 0;
}

export class PodWorker {
  private pod: any;
  private removed = false;
  private running = false;
  private dirty = false;
  private done = false;
  private readonly firstSeen = Date.now();
  private reportedStart = false;
  private readonly notes = new Map<string, WaitingNote>();
  private readonly messages = new Map<string, string>();
  private readonly backoffEvents = new Set<string>();
  private volumes: Map<string, VolumeHost> | undefined;
  private refreshVolumes = false;
  private lastStatus: any;
  private lastStatusJson = '';
  private readonly status: StatusSender;
  private readonly reader: PodStateReader;
  private failures = 0;
  private timers = new Set<NodeJS.Timeout>();
  private resyncTimer: NodeJS.Timeout | undefined;
  private idle: Promise<void> = Promise.resolve();
  private eviction: Eviction | undefined;
  /** Laid over every status written once the pod was evicted. */
  private terminal: TerminalStatus | undefined;
  /** Evicted and cleaned up: nothing is left to sync or report until the pod is deleted. */
  private evicted = false;

  /**
   * @param fresh the pod first appeared after the agent had started and adopted what the runtime held, so the
   *   runtime can hold nothing of it yet: the first sync skips reading it. (Were that wrong, creating the sandbox
   *   would fail with NameReserved and the retry reads.)
   */
  constructor(
    private readonly ctx: PodContext,
    pod: any,
    private readonly onDone: (uid: string) => void,
    private fresh = false,
  ) {
    this.pod = pod;
    this.reader = new PodStateReader(ctx.cri, pod.metadata.uid);
    this.status = new StatusSender(
      (status) => ctx.api.writeStatus(this.pod, status),
      (err) => ctx.logger.warn({ pod: this.key, err: err.message }, 'writing the pod status failed; retrying'),
    );
  }

  get uid(): string {
    return this.pod.metadata.uid;
  }

  /**
   * A newer pod object from the API server. Most updates are this worker's own status writes coming back; only a
   * change to what the node acts on (spec, deletion, labels and annotations the downward API shows) needs a sync.
   */
  update(pod: any): void {
    const relevant = actionableChange(this.pod, pod);
    this.pod = pod;
    if (relevant) this.wake();
  }

  /** The pod is gone from the API server: terminate and clean up. */
  remove(): void {
    this.removed = true;
    this.wake();
  }

  /** The pod as last seen, and whether it may still be evicted (running, not terminal, not being deleted). */
  get current(): any {
    return this.pod;
  }

  get evictable(): boolean {
    return !this.done && !this.removed && !this.evicted && !this.eviction && !this.pod.metadata.deletionTimestamp && !isTerminalPhase(this.lastStatus?.phase ?? this.pod.status?.phase);
  }

  /**
   * Evicts the pod: kills it with `graceSeconds` (0: at once), writes its status with `status` laid over it, and
   * removes what it held on the node. Resolves true once done; false when the pod was ending anyway.
   */
  evict(graceSeconds: number, status: TerminalStatus): Promise<boolean> {
    if (!this.evictable) return Promise.resolve(false);
    return new Promise((settle) => {
      this.eviction = { graceSeconds, status, settle };
      this.wake();
    });
  }

  /** ConfigMaps or Secrets the pod uses changed: rewrite its volumes on the next sync. */
  volumesChanged(): void {
    this.refreshVolumes = true;
    this.wake();
  }

  /** The API server's copy lost the status written so far (a static pod's mirror was made anew): write it again. */
  statusLost(): void {
    this.lastStatusJson = '';
    this.status.forget();
    this.wake();
  }

  wake(): void {
    if (this.done) return;
    this.dirty = true;
    if (this.running) return;
    this.running = true;
    this.idle = this.loop();
  }

  /** Stops timers without touching the pod (the agent is shutting down; containers keep running). */
  async stop(): Promise<void> {
    this.done = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    await this.idle;
    this.status.stop();
    this.settleEviction(false);
  }

  private settleEviction(done: boolean): void {
    this.eviction?.settle(done);
    this.eviction = undefined;
  }

  private later(ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.wake();
    }, ms);
    this.timers.add(t);
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.done) {
      this.dirty = false;
      try {
        const ending = this.removed || this.pod.metadata.deletionTimestamp;
        if (ending) this.settleEviction(false);
        const again = ending ? await this.terminate() : this.eviction ? await this.evictNow() : await this.sync();
        this.failures = 0;
        if (again) this.dirty = true;
      } catch (err) {
        const delay = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)]!;
        this.ctx.logger.warn({ pod: this.key, err: (err as Error).message }, `pod sync failed; retrying in ${delay} ms`);
        this.later(delay);
      }
    }
    this.running = false;
    if (!this.done) this.scheduleResync();
  }

  private get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  private scheduleResync(): void {
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => {
      this.refreshVolumes = true;
      this.wake();
    }, this.ctx.settings.resyncMs);
  }

  private sandboxRef(state: PodRuntimeState): SandboxRef | undefined {
    const s = state.sandboxes[0];
    if (!s?.ready) return undefined;
    return { id: s.id, ip: s.ip, config: this.sandboxConfig(s.attempt) };
  }

  private sandboxConfig(attempt: number) {
    return sandboxConfig(this.pod, {
      attempt,
      podLogsDir: this.ctx.settings.podLogsDir,
      dns: this.ctx.settings.dns,
      cgroupParent: podCgroupPath(this.ctx.settings.cgroupParent, this.uid),
    });
  }

  private volumeContext(state: PodRuntimeState) {
    const ip = state.sandboxes[0]?.ip;
    return {
      pod: this.pod,
      runtime: { podIPs: this.pod.spec?.hostNetwork ? this.ctx.node.hostIPs : ip ? [ip] : [], hostIPs: this.ctx.node.hostIPs },
      allocatable: this.ctx.node.allocatable,
      objects: this.ctx.api.objects,
    };
  }

  /** One step of a live pod; returns true when another sync should follow at once. */
  private async sync(): Promise<boolean> {
    if (this.evicted) return false;
    let state: PodRuntimeState = this.fresh ? { sandboxes: [], containers: [] } : await this.reader.read();
    this.fresh = false;
    if (isTerminalPhase(this.lastStatus?.phase ?? this.pod.status?.phase)) return this.syncTerminal(state);
    const actions = this.actionsFor(state);
    const progressed = await this.act(actions, state);
    // a new sandbox has nothing to report yet: go straight on to its containers
    if (progressed && actions.createSandbox) return true;
    if (progressed) state = await this.reader.read();
    await this.afterSync(state);
    // Sync again at once only if the state read after acting calls for more (the next init container, a restart
    // of one that exited at once): a pod whose containers just started would only be read once more for nothing.
    return progressed && hasWork(this.actionsFor(state));
  }

  private actionsFor(state: PodRuntimeState): PodActions {
    const ctx = this.ctx;
    return computePodActions({
      pod: this.pod,
      state,
      started: (id) => ctx.probes.started(id),
      killReason: (id) => ctx.probes.killReason(id),
      backoff: (name, finishedAtMs) => ctx.restartBackoff.check(`${this.uid}/${name}`, finishedAtMs),
    });
  }

  /** A terminal pod: stop what still runs of it; report only if this worker ran it or had something to stop. */
  private async syncTerminal(state: PodRuntimeState): Promise<boolean> {
    const live = state.containers.some(isRunning) || state.sandboxes.some((s) => s.ready);
    if (live) {
      await terminatePod(this.ctx, this.pod, state, gracePeriodOf(this.pod));
      state = await this.reader.read();
    }
    if (live || this.lastStatus) await this.afterSync(state);
    return false;
  }

  /** Kills the pod for an eviction, writes its final status, and clears it off the node. */
  private async evictNow(): Promise<boolean> {
    const ctx = this.ctx;
    const eviction = this.eviction!;
    await killPodNow(ctx, this.pod, await this.reader.read(), eviction.graceSeconds);
    ctx.probes.prune(this.uid);
    this.terminal = eviction.status;
    const after = await this.reader.read();
    for (const c of after.containers.filter(isExited)) {
      if (!this.messages.has(c.id)) this.messages.set(c.id, await terminationMessage(ctx, this.pod, c));
    }
    this.writeStatus(after, true);
    await this.status.flush();
    await removePodResources(ctx, this.uid, after, podCgroupPath(ctx.settings.cgroupParent, this.uid), removePodCgroup);
    // The runtime keeps the log files of containers it removed; the kubelet drops a gone pod's log directory.
    await rm(podLogDirectory(ctx.settings.podLogsDir, this.pod), { recursive: true, force: true }).catch(() => undefined);
    this.volumes = undefined;
    this.evicted = true;
    ctx.logger.info({ pod: this.key, uid: this.uid }, 'pod evicted');
    this.settleEviction(true);
    return false;
  }

  private async act(actions: PodActions, state: PodRuntimeState): Promise<boolean> {
    const ctx = this.ctx;
    let progressed = false;
    const podIP = state.sandboxes[0]?.ip || ctx.node.hostIPs[0]!;
    const mains = actions.kill.filter((k) => !k.sidecar);
    await Promise.all(
      mains.map((k) => {
        const spec = this.specOf(k.instance.name);
        const probeGrace = k.message.includes('probe') ? (spec?.livenessProbe?.terminationGracePeriodSeconds ?? spec?.startupProbe?.terminationGracePeriodSeconds) : undefined;
        return killContainer(ctx, this.pod, k, Math.max(2, probeGrace ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30), spec, podIP);
      }),
    );
    const sidecarOrder = (this.pod.spec?.initContainers ?? []).map((c: any) => c.name);
    for (const k of actions.kill.filter((k) => k.sidecar).sort((a, b) => sidecarOrder.indexOf(b.instance.name) - sidecarOrder.indexOf(a.instance.name))) {
      await killContainer(ctx, this.pod, k, Math.max(2, this.pod.spec?.terminationGracePeriodSeconds ?? 30), this.specOf(k.instance.name), podIP);
    }
    if (actions.kill.length) progressed = true;

    if (actions.stopSandbox) {
      await ctx.cri.stopPodSandbox({ podSandboxId: state.sandboxes[0]!.id });
      progressed = true;
    }

    if (actions.createSandbox) {
      if (!(await this.setUpVolumes(state))) return progressed;
      await ensurePodCgroup(podCgroupPath(ctx.settings.cgroupParent, this.uid), ctx.settings.podPidsLimit);
      try {
        await ctx.cri.runPodSandbox({ config: this.sandboxConfig(actions.sandboxAttempt) });
      } catch (err) {
        const message = (err as Error).message.replace(/^RunPodSandbox: /, '');
        ctx.api.event(this.pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${message}`);
        throw err;
      }
      return true;
    }

    if (actions.start.length) {
      const sandbox = this.sandboxRef(state);
      if (sandbox && (await this.setUpVolumes(state))) {
        for (const start of actions.start) {
          if (start.replaces) ctx.restartBackoff.next(`${this.uid}/${start.container.name}`, start.replaces.finishedAtMs);
          const note = await startContainer(ctx, this.pod, sandbox, start, this.volumes!);
          if (note) {
            this.notes.set(start.container.name, note);
            // ErrImagePull turns into ImagePullBackOff on the next look; the back-off's end brings the next pull.
            // Config errors retry after a short pause (the missing ConfigMap may appear).
            this.later(note.reason === 'ImagePullBackOff' ? ctx.images.retryDelay(this.uid, start.container.image) : note.reason === 'ErrImagePull' ? 1000 : 2000);
          } else {
            this.notes.delete(start.container.name);
            progressed = true;
          }
        }
      }
    }

    for (const wait of actions.backoff) {
      const message = `back-off ${Math.round(wait.backoffMs / 1000)}s restarting failed container=${wait.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`;
      this.notes.set(wait.name, { reason: 'CrashLoopBackOff', message });
      const key = `${wait.name}@${wait.until}`;
      if (!this.backoffEvents.has(key)) {
        this.backoffEvents.add(key);
        ctx.api.event(this.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${wait.name} in pod ${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`);
      }
      this.later(Math.max(10, wait.until - Date.now()));
    }
    return progressed;
  }

  /** Sets the volumes up (once; later only refreshed); a failure is a FailedMount event and a retry. */
  private async setUpVolumes(state: PodRuntimeState): Promise<boolean> {
    if (this.volumes && !this.refreshVolumes) return true;
    try {
      if (this.volumes) await this.ctx.volumes.refresh(this.volumeContext(state));
      else this.volumes = await this.ctx.volumes.setUp(this.volumeContext(state));
      this.refreshVolumes = false;
      return true;
    } catch (err) {
      if (!isNodeAgentError(err, 'VolumeSetupFailed')) throw err;
      this.ctx.api.event(this.pod, 'Warning', 'FailedMount', err.message);
      this.later(2000);
      return false;
    }
  }

  private specOf(name: string): any {
    return [...(this.pod.spec?.containers ?? []), ...(this.pod.spec?.initContainers ?? [])].find((c: any) => c.name === name);
  }

  /** Probes, termination messages, status, and garbage: what follows every sync of a live pod. */
  private async afterSync(state: PodRuntimeState): Promise<void> {
    const ctx = this.ctx;
    if (this.refreshVolumes && this.volumes) await this.setUpVolumes(state);
    const podIP = this.pod.spec?.hostNetwork ? ctx.node.hostIPs[0]! : state.sandboxes[0]?.ip ?? '';
    const live = new Set<string>();
    for (const c of state.containers.filter(isRunning)) {
      const spec = this.specOf(c.name);
      if (!spec) continue;
      live.add(c.id);
      this.notes.delete(c.name);
      ctx.probes.ensure(this.uid, spec, c.id, c.startedAtMs, podIP);
    }
    ctx.probes.prune(this.uid, live);
    for (const c of state.containers.filter(isExited)) {
      if (!this.messages.has(c.id)) this.messages.set(c.id, await terminationMessage(ctx, this.pod, c));
    }
    this.writeStatus(state, false);
    await this.collectGarbage(state);
  }

  /** Computes the status and hands it to the sender (not waiting for the write). */
  private writeStatus(state: PodRuntimeState, terminating: boolean): void {
    const pod = { ...this.pod, status: this.lastStatus ?? this.pod.status };
    const built = buildPodStatus({
      pod,
      state,
      ready: (id) => this.ctx.probes.ready(id),
      started: (id) => this.ctx.probes.started(id),
      waiting: this.notes,
      messages: this.messages,
      runtimeName: this.ctx.runtimeName,
      hostIPs: this.ctx.node.hostIPs,
      now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      terminating,
    });
    const status = this.terminal ? withTerminalStatus(built, this.terminal) : built;
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson) return;
    this.lastStatus = status;
    this.lastStatusJson = json;
    this.status.offer(status);
    if (status.phase === 'Running' && !this.reportedStart) {
      this.reportedStart = true;
      this.ctx.metrics.podStarted((Date.now() - this.firstSeen) / 1000);
    }
  }

  /** Keeps the newest two instances of each container (the current one and the one `--previous` shows). */
  private async collectGarbage(state: PodRuntimeState): Promise<void> {
    const seen = new Map<string, number>();
    for (const c of state.containers) {
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      if (n > 2 && isExited(c)) {
        await this.ctx.cri.removeContainer({ containerId: c.id }).catch(() => undefined);
        this.messages.delete(c.id);
      }
    }
    for (const s of state.sandboxes.slice(1)) {
      if (s.ready) continue;
      const kept = state.containers.some((c, i) => c.sandboxId === s.id && [...state.containers.slice(0, i)].filter((o) => o.name === c.name).length < 2);
      if (!kept) await this.ctx.cri.removePodSandbox({ podSandboxId: s.id }).catch(() => undefined);
    }
  }

  /** Terminates and cleans up; returns false (nothing to repeat) and marks the worker done. */
  private async terminate(): Promise<boolean> {
    const ctx = this.ctx;
    const state = await this.reader.read();
    const grace = this.removed && this.pod.metadata.deletionGracePeriodSeconds === undefined ? 2 : gracePeriodOf(this.pod);
    await terminatePod(ctx, this.pod, state, grace);
    ctx.probes.prune(this.uid);
    const after = await this.reader.read();
    if (!this.removed && this.pod.spec) {
      // an evicted pod's last status was written when it was evicted; its containers are gone since
      if (!this.evicted) {
        for (const c of after.containers.filter(isExited)) {
          if (!this.messages.has(c.id)) this.messages.set(c.id, await terminationMessage(ctx, this.pod, c));
        }
        this.writeStatus(after, true);
      }
      if (await this.status.flush()) await ctx.api.deletePod(this.pod);
    }
    await removePodResources(ctx, this.uid, after, podCgroupPath(ctx.settings.cgroupParent, this.uid), removePodCgroup);
    // The runtime keeps the log files of containers it removed; the kubelet drops a gone pod's log directory.
    await rm(podLogDirectory(ctx.settings.podLogsDir, this.pod), { recursive: true, force: true }).catch(() => undefined);
    ctx.restartBackoff.forget(`${this.uid}/`);
    ctx.images.forget(this.uid);
    this.done = true;
    this.status.stop();
    for (const t of this.timers) clearTimeout(t);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    ctx.logger.info({ pod: this.key, uid: this.uid }, 'pod terminated and removed from the node');
    this.onDone(this.uid);
    return false;
  }
}
