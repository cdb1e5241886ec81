/**
 * The scheduling loop (kube-scheduler's ScheduleOne, run in batches): take up to `batchSize` pods from the active
 * queue through the core, hand each result on, then yield to I/O so watch events and binding answers are taken
 * in between. Scheduled pods are already assumed in the cache when they reach the binder, so the next batch sees
 * their resources whether or not their bindings have landed.
 *
 * Waking: the loop sleeps while the active queue is empty and wakes on any informer change, on a binding that
 * settled, and on the periodic tick that moves pods whose backoff expired (kube-scheduler flushes its backoff
 * queue every second too). While more than `maxBacklog` bindings are waiting it stops scheduling, so a slow API
 * server makes the loop wait instead of piling up assumed pods.
 */
import type { Logger } from '@skiff/client';
import { podKey } from '../cache/scheduler-cache.js';
import type { Scheduler } from '../framework/scheduler.js';
import type { ScheduleResult } from '../framework/schedule-result.js';
import type { Binder } from './binder.js';
import type { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import type { PodStatusWriter } from './pod-status-writer.js';
import type { PreemptionExecutor } from './preemption-executor.js';
import type { SchedulingEvents } from './scheduling-events.js';

export interface SchedulingLoopDeps {
  scheduler: Scheduler;
  binder: Binder;
  status: PodStatusWriter;
  events: SchedulingEvents;
  preemption: PreemptionExecutor;
  metrics: SchedulerMetrics;
  logger: Logger;
  batchSize: number;
  maxBacklog: number;
  tickMs: number;
}

export class SchedulingLoop {
  private woken = false;
  private wakeup?: () => void;
  private readonly writes = new Set<Promise<void>>();
  /** Scheduling cycles run (pods taken from the queue). */
  cycles = 0;

  constructor(private readonly deps: SchedulingLoopDeps) {}

  /** Something changed: pods may be ready to schedule. Cheap; call it from every event. */
  wake(): void {
    this.woken = true;
    const w = this.wakeup;
    this.wakeup = undefined;
    w?.();
  }

  /** Schedules until `signal` aborts; resolves once the loop has stopped (bindings may still be in flight). */
  async run(signal: AbortSignal): Promise<void> {
    const { scheduler, binder, batchSize, maxBacklog } = this.deps;
    const tick = setInterval(() => {
      scheduler.tick();
      this.wake();
    }, this.deps.tickMs);
    const onAbort = () => this.wake();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (binder.backlog >= maxBacklog) {
          await this.sleep();
          continue;
        }
        this.woken = false;
        const t0 = performance.now();
        const results = scheduler.scheduleBatch(batchSize);
        if (results.length === 0) {
          await this.sleep();
          continue;
        }
        this.cycles += results.length;
        const perPodSeconds = (performance.now() - t0) / 1000 / results.length;
        for (const r of results) this.dispatch(r, perPodSeconds);
        // Let watch events and binding answers in before the next batch.
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      clearInterval(tick);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Resolves once every status write started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((r) => (this.wakeup = r));
  }

  private dispatch(r: ScheduleResult, seconds: number): void {
    const { metrics, events, status, binder, logger } = this.deps;
    const profile = r.schedulerName;
    const result = r.kind === 'error' ? 'error' : r.kind;
    metrics.attempts.inc({ result, profile });
    metrics.attemptDuration.observe(seconds, { result, profile });
    switch (r.kind) {
      case 'scheduled':
        binder.bind(r.pod, r.nodeName, profile);
        return;
      case 'unschedulable':
        logger.debug({ pod: podKey(r.pod), message: r.message, nominated: r.nominatedNodeName }, 'unschedulable');
        events.failedScheduling(r.pod, r.message, profile);
        this.track(status.notScheduled(r.pod, 'Unschedulable', r.message, r.nominatedNodeName));
        this.deps.preemption.execute(r);
        return;
      case 'error': {
        const message = r.error.message;
        logger.warn({ pod: podKey(r.pod), code: r.error.code, err: message }, 'scheduling error');
        events.failedScheduling(r.pod, message, profile);
        this.track(status.notScheduled(r.pod, 'SchedulerError', message));
        return;
      }
    }
  }

  private track(p: Promise<void>): void {
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
  }
}
