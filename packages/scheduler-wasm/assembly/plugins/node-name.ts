import { Reason } from '../codes';
import { CycleState } from '../cycle-state';

export function nodeNameFilter(c: CycleState, n: i32): i32 {
  return c.nodeName != -1 && c.nodeName != n ? Reason.NodeName : Reason.Pass;
}
