/**
 * The scheduler's writes to pods/status, as strategic merge patches (conditions merge by type):
 *   - PodScheduled=False with reason Unschedulable (or SchedulerError) and the FailedScheduling message, plus
 *     status.nominatedNodeName when preemption chose a node; skipped when the pod already says exactly that;
 *   - nominatedNodeName cleared on lower-priority pods whose nomination a preemption displaced;
 *   - DisruptionTarget=True (PreemptionByScheduler) on a victim before it is deleted.
 * A pod deleted meanwhile (404) is not an error.
 */
import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import type { Pod } from '@skiff/api';
import { isNotFound, type Logger, type ResourceClient } from '@skiff/client';
import { podKey } from '../cache/scheduler-cache.js';

export type NotScheduledReason = 'Unschedulable' | 'SchedulerError';

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function condition(pod: V1Pod, type: string): V1PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export class PodStatusWriter {
  /** Status patches sent (for metrics and tests). */
  written = 0;

  constructor(
    private readonly pods: ResourceClient<Pod>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** PodScheduled=False; `nominatedNodeName` undefined leaves the nomination as it is. */
  async notScheduled(pod: V1Pod, reason: NotScheduledReason, message: string, nominatedNodeName?: string): Promise<void> {
    const cur = condition(pod, 'PodScheduled');
    const sameCondition = cur?.status === 'False' && cur.reason === reason && cur.message === message;
    const sameNomination = nominatedNodeName === undefined || pod.status?.nominatedNodeName === nominatedNodeName;
    if (sameCondition && sameNomination) return;
    // lastTransitionTime moves only when the status flips, as UpdatePodCondition does.
    const since = cur?.status === 'False' && cur.lastTransitionTime ? String(cur.lastTransitionTime) : rfc3339(this.now());
    const status: Record<string, unknown> = {
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: since }],
    };
    if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName;
    await this.patch(pod, { status });
  }

  async clearNomination(pod: V1Pod): Promise<void> {
    await this.patch(pod, { status: { nominatedNodeName: null } });
  }

  async disruptionTarget(pod: V1Pod, schedulerName: string): Promise<void> {
    const c = { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: rfc3339(this.now()) };
    await this.patch(pod, { status: { conditions: [c] } });
  }

  private async patch(pod: V1Pod, body: unknown): Promise<void> {
    const ns = pod.metadata?.namespace || 'default';
    try {
      await this.pods.namespace(ns).patch(pod.metadata?.name ?? '', body, 'strategic', { subresource: 'status' });
      this.written++;
    } catch (e) {
      if (isNotFound(e)) return;
      this.logger.warn({ pod: podKey(pod), err: (e as Error).message }, 'could not update pod status');
    }
  }
}
