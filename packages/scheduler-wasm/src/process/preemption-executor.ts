/**
 * Carries out what DefaultPreemption decided (PostFilter's prepareCandidate): every victim gets the
 * DisruptionTarget condition, is deleted gracefully (its own terminationGracePeriodSeconds; a UID precondition
 * so a pod re-created under the same name is never hit) and gets the Preempted event; lower-priority pods whose
 * nomination to that node is displaced have it cleared. The preemptor's own nominatedNodeName goes out with its
 * PodScheduled condition (see PodStatusWriter); the cache keeps its room reserved until the victims are gone,
 * and the victims' deletion is the cluster event that brings it back for scheduling.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Pod } from '@skiff/api';
import { isConflict, isNotFound, type Logger, type ResourceClient } from '@skiff/client';
import { podKey } from '../cache/scheduler-cache.js';
import type { Unschedulable } from '../framework/schedule-result.js';
import type { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import type { PodStatusWriter } from './pod-status-writer.js';
import type { SchedulingEvents } from './scheduling-events.js';

export interface PreemptionDeps {
  pods: ResourceClient<Pod>;
  status: PodStatusWriter;
  events: SchedulingEvents;
  metrics: SchedulerMetrics;
  logger: Logger;
}

export class PreemptionExecutor {
  private readonly running = new Set<Promise<void>>();
  /** Victims deleted so far. */
  evicted = 0;

  constructor(private readonly deps: PreemptionDeps) {}

  /** Starts the preemption a result asks for, if any; returns at once. */
  execute(r: Unschedulable): void {
    if (r.nominatedNodeName === undefined) return;
    this.deps.metrics.preemptionAttempts.inc();
    this.deps.metrics.preemptionVictims.observe(r.victims.length);
    const node = r.nominatedNodeName;
    const p = Promise.all([...r.victims.map((v) => this.evict(v, r.pod, node, r.schedulerName)), ...r.clearNominated.map((c) => this.deps.status.clearNomination(c))]).then(
      () => undefined,
    );
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /** Resolves once every preemption started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async evict(victim: V1Pod, preemptor: V1Pod, node: string, schedulerName: string): Promise<void> {
    const d = this.deps;
    const ns = victim.metadata?.namespace || 'default';
    const name = victim.metadata?.name ?? '';
    await d.status.disruptionTarget(victim, schedulerName);
    try {
      const uid = victim.metadata?.uid;
      await d.pods.namespace(ns).delete(name, uid ? { preconditions: { uid } } : undefined);
      this.evicted++;
    } catch (e) {
      // Already gone, or a different pod by now: either way this victim no longer holds the room.
      if (isNotFound(e) || isConflict(e)) return;
      d.logger.warn({ victim: podKey(victim), preemptor: podKey(preemptor), err: (e as Error).message }, 'could not delete preemption victim');
      return;
    }
    d.logger.info({ victim: podKey(victim), preemptor: podKey(preemptor), node }, 'preempted');
    d.events.preempted(victim, preemptor, node, schedulerName);
  }
}
