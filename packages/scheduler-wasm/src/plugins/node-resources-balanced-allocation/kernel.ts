import { MAX_NODE_SCORE } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';

/** PreScore: a pod requesting none of the profile's resources is not scored (Skip), so it cannot pile up. */
export function balancedSkips(c: Cycle): boolean {
  for (let i = 0; i < c.balN; i++) if (c.balReq[i]! > 0) return false;
  return true;
}

/** The requested fraction of resource i on node n (capped at 1), or -1 when the node has none of it. */
function fraction(c: Cycle, i: number, n: number): number {
  const capacity = c.v.alloc[c.balAlloc[i]! + n]!;
  if (capacity === 0) return -1;
  const f = ((c.balUsedNz[i] ? c.v.nz : c.v.req)[c.balUsed[i]! + n]! + c.balReq[i]!) / capacity;
  return f > 1 ? 1 : f;
}

/**
 * Score: 100 * (1 - std) of the requested fractions of the resources the node has. For two resources std is
 * half their difference; for more, the population standard deviation. Resources are resolved per pod by
 * prepareScoringResources.
 */
export function balancedScore(c: Cycle, n: number): number {
  let k = 0;
  let total = 0;
  let f0 = 0;
  let f1 = 0;
  for (let i = 0; i < c.balN; i++) {
    const f = fraction(c, i, n);
    if (f < 0) continue;
    total += f;
    if (k === 0) f0 = f;
    else if (k === 1) f1 = f;
    k++;
  }
  let std = 0;
  if (k === 2) {
    std = Math.abs((f0 - f1) / 2);
  } else if (k > 2) {
    const mean = total / k;
    let sum = 0;
    for (let i = 0; i < c.balN; i++) {
      const f = fraction(c, i, n);
      if (f < 0) continue;
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / k);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
