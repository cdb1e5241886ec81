import { FIRST_EXTENDED_COLUMN, FIT_UNRESOLVABLE_BIT, MAX_NODE_SCORE, Prof, Reason, ResCol, Strategy } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';
import { idiv, roundNonNegative } from '../../ts/arith.js';

/** Resolves the requests the filter checks once per pod: not the pod count, not ignored extended resources. */
export function prepareFitFilter(c: Cycle): void {
  const ignored = c.prof(Prof.IgnoredMask);
  let k = 0;
  for (let i = 0; i < c.reqCount; i++) {
    const col = c.a[c.reqOff + 4 * i]!;
    if (col === ResCol.Pods || (ignored & (1 << col)) !== 0) continue;
    c.ffRow[k] = col * c.cap;
    c.ffBit[k] = 1 << col;
    c.ffWant[k] = c.req[col]!;
    k++;
  }
  c.ffN = k;
}

/**
 * Filter: one bit per insufficient resource column in the detail word (column 3 = "Too many pods"), plus
 * FIT_UNRESOLVABLE_BIT when a request exceeds the node's whole allocatable (preemption cannot help there).
 */
export function fitFilter(c: Cycle, n: number): number {
  const v = c.v;
  const alloc = v.alloc;
  const used = v.req;
  let mask = 0;
  if (v.podCount[n]! + 1 > alloc[ResCol.Pods * c.cap + n]!) mask |= 1 << ResCol.Pods;
  for (let i = 0; i < c.ffN; i++) {
    const at = c.ffRow[i]! + n;
    const want = c.ffWant[i]!;
    const capacity = alloc[at]!;
    if (want > capacity - used[at]!) {
      mask |= c.ffBit[i]!;
      if (want > capacity) mask |= FIT_UNRESOLVABLE_BIT;
    }
  }
  if (mask === 0) return Reason.Pass;
  v.detail[n] = mask;
  return Reason.Fit;
}

/**
 * The pod's request of `col` for scoring: cpu and memory with the non-zero defaults, others as requested.
 * Scalar resources the pod does not request are left out of scoring (returns -1), as is the pod count.
 */
export function scoringRequest(c: Cycle, col: number): number {
  if (col === ResCol.Cpu) return c.nzCpu;
  if (col === ResCol.Memory) return c.nzMem;
  if (col === ResCol.Pods) return -1;
  const r = col < c.req.length ? c.req[col]! : 0;
  if (r === 0 && col >= FIRST_EXTENDED_COLUMN) return -1;
  return r;
}

/**
 * Resolves the profile's scoring resources for this pod once: the allocatable row, the requested row (the
 * non-zero sums for cpu and memory) and the pod's request, dropping resources left out of scoring.
 */
export function prepareScoringResources(c: Cycle): void {
  const cap = c.cap;
  let k = 0;
  const fitCount = c.prof(Prof.FitResCount);
  for (let i = 0; i < fitCount; i++) {
    const col = c.prof(Prof.FitRes + 2 * i);
    const r = scoringRequest(c, col);
    if (r < 0) continue;
    c.fitAlloc[k] = col * cap;
    c.fitUsedNz[k] = col <= ResCol.Memory ? 1 : 0;
    c.fitUsed[k] = col * cap;
    c.fitW[k] = c.prof(Prof.FitRes + 2 * i + 1);
    c.fitReq[k] = r;
    k++;
  }
  c.fitN = k;
  k = 0;
  const balCount = c.prof(Prof.BalResCount);
  for (let i = 0; i < balCount; i++) {
    const col = c.prof(Prof.BalRes + i);
    const r = scoringRequest(c, col);
    if (r < 0) continue;
    c.balAlloc[k] = col * cap;
    c.balUsedNz[k] = col <= ResCol.Memory ? 1 : 0;
    c.balUsed[k] = col * cap;
    c.balReq[k] = r;
    k++;
  }
  c.balN = k;
}

/** BuildBrokenLinearFunction over the profile's shape points (scores already scaled to 0-100). */
function brokenLinear(c: Cycle, p: number): number {
  const count = c.prof(Prof.ShapeCount);
  for (let i = 0; i < count; i++) {
    const u = c.prof(Prof.Shape + 2 * i);
    if (p <= u) {
      const s = c.prof(Prof.Shape + 2 * i + 1);
      if (i === 0) return s;
      const pu = c.prof(Prof.Shape + 2 * i - 2);
      const ps = c.prof(Prof.Shape + 2 * i - 1);
      return ps + Math.trunc(((s - ps) * (p - pu)) / (u - pu));
    }
  }
  return c.prof(Prof.Shape + 2 * count - 1);
}

/** Score: LeastAllocated, MostAllocated or RequestedToCapacityRatio over the profile's weighted resources. */
export function fitScore(c: Cycle, n: number): number {
  const strategy = c.prof(Prof.FitStrategy);
  const alloc = c.v.alloc;
  const nz = c.v.nz;
  const used = c.v.req;
  let nodeScore = 0;
  let weightSum = 0;
  for (let i = 0; i < c.fitN; i++) {
    const capacity = alloc[c.fitAlloc[i]! + n]!;
    if (capacity === 0) continue;
    const requested = (c.fitUsedNz[i] ? nz : used)[c.fitUsed[i]! + n]! + c.fitReq[i]!;
    const weight = c.fitW[i]!;
    let s: number;
    if (strategy === Strategy.LeastAllocated) {
      s = requested > capacity ? 0 : idiv((capacity - requested) * MAX_NODE_SCORE, capacity);
    } else if (strategy === Strategy.MostAllocated) {
      s = idiv((requested > capacity ? capacity : requested) * MAX_NODE_SCORE, capacity);
    } else {
      s = brokenLinear(c, requested > capacity ? 100 : idiv(requested * 100, capacity));
      if (s <= 0) continue;
    }
    nodeScore += s * weight;
    weightSum += weight;
  }
  if (weightSum === 0) return 0;
  if (strategy === Strategy.RequestedToCapacityRatio) return roundNonNegative(nodeScore / weightSum);
  return idiv(nodeScore, weightSum);
}
