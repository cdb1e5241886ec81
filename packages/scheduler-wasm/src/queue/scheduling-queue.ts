import type { V1Pod } from '@kubernetes/client-node';
import { eventCovers, type ClusterEvent } from '../framework/interface.js';
import { prioritySortLess } from '../plugins/priority-sort/plugin.js';
import { KeyedHeap } from './keyed-heap.js';
import { backoffDuration, type QueuedPod } from './queued-pod.js';

export interface QueueOptions {
  /** Milliseconds; the queue never reads the wall clock itself. */
  clock: () => number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Unschedulable pods are retried after this long even without a helpful event (5 minutes by default). */
  maxInUnschedulableMs: number;
  priorityOf: (pod: V1Pod) => number;
  /** The PreEnqueue plugin holding the pod back (SchedulingGates), or undefined. */
  gatedBy: (pod: V1Pod) => string | undefined;
  /** The cluster events a plugin registered. */
  eventsOf: (plugin: string) => readonly ClusterEvent[];
}

export function keyOf(pod: V1Pod): string {
  return `${pod.metadata?.namespace || 'default'}/${pod.metadata?.name ?? ''}`;
}

/**
 * kube-scheduler's scheduling queue: an active queue ordered by priority then arrival (PrioritySort), a backoff
 * queue ordered by backoff expiry (1 s doubling to 10 s), and the unschedulable pods, which move back when a
 * cluster event one of their rejecting plugins registered for happens, or after maxInUnschedulableMs.
 * A move request during a pod's cycle sends that pod to backoff instead of the unschedulable set, so an event
 * that raced with the attempt is not lost.
 */
export class SchedulingQueue {
  private readonly active: KeyedHeap<QueuedPod>;
  private readonly backoff: KeyedHeap<QueuedPod>;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly inFlight = new Map<string, QueuedPod>();
  private cycle = 0;
  private moveRequestCycle = -1;

