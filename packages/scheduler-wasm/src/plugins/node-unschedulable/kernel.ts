import { NodeFlag, PodFlag, Reason } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';

/** Filter: a node marked spec.unschedulable takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
export function nodeUnschedulableFilter(c: Cycle, n: number): number {
  if ((c.v.nodeFlags[n]! & NodeFlag.Unschedulable) !== 0 && (c.flags & PodFlag.ToleratesUnschedulable) === 0) {
    return Reason.NodeUnschedulable;
  }
  return Reason.Pass;
}
