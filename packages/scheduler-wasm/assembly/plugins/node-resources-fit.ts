import { FIRST_EXTENDED_COLUMN, FIT_UNRESOLVABLE_BIT, MAX_NODE_SCORE, Prof, Reason, ResCol, Strategy } from '../codes';
import { CycleState, podReq, prof } from '../cycle-state';
import { idiv, roundNonNegative } from '../arith';
import { gAlloc, gDetail, gNodeStride, gNz, gPodCount, gReq, ld, ldf, pa, st, stf } from '../layout';

@inline function col2(base: usize, col: i32, n: i32): f64 {
  return load<f64>(base + ((<usize>col * <usize>gNodeStride + <usize>n) << 3));
}

/** Resolves the requests the filter checks once per pod (mirror of the TS prepareFitFilter). */
export function prepareFitFilter(c: CycleState): void {
  const ignored = prof(c, Prof.IgnoredMask);
  let k = 0;
  for (let i = 0; i < c.reqCount; i++) {
    const col = pa(c.reqOff + 4 * i);
    if (col == ResCol.Pods || (ignored & (1 << col)) != 0) continue;
    st(c.ffRow, k, <i32>rowOf(gAlloc, col));
    st(c.ffBit, k, 1 << col);
    stf(c.ffWant, k, podReq(c, col));
    k++;
  }
  c.ffN = k;
}

/** The distance from an alloc row to the same column's requested row. */
@inline function reqDelta(): usize {
  return gReq - gAlloc;
}

export function fitFilter(c: CycleState, n: i32): i32 {
  let mask = 0;
  const off = <usize>n << 3;
  if (<f64>(ld(gPodCount, n) + 1) > col2(gAlloc, ResCol.Pods, n)) mask |= 1 << ResCol.Pods;
  const delta = reqDelta();
  for (let i = 0; i < c.ffN; i++) {
    const at = <usize>ld(c.ffRow, i) + off;
    const want = ldf(c.ffWant, i);
    const capacity = load<f64>(at);
    if (want > capacity - load<f64>(at + delta)) {
      mask |= ld(c.ffBit, i);
      if (want > capacity) mask |= FIT_UNRESOLVABLE_BIT;
    }
  }
  if (mask == 0) return Reason.Pass;
  st(gDetail, n, mask);
  return Reason.Fit;
}

/** The pod's request of `col` for scoring, or -1 when the resource is left out. */
export function scoringRequest(c: CycleState, col: i32): f64 {
  if (col == ResCol.Cpu) return c.nzCpu;
  if (col == ResCol.Memory) return c.nzMem;
  if (col == ResCol.Pods) return -1;
  const r = podReq(c, col);
  if (r == 0 && col >= FIRST_EXTENDED_COLUMN) return -1;
  return r;
}

@inline function rowOf(base: usize, col: i32): usize {
  return base + ((<usize>col * <usize>gNodeStride) << 3);
}

/** The row holding the node's requested amount of `col` for scoring (non-zero sums for cpu and memory). */
@inline function usedRow(col: i32): usize {
  return col <= ResCol.Memory ? rowOf(gNz, col) : rowOf(gReq, col);
}

/** Resolves the scoring resources for this pod once (mirror of the TS prepareScoringResources). */
export function prepareScoringResources(c: CycleState): void {
  let k = 0;
  const fitCount = prof(c, Prof.FitResCount);
  for (let i = 0; i < fitCount; i++) {
    const col = prof(c, Prof.FitRes + 2 * i);
    const r = scoringRequest(c, col);
    if (r < 0) continue;
    st(c.fitAlloc, k, <i32>rowOf(gAlloc, col));
    st(c.fitUsed, k, <i32>usedRow(col));
    stf(c.fitW, k, <f64>prof(c, Prof.FitRes + 2 * i + 1));
    stf(c.fitReq, k, r);
    k++;
  }
  c.fitN = k;
  k = 0;
  const balCount = prof(c, Prof.BalResCount);
  for (let i = 0; i < balCount; i++) {
    const col = prof(c, Prof.BalRes + i);
    const r = scoringRequest(c, col);
    if (r < 0) continue;
    st(c.balAlloc, k, <i32>rowOf(gAlloc, col));
    st(c.balUsed, k, <i32>usedRow(col));
    stf(c.balReq, k, r);
    k++;
  }
  c.balN = k;
}

function brokenLinear(c: CycleState, p: f64): f64 {
  const count = prof(c, Prof.ShapeCount);
  for (let i = 0; i < count; i++) {
    const u = <f64>prof(c, Prof.Shape + 2 * i);
    if (p <= u) {
      const s = <f64>prof(c, Prof.Shape + 2 * i + 1);
      if (i == 0) return s;
      const pu = <f64>prof(c, Prof.Shape + 2 * i - 2);
      const ps = <f64>prof(c, Prof.Shape + 2 * i - 1);
      return ps + Math.trunc(((s - ps) * (p - pu)) / (u - pu));
    }
  }
  return <f64>prof(c, Prof.Shape + 2 * count - 1);
}

export function fitScore(c: CycleState, n: i32): f64 {
  const strategy = prof(c, Prof.FitStrategy);
  const off = <usize>n << 3;
  let nodeScore: f64 = 0;
  let weightSum: f64 = 0;
  for (let i = 0; i < c.fitN; i++) {
    const capacity = load<f64>(<usize>ld(c.fitAlloc, i) + off);
    if (capacity == 0) continue;
    const requested = load<f64>(<usize>ld(c.fitUsed, i) + off) + ldf(c.fitReq, i);
    const weight = ldf(c.fitW, i);
    let s: f64;
    if (strategy == Strategy.LeastAllocated) {
      s = requested > capacity ? 0 : idiv((capacity - requested) * <f64>MAX_NODE_SCORE, capacity);
    } else if (strategy == Strategy.MostAllocated) {
      s = idiv((requested > capacity ? capacity : requested) * <f64>MAX_NODE_SCORE, capacity);
    } else {
      s = brokenLinear(c, requested > capacity ? 100 : idiv(requested * 100, capacity));
      if (s <= 0) continue;
    }
    nodeScore += s * weight;
    weightSum += weight;
  }
  if (weightSum == 0) return 0;
  if (strategy == Strategy.RequestedToCapacityRatio) return roundNonNegative(nodeScore / weightSum);
  return idiv(nodeScore, weightSum);
}