  constructor(private readonly opts: QueueOptions) {
    this.active = new KeyedHeap(
      (p) => p.key,
      (a, b) => prioritySortLess(a.priority, a.timestamp, b.priority, b.timestamp),
    );
    this.backoff = new KeyedHeap(
      (p) => p.key,
      (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
    );
  }

  /** The pod pop() would return next, without taking it. */
  peek(): QueuedPod | undefined {
    return this.active.peek();
  }

  /** The number of the latest scheduling cycle (one per pop). */
  get schedulingCycle(): number {
    return this.cycle;
  }

  sizes(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** A new pending pod. */
  add(pod: V1Pod): void {
    const key = keyOf(pod);
    if (this.has(key)) return this.update(pod);
    const qp: QueuedPod = { key, pod, priority: this.opts.priorityOf(pod), timestamp: this.opts.clock(), attempts: 0, unschedulablePlugins: new Set() };
    this.enqueue(qp);
  }

  /** A pending pod changed. A waiting pod whose spec changed gets another chance right away. */
  update(pod: V1Pod): void {
    const key = keyOf(pod);
    const inHeap = this.active.get(key) ?? this.backoff.get(key);
    if (inHeap) {
      inHeap.pod = pod;
      inHeap.priority = this.opts.priorityOf(pod);
      if (this.active.has(key)) this.active.push(inHeap);
      else this.backoff.push(inHeap);
      return;
    }
    const waiting = this.unschedulable.get(key);
    if (waiting) {
      const changed = specOf(waiting.pod) !== specOf(pod);
      waiting.pod = pod;
      waiting.priority = this.opts.priorityOf(pod);
      if (waiting.gatedBy !== undefined) {
        this.unschedulable.delete(key);
        waiting.gatedBy = undefined;
        this.enqueue(waiting);
      } else if (changed) {
        this.unschedulable.delete(key);
        this.moveOut(waiting);
      }
      return;
    }
    const flying = this.inFlight.get(key);
    if (flying) {
      flying.pod = pod;
      return;
    }
    this.add(pod);
  }

  delete(pod: V1Pod): void {
    const key = keyOf(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  /** The next pod to schedule, or undefined when the active queue is empty. */
  pop(): QueuedPod | undefined {
    const qp = this.active.pop();
    if (!qp) return undefined;
    this.cycle++;
    qp.attempts++;
    qp.initialAttemptTimestamp ??= this.opts.clock();
    this.inFlight.set(qp.key, qp);
    return qp;
  }

  /** The popped pod's attempt ended (scheduled, or requeued through one of the calls below). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** After a failed attempt in `cycle`: unschedulable set, or backoff when a move request raced with it. */
  requeueUnschedulable(qp: QueuedPod, plugins: Set<string>, cycle: number): void {
    this.inFlight.delete(qp.key);
    qp.unschedulablePlugins = plugins;
    qp.timestamp = this.opts.clock();
    if (this.moveRequestCycle >= cycle) this.backoff.push(qp);
    else this.unschedulable.set(qp.key, qp);
  }

  /** After an error (not a "does not fit"): retry after backoff. */
  requeueError(qp: QueuedPod): void {
    this.inFlight.delete(qp.key);
    qp.timestamp = this.opts.clock();
    qp.unschedulablePlugins = new Set();
    this.backoff.push(qp);
  }

  /** A cluster event: unschedulable pods whose rejecting plugins care about it move to active or backoff. */
  onEvent(event: ClusterEvent): number {
    this.moveRequestCycle = this.cycle;
    let moved = 0;
    for (const qp of [...this.unschedulable.values()]) {
      if (qp.gatedBy !== undefined || !this.interested(qp, event)) continue;
      this.unschedulable.delete(qp.key);
      this.moveOut(qp);
      moved++;
    }
    return moved;
  }

  /** Periodic work: finished backoffs become active; pods unschedulable for too long get retried. */
  flush(): void {
    const now = this.opts.clock();
    for (let head = this.backoff.peek(); head && this.backoffExpiry(head) <= now; head = this.backoff.peek()) {
      this.active.push(this.backoff.pop()!);
    }
    for (const qp of [...this.unschedulable.values()]) {
      if (qp.gatedBy === undefined && now - qp.timestamp > this.opts.maxInUnschedulableMs) {
        this.unschedulable.delete(qp.key);
        this.moveOut(qp);
      }
    }
  }

  /** Pods waiting in the unschedulable set (for status and tests). */
  unschedulablePods(): QueuedPod[] {
    return [...this.unschedulable.values()];
  }

  private enqueue(qp: QueuedPod): void {
    const gate = this.opts.gatedBy(qp.pod);
    if (gate !== undefined) {
      qp.gatedBy = gate;
      this.unschedulable.set(qp.key, qp);
      return;
    }
    this.active.push(qp);
  }

  private moveOut(qp: QueuedPod): void {
    if (this.backoffExpiry(qp) > this.opts.clock()) this.backoff.push(qp);
    else this.active.push(qp);
  }

  private backoffExpiry(qp: QueuedPod): number {
    if (qp.attempts === 0) return qp.timestamp;
    return qp.timestamp + backoffDuration(qp.attempts, this.opts.initialBackoffMs, this.opts.maxBackoffMs);
  }

  private interested(qp: QueuedPod, event: ClusterEvent): boolean {
    if (qp.unschedulablePlugins.size === 0) return true;
    for (const plugin of qp.unschedulablePlugins) {
      if (this.opts.eventsOf(plugin).some((e) => eventCovers(e, event))) return true;
    }
    return false;
  }
}

/** What counts as a change worth retrying for: everything but status and bookkeeping metadata. */
function specOf(pod: V1Pod): string {
  const { resourceVersion: _rv, generation: _g, managedFields: _m, ...meta } = pod.metadata ?? {};
  return JSON.stringify({ meta, spec: pod.spec });
}
