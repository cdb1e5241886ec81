/**
 * The events kube-scheduler writes, worded as it words them, so `kubectl describe pod` reads the same:
 *   Normal  Scheduled         Successfully assigned <ns>/<pod> to <node>
 *   Warning FailedScheduling  0/5 nodes are available: ...
 *   Normal  Preempted         Preempted by pod <preemptor uid> on node <node>     (on the victim)
 * Each profile reports as its schedulerName (source.component), through its own recorder; recording never
 * blocks and, under a flood, drops rather than slows scheduling (see EventRecorder).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { EventRecorder, type Client, type EventType, type Logger } from '@skiff/client';

/**
 * Events waiting to be written before new ones are dropped: a burst of bindings (thousands a second) outruns the
 * event writes, which yield to bindings for the API server's time; a deep buffer delays them instead of losing
 * them, and only a sustained overload drops (counted in scheduler_events_dropped_total).
 */
const EVENT_BUFFER = 20_000;

export class SchedulingEvents {
  private readonly recorders = new Map<string, EventRecorder>();

  constructor(
    private readonly client: Client | undefined,
    private readonly logger: Logger,
  ) {}

  scheduled(pod: V1Pod, nodeName: string, schedulerName: string): void {
    const m = pod.metadata ?? {};
    this.record(schedulerName, pod, 'Normal', 'Scheduled', `Successfully assigned ${m.namespace || 'default'}/${m.name} to ${nodeName}`);
  }

  failedScheduling(pod: V1Pod, message: string, schedulerName: string): void {
    this.record(schedulerName, pod, 'Warning', 'FailedScheduling', message);
  }

  preempted(victim: V1Pod, preemptor: V1Pod, nodeName: string, schedulerName: string): void {
    this.record(schedulerName, victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata?.uid ?? ''} on node ${nodeName}`);
  }

  /** Events dropped (buffer full or spam-filtered) over every recorder. */
  get dropped(): number {
    let n = 0;
    for (const r of this.recorders.values()) n += r.dropped;
    return n;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.recorders.values()].map((r) => r.flush()));
  }

  private record(component: string, pod: V1Pod, type: EventType, reason: string, message: string): void {
    if (!this.client) return;
    let r = this.recorders.get(component);
    if (!r) {
      r = new EventRecorder({ client: this.client, component, logger: this.logger, concurrency: 8, bufferSize: EVENT_BUFFER });
      this.recorders.set(component, r);
    }
    // Informer objects carry no kind; the event's involvedObject needs it.
    r.event({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata as never }, type, reason, message);
  }
}
