/**
 * The scheduler process's metrics, named as kube-scheduler names them so existing dashboards and queries work:
 * attempts by result, the scheduling-attempt and end-to-end (queue entry to bound) latencies, the Bind extension
 * point's latency, pending pods per queue, preemption, and leader status.
 */
import type { Scheduler } from '../../framework/scheduler.js';
import { Counter, CounterFunc, exponentialBuckets, Gauge, Histogram, MetricRegistry } from './metric-registry.js';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export interface MetricsSources {
  scheduler: Scheduler;
  bindingsInFlight(): number;
  /** Events the recorder dropped (buffer full or spam-filtered); 0 when not known. */
  eventsDropped?(): number;
  isLeading(): boolean;
  leaseName: string;
}

export class SchedulerMetrics {
  readonly registry = new MetricRegistry();
  readonly attempts: Counter;
  readonly attemptDuration: Histogram;
  readonly e2eDuration: Histogram;
  readonly bindDuration: Histogram;
  readonly preemptionAttempts: Counter;
  readonly preemptionVictims: Histogram;

  constructor(src: MetricsSources) {
    const r = this.registry;
    this.attempts = r.register(new Counter('scheduler_schedule_attempts_total', 'Number of attempts to schedule pods, by the result.', ['result', 'profile']));
    this.attemptDuration = r.register(
      new Histogram('scheduler_scheduling_attempt_duration_seconds', 'Scheduling attempt latency in seconds (scheduling algorithm, without binding).', exponentialBuckets(0.00001, 2, 20), ['result', 'profile']),
    );
    this.e2eDuration = r.register(
      new Histogram(
        'scheduler_pod_scheduling_sli_duration_seconds',
        'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue until it is bound; may span several attempts.',
        exponentialBuckets(0.001, 2, 20),
      ),
    );
    this.bindDuration = r.register(
      new Histogram('scheduler_framework_extension_point_duration_seconds', 'Latency for running all plugins of a specific extension point.', exponentialBuckets(0.0001, 2, 20), [
        'extension_point',
        'status',
        'profile',
      ]),
    );
    this.preemptionAttempts = r.register(new Counter('scheduler_preemption_attempts_total', 'Total preemption attempts in the cluster till now.'));
    this.preemptionVictims = r.register(new Histogram('scheduler_preemption_victims', 'Number of selected preemption victims.', exponentialBuckets(1, 2, 7)));
    r.register(
      new Gauge('scheduler_pending_pods', 'Number of pending pods, by the queue type.', ['queue'], (g) => {
        const q = src.scheduler.queue;
        const sizes = q.sizes();
        let gated = 0;
        if (sizes.unschedulable > 0) for (const p of q.unschedulablePods()) if (p.gatedBy !== undefined) gated++;
        g.set({ queue: 'active' }, sizes.active);
        g.set({ queue: 'backoff' }, sizes.backoff);
        g.set({ queue: 'unschedulable' }, sizes.unschedulable - gated);
        g.set({ queue: 'gated' }, gated);
      }),
    );
    r.register(
      new Gauge('scheduler_cache_size', 'Number of nodes and pods in the scheduler cache.', ['type'], (g) => {
        g.set({ type: 'nodes' }, src.scheduler.cache.nodeCount);
        g.set({ type: 'pods' }, src.scheduler.cache.podCount);
      }),
    );
    r.register(new Gauge('scheduler_bindings_in_flight', 'Binding requests sent and not yet answered.', [], (g) => g.set({}, src.bindingsInFlight())));
    r.register(new CounterFunc('scheduler_events_dropped_total', 'Events not written: the recorder buffer was full (a burst outran the API server) or the spam filter held them back.', () => src.eventsDropped?.() ?? 0));
    r.register(
      new Gauge('leader_election_master_status', 'Whether this process is the leader (1) or a standby (0).', ['name'], (g) => g.set({ name: src.leaseName }, src.isLeading() ? 1 : 0)),
    );
  }

  render(): string {
    return this.registry.render();
  }
}
