import { NodeFlag, PodFlag, Reason } from '../codes';
import { CycleState } from '../cycle-state';
import { gNodeFlags, ld } from '../layout';

export function nodeUnschedulableFilter(c: CycleState, n: i32): i32 {
  if ((ld(gNodeFlags, n) & NodeFlag.Unschedulable) != 0 && (c.flags & PodFlag.ToleratesUnschedulable) == 0) {
    return Reason.NodeUnschedulable;
  }
  return Reason.Pass;
}
