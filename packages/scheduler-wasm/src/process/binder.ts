/**
 * The binding cycle, off the scheduling loop: each scheduled pod (already assumed on its node in the cache, so
 * the next pods see its resources) is bound through pods/binding, many at once. Then:
 *
 *   success            bindingSucceeded; the informer's update (spec.nodeName set) confirms the assumed pod;
 *                      the Scheduled event and the end-to-end latency are recorded.
 *   pod gone           (404, or the informer no longer has it, or a new pod under the name) the assume is
 *                      dropped; nothing to retry.
 *   already bound      (the informer shows spec.nodeName: another scheduler, or a lost response to our own
 *                      binding) nothing to do: the informer's update already moved the pod in the cache.
 *   anything else      the assume is forgotten at once (its room is free again) and the pod goes back to the
 *                      queue after the initial backoff, with a FailedScheduling "Binding rejected" event.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Pod } from '@skiff/api';
import { isNotFound, type Logger, type ResourceClient } from '@skiff/client';
import { podKey } from '../cache/scheduler-cache.js';
import type { Scheduler } from '../framework/scheduler.js';
import type { QueueEntryTimes } from './metrics/queue-entry-times.js';
import type { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import type { SchedulingEvents } from './scheduling-events.js';

export interface BinderDeps {
  pods: ResourceClient<Pod>;
  scheduler: Scheduler;
  /** The informer's current view of a pod. */
  currentPod(key: string): V1Pod | undefined;
  events: SchedulingEvents;
  metrics: SchedulerMetrics;
  entryTimes: QueueEntryTimes;
  logger: Logger;
  concurrency: number;
  /** Delay before a pod whose binding failed is queued again. */
  retryAfterMs: number;
  /** A binding settled: the loop may continue (backlog shrank, or a pod was requeued). */
  onSettled(): void;
}

interface Job {
  pod: V1Pod;
  nodeName: string;
  schedulerName: string;
}

export class Binder {
  private readonly waiting: (Job | undefined)[] = [];
  private head = 0;
  private active = 0;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];
  /** Bindings that went through, and that failed. */
  bound = 0;
  failed = 0;

  constructor(private readonly deps: BinderDeps) {}

  /** Queues the binding of an assumed pod. */
  bind(pod: V1Pod, nodeName: string, schedulerName: string): void {
    this.waiting.push({ pod, nodeName, schedulerName });
    this.pump();
  }

  /** Bindings waiting or in flight. */
  get backlog(): number {
    return this.waiting.length - this.head + this.active;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.backlog === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops starting bindings and requeues; resolves when the ones in flight have settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.waiting.length = 0;
    this.head = 0;
    await this.idle();
  }

  private pump(): void {
    while (!this.stopped && this.active < this.deps.concurrency && this.head < this.waiting.length) {
      const job = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined;
      this.active++;
      void this.run(job).finally(() => {
        this.active--;
        this.pump();
        this.deps.onSettled();
        if (this.backlog === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
    if (this.head > 4096 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  private async run(job: Job): Promise<void> {
    const { pod, nodeName, schedulerName } = job;
    const d = this.deps;
    const t0 = performance.now();
    try {
      await d.pods.namespace(pod.metadata?.namespace || 'default').bind(pod.metadata?.name ?? '', nodeName);
    } catch (e) {
      d.metrics.bindDuration.observe((performance.now() - t0) / 1000, { extension_point: 'Bind', status: 'Error', profile: schedulerName });
      this.failed++;
      this.handleFailure(job, e as Error);
      return;
    }
    d.metrics.bindDuration.observe((performance.now() - t0) / 1000, { extension_point: 'Bind', status: 'Success', profile: schedulerName });
    this.bound++;
    d.scheduler.bindingSucceeded(pod);
    const e2e = d.entryTimes.bound(podKey(pod));
    if (e2e !== undefined) d.metrics.e2eDuration.observe(e2e / 1000);
    d.events.scheduled(pod, nodeName, schedulerName);
  }

  private handleFailure(job: Job, err: Error): void {
    const d = this.deps;
    const key = podKey(job.pod);
    const cached = d.scheduler.cache.get(key);
    const cur = d.currentPod(key);
    const gone = isNotFound(err) || !cur || cur.metadata?.uid !== job.pod.metadata?.uid;
    if (gone || cur.spec?.nodeName) {
      if (gone && cached?.assumed) d.scheduler.cache.forget(job.pod);
      d.entryTimes.forget(key);
      d.logger.debug({ pod: key, err: err.message }, gone ? 'pod went away while binding' : 'pod was bound meanwhile');
      return;
    }
    d.logger.warn({ pod: key, node: job.nodeName, err: err.message }, 'binding failed; retrying after backoff');
    d.metrics.attempts.inc({ result: 'error', profile: job.schedulerName });
    d.events.failedScheduling(cur, `Binding rejected: ${err.message}`, job.schedulerName);
    if (cached?.assumed) d.scheduler.cache.forget(job.pod);
    // The room it held is free again: pods waiting for room may fit now.
    d.scheduler.queue.onEvent({ resource: 'Pod', action: 'Delete' });
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      const now = d.currentPod(key);
      if (!now || now.spec?.nodeName || d.scheduler.queue.has(key) || d.scheduler.cache.get(key)) return;
      d.scheduler.queue.add(now);
      d.onSettled();
    }, d.retryAfterMs);
    t.unref?.();
    this.timers.add(t);
  }
}
