// Rebuilds what a service's schedulers precompute: the available set, wrr's max weight and gcd, and the hash
// tables of sh/dh (IPVS-style buckets) and mh (Maglev, maglev.ts). Builds run lazily, on the first pick after a
// change, so applying many backend changes costs one build.
import { allocZeroed, gcd } from './memory-block';
import {
  available, B_ID1, B_ID2, B_WEIGHT, bkRec, S_AVAIL, S_DIRTY, S_MEMBER_COUNT, S_MEMBERS, S_SCHED, S_TABLE,
  S_TABLE_CAP, S_TABLE_LEN, S_TABLE_SIZE, S_WRR_GCD, S_WRR_MAX, svcRec,
} from './registry';
import { buildMaglev } from './maglev';
import { SCHED_DH, SCHED_MH, SCHED_SH } from './status';

const MIN_BUCKETS: i32 = 256;
const MAX_BUCKETS: i32 = 65536;

// Scratch for builds: available slots, their turns, and their identity keys (id1 << 32 | id2) for sorting.
let tmpCap: i32 = 0;
let tmpSlots: usize = 0;
let tmpTurns: usize = 0;
let tmpKeys: usize = 0;

function ensureTmp(n: i32): void {
  if (n <= tmpCap) return;
  if (tmpCap > 0) {
    heap.free(tmpSlots);
    heap.free(tmpTurns);
    heap.free(tmpKeys);
  }
  let cap = tmpCap > 0 ? tmpCap : 64;
  while (cap < n) cap <<= 1;
  tmpCap = cap;
  tmpSlots = allocZeroed(<usize>cap << 2);
  tmpTurns = allocZeroed(<usize>cap << 2);
  tmpKeys = allocZeroed(<usize>cap << 3);
}

// @ts-ignore: decorator
@inline function slotAt(i: i32): i32 {
  return load<i32>(tmpSlots + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function keyAt(i: i32): u64 {
  return load<u64>(tmpKeys + (<usize>i << 3));
}

/** Identity order (hash 1, hash 2, slot): every node builds the same table whatever order it learned backends in. */
// @ts-ignore: decorator
@inline function identityLess(i: i32, j: i32): bool {
  const a = keyAt(i);
  const b = keyAt(j);
  return a != b ? a < b : slotAt(i) < slotAt(j);
}

function swapEntries(i: i32, j: i32): void {
  const pi = <usize>i;
  const pj = <usize>j;
  const k = keyAt(i);
  store<u64>(tmpKeys + (pi << 3), keyAt(j));
  store<u64>(tmpKeys + (pj << 3), k);
  const s = slotAt(i);
  store<i32>(tmpSlots + (pi << 2), slotAt(j));
  store<i32>(tmpSlots + (pj << 2), s);
}

function siftDown(start: i32, end: i32): void {
  let root = start;
  while (true) {
    let child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && identityLess(child, child + 1)) child++;
    if (!identityLess(root, child)) return;
    swapEntries(root, child);
    root = child;
  }
}

/** Heap sort of the first n entries; the keys sit beside the slots so comparing touches no backend record. */
function sortByIdentity(n: i32): void {
  for (let i = 0; i < n; i++) {
    const br = bkRec(slotAt(i));
    store<u64>(tmpKeys + (<usize>i << 3), (<u64>load<u32>(br + B_ID1) << 32) | <u64>load<u32>(br + B_ID2));
  }
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(i, n);
  for (let end = n - 1; end > 0; end--) {
    swapEntries(0, end);
    siftDown(0, end);
  }
}

function ensureTable(r: usize, len: i32): usize {
  let table = load<usize>(r + S_TABLE);
  if (load<i32>(r + S_TABLE_CAP) < len) {
    if (table != 0) heap.free(table);
    table = heap.alloc(<usize>len << 2);
    store<usize>(r + S_TABLE, table);
    store<i32>(r + S_TABLE_CAP, len);
  }
  store<i32>(r + S_TABLE_LEN, len);
  return table;
}

function sumTurns(n: i32): u64 {
  let total: u64 = 0;
  for (let i = 0; i < n; i++) total += <u64>load<i32>(tmpTurns + (<usize>i << 2));
  return total;
}

/** Halves every turn count (keeping at least one) until the total fits `limit` or every count is 1. */
function scaleTurns(n: i32, limit: u64): void {
  while (sumTurns(n) > limit) {
    let maxTurns = 0;
    for (let i = 0; i < n; i++) {
      const p = tmpTurns + (<usize>i << 2);
      const t = load<i32>(p);
      if (t > maxTurns) maxTurns = t;
      store<i32>(p, t > 1 ? t >> 1 : 1);
    }
    if (maxTurns <= 1) return;
  }
}

/**
 * sh/dh buckets, filled as IPVS does: each backend takes `weight` consecutive buckets, round after round. IPVS
 * fixes 256 buckets, which starves backends past the 256th; here the count grows with the total weight (a power
 * of two from 256 to 65536, about 64 buckets per unit of weight) so every backend gets its share.
 */
function buildBuckets(r: usize, n: i32): void {
  let buckets: i32 = MIN_BUCKETS;
  const total = sumTurns(n);
  while (buckets < MAX_BUCKETS && <u64>buckets < total * 64) buckets <<= 1;
  scaleTurns(n, <u64>buckets);
  const table = ensureTable(r, buckets);
  let b = 0;
  let used = 0;
  for (let i = 0; i < buckets; i++) {
    store<i32>(table + (<usize>i << 2), slotAt(b));
    if (++used >= load<i32>(tmpTurns + (<usize>b << 2))) {
      used = 0;
      if (++b == n) b = 0;
    }
  }
}

/** The mh table: Maglev over the available backends in identity order (maglev.ts). */
function buildMaglevTable(r: usize, n: i32): void {
  const m = load<i32>(r + S_TABLE_SIZE);
  scaleTurns(n, <u64>m);
  buildMaglev(ensureTable(r, m), m, n, tmpSlots, tmpTurns);
}

/** Brings a service's derived state up to date; cheap when nothing changed since the last call. */
export function prepare(s: i32): void {
  const r = svcRec(s);
  if (load<i32>(r + S_DIRTY) == 0) return;
  const members = load<usize>(r + S_MEMBERS);
  const count = load<i32>(r + S_MEMBER_COUNT);
  ensureTmp(count);
  let n = 0;
  let maxW = 0;
  let g = 0;
  for (let i = 0; i < count; i++) {
    const b = load<i32>(members + (<usize>i << 2));
    if (!available(b)) continue;
    const w = load<i32>(bkRec(b) + B_WEIGHT);
    store<i32>(tmpSlots + (<usize>n << 2), b);
    n++;
    if (w > maxW) maxW = w;
    g = gcd(w, g);
  }
  store<i32>(r + S_AVAIL, n);
  store<i32>(r + S_WRR_MAX, maxW);
  store<i32>(r + S_WRR_GCD, g);
  store<i32>(r + S_TABLE_LEN, 0);
  const sched = load<i32>(r + S_SCHED);
  if (n > 0 && (sched == SCHED_SH || sched == SCHED_DH || sched == SCHED_MH)) {
    sortByIdentity(n);
    for (let i = 0; i < n; i++) {
      store<i32>(tmpTurns + (<usize>i << 2), load<i32>(bkRec(slotAt(i)) + B_WEIGHT) / g);
    }
    if (sched == SCHED_MH) buildMaglevTable(r, n);
    else buildBuckets(r, n);
  }
  store<i32>(r + S_DIRTY, 0);
}
