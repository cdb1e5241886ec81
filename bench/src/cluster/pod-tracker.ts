/**
 * Watches one set of pods (a label selector in one namespace) through an informer and keeps, per pod name, when
 * its clock started and when the watch first saw it scheduled (bound to a node), Running and Ready. A pod's clock
 * starts at its create request when the caller marks it (markCreated), else when the watch first sees the pod
 * (pods a controller creates).
 *
 * Counts are kept up to date on every event rather than recounted, so that waiting on 10,000 pods stays linear:
 * each counts the pods that exist, are not terminating and are scheduled / Running / Ready right now.
 */
import type { Pod } from '@skiff/api';
import { InformerFactory, type Client, type SharedInformer } from '@skiff/client';

const MILESTONES = ['scheduled', 'running', 'ready'] as const;
export type Milestone = (typeof MILESTONES)[number];

type PodState = Record<Milestone, boolean>;

export interface WaitOutcome {
  reached: boolean;
  /** Milliseconds from the wait's `since` to when the condition held, or to the bound. */
  ms: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
  /** How many pods the percentiles are over. */
  count: number;
}

/** Progress lines while waiting, for a person watching a long run. */
const PROGRESS_EVERY_MS = 10_000;

function stateOf(pod: Pod): PodState {
  if (pod.metadata?.deletionTimestamp) return { scheduled: false, running: false, ready: false };
  const scheduled = !!pod.spec?.nodeName;
  const running = pod.status?.phase === 'Running';
  const ready = running && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  return { scheduled, running, ready };
}

/** Nearest-rank percentile of sorted values. */
function rank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export class PodTracker {
  private readonly factory: InformerFactory;
  private readonly informer: SharedInformer<Pod>;
  private readonly current = new Map<string, PodState>();
  private readonly startedAt = new Map<string, number>();
  private readonly firstSeen: Record<Milestone, Map<string, number>> = { scheduled: new Map(), running: new Map(), ready: new Map() };
  private readonly counts: Record<Milestone, number> = { scheduled: 0, running: 0, ready: 0 };
  private readonly listeners = new Set<() => void>();

  constructor(client: Client, namespace: string, labelSelector: string) {
    this.factory = new InformerFactory(client, { namespace });
    this.informer = this.factory.informer<Pod>('v1/pods', { labelSelector });
    this.informer.addEventHandler({
      onAdd: (pod) => this.observe(pod),
      onUpdate: (_old, pod) => this.observe(pod),
      onDelete: (pod) => this.forget(pod),
    });
  }

  /** Starts the watch; resolves once its first list is in. */
  async start(timeoutMs: number): Promise<void> {
    this.factory.start();
    await this.factory.waitForSync(timeoutMs);
  }

  async stop(): Promise<void> {
    await this.factory.stop();
  }

  /** Starts pod `name`'s clock at `at` (performance.now()), just before its create request goes out. */
  markCreated(name: string, at: number): void {
    this.startedAt.set(name, at);
  }

  /** Pods that exist now, terminating ones included. */
  get live(): number {
    return this.current.size;
  }

  count(m: Milestone): number {
    return this.counts[m];
  }

  /** When (performance.now()) the watch last saw a pod reach `m` for the first time: the moment the last one got there. */
  lastReached(m: Milestone): number | undefined {
    let last: number | undefined;
    for (const at of this.firstSeen[m].values()) if (last === undefined || at > last) last = at;
    return last;
  }

  /** Per-pod latency from its clock's start to the watch first seeing it reach `m`, over every pod that did. */
  latency(m: Milestone): Percentiles | undefined {
    const values: number[] = [];
    for (const [name, at] of this.firstSeen[m]) {
      const start = this.startedAt.get(name);
      if (start !== undefined) values.push(at - start);
    }
    if (values.length === 0) return undefined;
    values.sort((a, b) => a - b);
    return { p50: rank(values, 50), p99: rank(values, 99), count: values.length };
  }

  /**
   * Resolves when `done()` holds (tested on every pod event and every 250 ms) or at `since + maxMs`, whichever is
   * first; never rejects: a bound reached is an outcome the caller reports.
   */
  waitFor(done: () => boolean, since: number, maxMs: number, progress: () => string, log: (m: string) => void): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      const finish = (reached: boolean) => {
        this.listeners.delete(test);
        clearInterval(poll);
        clearInterval(report);
        clearTimeout(bound);
        resolve({ reached, ms: performance.now() - since });
      };
      const test = () => {
        if (done()) finish(true);
      };
      this.listeners.add(test);
      const poll = setInterval(test, 250);
      const report = setInterval(() => log(progress()), PROGRESS_EVERY_MS);
      const bound = setTimeout(() => finish(false), Math.max(0, since + maxMs - performance.now()));
      test();
    });
  }

  private observe(pod: Pod): void {
    const name = pod.metadata?.name;
    if (!name) return;
    const now = performance.now();
    if (!this.startedAt.has(name)) this.startedAt.set(name, now);
    const next = stateOf(pod);
    const prev = this.current.get(name);
    this.current.set(name, next);
    for (const m of MILESTONES) {
      this.counts[m] += Number(next[m]) - Number(prev?.[m] ?? false);
      if (next[m] && !this.firstSeen[m].has(name)) this.firstSeen[m].set(name, now);
    }
    for (const l of this.listeners) l();
  }

  private forget(pod: Pod): void {
    const name = pod.metadata?.name;
    const prev = name === undefined ? undefined : this.current.get(name);
    if (!prev) return;
    this.current.delete(name!);
    for (const m of MILESTONES) this.counts[m] -= Number(prev[m]);
    for (const l of this.listeners) l();
  }
}
