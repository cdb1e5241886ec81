// The choice of a backend for a new flow, one function per IPVS scheduler. `nExcl` slots listed at `exclPtr`
// are skipped (the proxy's retry after a backend refused a connection); a normal pick passes 0.
import { fastRange } from './memory-block';
import {
  available, B_ACTIVE, B_INACTIVE, B_WEIGHT, bkRec, S_AVAIL, S_MEMBER_COUNT, S_MEMBERS, S_RR, S_SCHED, S_TABLE,
  S_TABLE_LEN, S_WRR_CW, S_WRR_GCD, S_WRR_I, S_WRR_MAX, svcRec,
} from './registry';
import { prepare } from './tables';
import { NO_BACKEND, SCHED_DH, SCHED_LC, SCHED_RR, SCHED_WLC, SCHED_WRR } from './status';

let exclPtr: usize = 0;

export function setExcludeRegion(ptr: usize): void {
  exclPtr = ptr;
}

// @ts-ignore: decorator
@inline export function excluded(b: i32, nExcl: i32): bool {
  for (let i = 0; i < nExcl; i++) if (load<i32>(exclPtr + (<usize>i << 2)) == b) return true;
  return false;
}

// @ts-ignore: decorator
@inline function member(members: usize, i: i32): i32 {
  return load<i32>(members + (<usize>i << 2));
}

/** rr: the next available member after the one picked last, wrapping around the list. */
function pickRr(r: usize, nExcl: i32): i32 {
  const members = load<usize>(r + S_MEMBERS);
  const n = load<i32>(r + S_MEMBER_COUNT);
  let i = load<i32>(r + S_RR);
  for (let k = 0; k < n; k++) {
    if (++i >= n) i = 0;
    const b = member(members, i);
    if (available(b) && !excluded(b, nExcl)) {
      store<i32>(r + S_RR, i);
      return b;
    }
  }
  return NO_BACKEND;
}

/**
 * wrr, LVS's interleaved weighted round robin: walk the list; each time it wraps, lower the current weight by
 * the gcd of the weights (back to the maximum when it reaches zero); pick the first member whose weight is at
 * least the current weight. Weights 4, 3, 2 give A A B A B C A B C over a cycle of 9.
 */
function pickWrr(r: usize, nExcl: i32): i32 {
  const members = load<usize>(r + S_MEMBERS);
  const n = load<i32>(r + S_MEMBER_COUNT);
  const maxW = load<i32>(r + S_WRR_MAX);
  const g = load<i32>(r + S_WRR_GCD);
  let i = load<i32>(r + S_WRR_I);
  let cw = load<i32>(r + S_WRR_CW);
  // One full sweep of the weights visits every member at every level, so a longer walk means nothing fits.
  const limit = <i64>n * <i64>(maxW / g + 1);
  for (let step: i64 = 0; step < limit; step++) {
    if (++i >= n) i = 0;
    if (i == 0) {
      cw -= g;
      if (cw <= 0) cw = maxW;
    }
    const b = member(members, i);
    if (available(b) && load<i32>(bkRec(b) + B_WEIGHT) >= cw && !excluded(b, nExcl)) {
      store<i32>(r + S_WRR_I, i);
      store<i32>(r + S_WRR_CW, cw);
      return b;
    }
  }
  return NO_BACKEND;
}

/** IPVS's connection overhead: an active (TCP) flow weighs 256 inactive (UDP) ones. */
// @ts-ignore: decorator
@inline function overhead(b: i32): u64 {
  const br = bkRec(b);
  return (<u64>load<i32>(br + B_ACTIVE) << 8) + <u64>load<i32>(br + B_INACTIVE);
}

