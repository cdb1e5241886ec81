import { Reason } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';

/** Filter: a pod with spec.nodeName fits only that node (the record holds its slot, or -2 for an unknown name). */
export function nodeNameFilter(c: Cycle, n: number): number {
  return c.nodeName !== -1 && c.nodeName !== n ? Reason.NodeName : Reason.Pass;
}
