import type { V1Pod } from '@kubernetes/client-node';

/** A pending pod with its queue bookkeeping (framework.QueuedPodInfo). */
export interface QueuedPod {
  key: string;
  pod: V1Pod;
  /** Resolved priority, for the queue order and preemption. */
  priority: number;
  /** When the pod entered the queue or was last requeued (ms); the queue order's tie-breaker. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  initialAttemptTimestamp?: number;
  /** Plugins that rejected the pod in its last attempt; empty means any cluster event may help. */
  unschedulablePlugins: Set<string>;
  /** Set while a PreEnqueue plugin (SchedulingGates) holds the pod back. */
  gatedBy?: string;
}

/**
 * The backoff after `attempts` attempts: initial * 2^(attempts-1), capped at max (kube-scheduler's
 * calculateBackoffDuration, with 1 s and 10 s by default).
 */
export function backoffDuration(attempts: number, initialMs: number, maxMs: number): number {
  let d = initialMs;
  for (let i = 1; i < attempts; i++) {
    if (d > maxMs - d) return maxMs;
    d += d;
  }
  return Math.min(d, maxMs);
}
