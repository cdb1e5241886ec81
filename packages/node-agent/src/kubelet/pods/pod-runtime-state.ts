/**
 * What the runtime holds for one pod: its sandboxes and every container instance (current and dead), read through
 * the CRI by the pod's uid label. The kubelet keeps no other record of what runs, which is what lets a restarted
 * agent carry on where the last one stopped.
 */
import type { CriClient } from '../../cri/cri-client.js';
import type { ContainerState, ContainerStatus } from '../../cri/cri-types.js';
import { CONTAINER_HASH, CONTAINER_NAME, POD_UID, containerKindOf, restartCountOf, type ContainerKind } from '../cri-labels.js';

export interface SandboxInstance {
  id: string;
  attempt: number;
  ready: boolean;
  createdAtMs: number;
  ip: string;
}

export interface ContainerInstance {
  id: string;
  sandboxId: string;
  name: string;
  kind: ContainerKind;
  attempt: number;
  state: ContainerState;
  createdAtMs: number;
  startedAtMs: number;
  finishedAtMs: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  hash: string;
  logPath: string;
  annotations: Record<string, string>;
}

export interface PodRuntimeState {
  /** Newest first. */
  sandboxes: SandboxInstance[];
  /** Newest first (by attempt, then creation). */
  containers: ContainerInstance[];
}

const nsToMs = (ns: number) => Math.floor(ns / 1e6);

/**
 * Reads one pod's state, remembering what cannot change: a sandbox's IP, and a container's status while its
 * state stays the same (a running container's start time, an exited one's exit). So a sync costs two list calls
 * and a status call only for what changed since the last, which matters when a hundred pods sync at once.
 */
export class PodStateReader {
  private readonly sandboxIps = new Map<string, string>();
  private readonly statuses = new Map<string, { state: string; status: ContainerStatus }>();

  constructor(
    private readonly cri: CriClient,
    readonly uid: string,
  ) {}

  async read(): Promise<PodRuntimeState> {
    const cri = this.cri;
    const selector = { [POD_UID]: this.uid };
    const [{ items }, { containers }] = await Promise.all([
      cri.listPodSandbox({ filter: { labelSelector: selector } }),
      cri.listContainers({ filter: { labelSelector: selector } }),
    ]);
    const sandboxes: SandboxInstance[] = items
      .map((s) => ({ id: s.id, attempt: s.metadata?.attempt ?? 0, ready: s.state === 'SANDBOX_READY', createdAtMs: nsToMs(s.createdAt), ip: '' }))
      .sort((a, b) => b.attempt - a.attempt || b.createdAtMs - a.createdAtMs);
    const newest = sandboxes[0];
    if (newest?.ready) {
      let ip = this.sandboxIps.get(newest.id);
      if (ip === undefined) {
        const status = await cri.podSandboxStatus({ podSandboxId: newest.id }).catch(() => undefined);
        ip = status?.status?.network?.ip ?? '';
        if (status) this.sandboxIps.set(newest.id, ip);
      }
      newest.ip = ip;
    }
    const statuses = await Promise.all(containers.map((c) => this.status(c.id, c.state)));
    const instances: ContainerInstance[] = [];
    containers.forEach((c, i) => {
      const s = statuses[i];
      if (!s) return; // removed between the list and the status call
      instances.push({
        id: c.id,
        sandboxId: c.podSandboxId,
        name: c.labels[CONTAINER_NAME] ?? c.metadata?.name ?? '',
        kind: containerKindOf(c.annotations),
        attempt: restartCountOf(c.annotations),
        state: s.state,
        createdAtMs: nsToMs(s.createdAt),
        startedAtMs: nsToMs(s.startedAt),
        finishedAtMs: nsToMs(s.finishedAt),
        exitCode: s.exitCode,
        reason: s.reason,
        message: s.message,
        image: s.image?.image ?? c.image?.image ?? '',
        imageRef: s.imageRef || c.imageRef,
        hash: c.annotations[CONTAINER_HASH] ?? '',
        logPath: s.logPath,
        annotations: c.annotations,
      });
    });
    instances.sort((a, b) => b.attempt - a.attempt || b.createdAtMs - a.createdAtMs);
    const live = new Set(containers.map((c) => c.id));
    for (const id of this.statuses.keys()) if (!live.has(id)) this.statuses.delete(id);
    const liveSandboxes = new Set(items.map((s) => s.id));
    for (const id of this.sandboxIps.keys()) if (!liveSandboxes.has(id)) this.sandboxIps.delete(id);
    return { sandboxes, containers: instances };
  }

  private async status(id: string, listed: string): Promise<ContainerStatus | undefined> {
    const cached = this.statuses.get(id);
    // CREATED and UNKNOWN may change without the list saying so in detail: ask again
    if (cached && cached.state === listed && (listed === 'CONTAINER_RUNNING' || listed === 'CONTAINER_EXITED')) return cached.status;
    const status = (await this.cri.containerStatus({ containerId: id }).catch(() => undefined))?.status ?? undefined;
    if (status) this.statuses.set(id, { state: status.state, status });
    return status;
  }
}

/** One uncached read (for callers outside a pod worker). */
export async function readPodState(cri: CriClient, uid: string): Promise<PodRuntimeState> {
  return new PodStateReader(cri, uid).read();
}

/** The instances of container `name` (unique across init and regular containers), newest first. */
export function instancesOf(state: PodRuntimeState, name: string): ContainerInstance[] {
  return state.containers.filter((c) => c.name === name);
}

export const isRunning = (c: ContainerInstance | undefined) => c?.state === 'CONTAINER_RUNNING';
export const isExited = (c: ContainerInstance | undefined) => c?.state === 'CONTAINER_EXITED' || c?.state === 'CONTAINER_UNKNOWN';