/** lc: least overhead; ties go to the earliest member. wlc: least overhead per unit of weight, same ties. */
function pickLeast(r: usize, weighted: bool, nExcl: i32): i32 {
  const members = load<usize>(r + S_MEMBERS);
  const n = load<i32>(r + S_MEMBER_COUNT);
  let least = NO_BACKEND;
  let lOh: u64 = 0;
  let lW: u64 = 1;
  for (let i = 0; i < n; i++) {
    const b = member(members, i);
    if (!available(b) || excluded(b, nExcl)) continue;
    const oh = overhead(b);
    const w: u64 = weighted ? <u64>load<i32>(bkRec(b) + B_WEIGHT) : 1;
    // oh/w < lOh/lW without division; counts stay below 2^24 and weights below 2^16, so nothing overflows.
    if (least < 0 || oh * lW < lOh * w) {
      least = b;
      lOh = oh;
      lW = w;
    }
  }
  return least;
}

function anyAvailableNotExcluded(r: usize, nExcl: i32): bool {
  const members = load<usize>(r + S_MEMBERS);
  const n = load<i32>(r + S_MEMBER_COUNT);
  for (let i = 0; i < n; i++) {
    const b = member(members, i);
    if (available(b) && !excluded(b, nExcl)) return true;
  }
  return false;
}

/**
 * sh, dh, mh: the table slot the hash lands on. When that backend is excluded, the walk continues through the
 * following slots (IPVS's "fallback" flag), which reach every backend holding a slot.
 */
function pickHashed(r: usize, hash: u32, nExcl: i32): i32 {
  const table = load<usize>(r + S_TABLE);
  const len = load<i32>(r + S_TABLE_LEN);
  let idx = <i32>fastRange(hash, <u32>len);
  const first = load<i32>(table + (<usize>idx << 2));
  if (nExcl == 0 || !excluded(first, nExcl)) return first;
  if (!anyAvailableNotExcluded(r, nExcl)) return NO_BACKEND;
  for (let k = 1; k < len; k++) {
    if (++idx == len) idx = 0;
    const b = load<i32>(table + (<usize>idx << 2));
    if (!excluded(b, nExcl)) return b;
  }
  return NO_BACKEND;
}

/** Picks a backend for a new flow of a live service, or NO_BACKEND. Does not record the flow. */
export function schedule(s: i32, srcHash: u32, dstHash: u32, nExcl: i32): i32 {
  prepare(s);
  const r = svcRec(s);
  if (load<i32>(r + S_AVAIL) == 0) return NO_BACKEND;
  const sched = load<i32>(r + S_SCHED);
  if (sched == SCHED_RR) return pickRr(r, nExcl);
  if (sched == SCHED_WRR) return pickWrr(r, nExcl);
  if (sched == SCHED_LC) return pickLeast(r, false, nExcl);
  if (sched == SCHED_WLC) return pickLeast(r, true, nExcl);
  return pickHashed(r, sched == SCHED_DH ? dstHash : srcHash, nExcl);
}

/**
 * Many picks in one call: pairs (source hash, destination hash) at `input`, backend slots (or NO_BACKEND) to
 * `output`. The hash schedulers get a loop with nothing in it but the table load.
 */
export function scheduleBatch(s: i32, input: usize, output: usize, n: i32): void {
  prepare(s);
  const r = svcRec(s);
  const sched = load<i32>(r + S_SCHED);
  const len = load<i32>(r + S_TABLE_LEN);
  if (load<i32>(r + S_AVAIL) == 0) {
    for (let i = 0; i < n; i++) store<i32>(output + (<usize>i << 2), NO_BACKEND);
  } else if (len > 0) {
    const table = load<usize>(r + S_TABLE);
    const src = input + (sched == SCHED_DH ? 4 : 0);
    for (let i = 0; i < n; i++) {
      const h = load<u32>(src + (<usize>i << 3));
      store<i32>(output + (<usize>i << 2), load<i32>(table + (<usize>fastRange(h, <u32>len) << 2)));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const p = input + (<usize>i << 3);
      store<i32>(output + (<usize>i << 2), schedule(s, load<u32>(p), load<u32>(p, 4), 0));
    }
  }
}
