/**
 * The probe workers of every running container on the node, keyed by container id, and their latest results.
 * The pod worker calls `ensure` for each running container after a sync and reads the results when it builds the
 * status (ready, started) and decides what to kill (liveness or startup failure). A result change wakes the pod.
 */
import type { CriClient } from '../../cri/cri-client.js';
import { ProbeWorker, type ProbeKind, type ProbeResult } from './probe-worker.js';
import { runAction } from './run-action.js';

export interface ProbeEvents {
  /** A run failed: the kubelet's Unhealthy event ("Liveness probe failed: ..."). */
  unhealthy(podUid: string, container: string, kind: ProbeKind, message: string): void;
  /** A result changed: the pod needs a sync. */
  changed(podUid: string): void;
}

interface ContainerProbes {
  podUid: string;
  container: string;
  workers: Partial<Record<ProbeKind, ProbeWorker>>;
}

const KINDS: [ProbeKind, string][] = [
  ['startup', 'startupProbe'],
  ['liveness', 'livenessProbe'],
  ['readiness', 'readinessProbe'],
];

const LABEL: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

export class ProbeManager {
  private readonly containers = new Map<string, ContainerProbes>();

  constructor(
    private readonly cri: CriClient,
    private readonly events: ProbeEvents,
  ) {}

  /** Starts the workers of a running container once (later calls for the same id do nothing). */
  ensure(podUid: string, container: any, containerId: string, startedAtMs: number, podIP: string): void {
    if (this.containers.has(containerId)) return;
    const entry: ContainerProbes = { podUid, container: container.name, workers: {} };
    this.containers.set(containerId, entry);
    for (const [kind, field] of KINDS) {
      const spec = container[field];
      if (!spec) continue;
      const worker = new ProbeWorker({
        kind,
        spec,
        startedAtMs,
        run: (timeoutMs) => runAction(spec, { cri: this.cri, containerId, container, podIP }, timeoutMs),
        gate: () => kind === 'startup' || this.started(containerId),
        onFailedRun: (message) => this.events.unhealthy(podUid, container.name, kind, `${LABEL[kind]} probe failed: ${message}`),
        onResult: () => this.events.changed(podUid),
      });
      entry.workers[kind] = worker;
      worker.start();
    }
  }

  private result(containerId: string, kind: ProbeKind): ProbeResult | undefined {
    return this.containers.get(containerId)?.workers[kind]?.result;
  }

  /** Whether the startup probe (if any) has succeeded. */
  started(containerId: string): boolean {
    const r = this.result(containerId, 'startup');
    return r === undefined || r === 'success';
  }

  /** Readiness: true without a readiness probe, else only after it succeeded (and only once started). */
  ready(containerId: string): boolean {
    if (!this.started(containerId)) return false;
    const r = this.result(containerId, 'readiness');
    return r === undefined || r === 'success';
  }

  /** Why the container must be killed (liveness or startup failure), or undefined. */
  killReason(containerId: string): { kind: ProbeKind; message: string } | undefined {
    const entry = this.containers.get(containerId);
    for (const kind of ['liveness', 'startup'] as const) {
      const w = entry?.workers[kind];
      if (w?.result === 'failure') return { kind, message: w.lastMessage };
    }
    return undefined;
  }

  /** Stops the workers of containers of `podUid` whose ids are not in `keep` (every one when `keep` is empty). */
  prune(podUid: string, keep: Set<string> = new Set()): void {
    for (const [id, entry] of this.containers) {
      if (entry.podUid !== podUid || keep.has(id)) continue;
      for (const w of Object.values(entry.workers)) w?.stop();
      this.containers.delete(id);
    }
  }

  stopAll(): void {
    for (const entry of this.containers.values()) for (const w of Object.values(entry.workers)) w?.stop();
    this.containers.clear();
  }

  /** Running probe workers (a metric and a test hook). */
  get workerCount(): number {
    let n = 0;
    for (const entry of this.containers.values()) n += Object.keys(entry.workers).length;
    return n;
  }
}
