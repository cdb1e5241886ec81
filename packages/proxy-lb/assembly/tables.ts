// Rebuilds what a service's schedulers precompute: the available set, wrr's max weight and gcd, and the hash
// tables of sh/dh (IPVS-style buckets) and mh (Maglev). Builds run lazily, on the first pick after a change, so
// applying many backend changes costs one build.
import { allocZeroed, gcd } from './memory-block';
import {
  available, B_ID1, B_ID2, B_WEIGHT, bkRec, S_AVAIL, S_DIRTY, S_MEMBER_COUNT, S_MEMBERS, S_SCHED, S_TABLE,
  S_TABLE_CAP, S_TABLE_LEN, S_TABLE_SIZE, S_WRR_GCD, S_WRR_MAX, svcRec,
} from './registry';
import { SCHED_DH, SCHED_MH, SCHED_SH } from './status';

const MIN_BUCKETS: i32 = 256;
const MAX_BUCKETS: i32 = 65536;

// Scratch for builds: available slots, their turns, and Maglev's next position and skip per backend.
let tmpCap: i32 = 0;
let tmpSlots: usize = 0;
let tmpTurns: usize = 0;
let tmpPos: usize = 0;
let tmpSkip: usize = 0;

let takenCap: i32 = 0;
let takenBits: usize = 0;
/** The eight slots of one batch of Maglev probes. */
const probeSlots: usize = memory.data(32);

function ensureTaken(words: i32): void {
  if (words <= takenCap) return;
  if (takenCap > 0) heap.free(takenBits);
  takenBits = heap.alloc(<usize>words << 2);
  takenCap = words;
}

function ensureTmp(n: i32): void {
  if (n <= tmpCap) return;
  if (tmpCap > 0) {
    heap.free(tmpSlots);
    heap.free(tmpTurns);
    heap.free(tmpPos);
    heap.free(tmpSkip);
  }
  let cap = tmpCap > 0 ? tmpCap : 64;
  while (cap < n) cap <<= 1;
  tmpCap = cap;
  tmpSlots = allocZeroed(<usize>cap << 2);
  tmpTurns = allocZeroed(<usize>cap << 2);
  tmpPos = allocZeroed(<usize>cap << 2);
  tmpSkip = allocZeroed(<usize>cap << 2);
}

// @ts-ignore: decorator
@inline function slotAt(i: i32): i32 {
  return load<i32>(tmpSlots + (<usize>i << 2));
}

/** Identity order (hash 1, hash 2, slot): every node builds the same table whatever order it learned backends in. */
function identityLess(a: i32, b: i32): bool {
  const ra = bkRec(a);
  const rb = bkRec(b);
  const a1 = load<u32>(ra + B_ID1);
  const b1 = load<u32>(rb + B_ID1);
  if (a1 != b1) return a1 < b1;
  const a2 = load<u32>(ra + B_ID2);
  const b2 = load<u32>(rb + B_ID2);
  if (a2 != b2) return a2 < b2;
  return a < b;
}

function siftDown(start: i32, end: i32): void {
  let root = start;
  while (true) {
    let child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && identityLess(slotAt(child), slotAt(child + 1))) child++;
    if (!identityLess(slotAt(root), slotAt(child))) return;
    const t = slotAt(root);
    store<i32>(tmpSlots + (<usize>root << 2), slotAt(child));
    store<i32>(tmpSlots + (<usize>child << 2), t);
    root = child;
  }
}

function sortByIdentity(n: i32): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(i, n);
  for (let end = n - 1; end > 0; end--) {
    const t = slotAt(0);
    store<i32>(tmpSlots, slotAt(end));
    store<i32>(tmpSlots + (<usize>end << 2), t);
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

/**
 * Maglev (Eisenbud et al., NSDI 2016, section 3.4). Backend i walks its own permutation of the M slots,
 * offset(i) = id1 mod M, skip(i) = id2 mod (M - 1) + 1 (M prime, so every skip visits every slot), and in
 * each round takes its next free slot once per unit of weight, until all M slots are taken. Equal weights give
 * every backend floor(M/N) or ceil(M/N) slots; a backend leaving frees only its own slots plus a little churn.
 *
 * Worked example, M = 7, backends A (offset 3, skip 4) then B (offset 0, skip 2) in identity order:
 *   A's permutation 3 0 4 1 5 2 6, B's 0 2 4 6 1 3 5.
 *   Round 1: A takes 3, B takes 0. Round 2: A's 0 is taken, so 4; B takes 2. Round 3: A takes 1; B's 4 is
 *   taken, 6. Round 4: A takes 5. Table: B A B A A A B.
 *
 * The walk to a backend's next free slot is the whole cost (about M ln M probes). Each probe's position does
 * not depend on the previous probe's result, so probes go eight at a time, branch-free, into a mask whose
 * lowest clear bit is the stop: far fewer mispredicted branches than probing one slot per loop turn.
 */
function buildMaglev(r: usize, n: i32): void {
  const m = load<i32>(r + S_TABLE_SIZE);
  scaleTurns(n, <u64>m);
  const table = ensureTable(r, m);
  // Probes test a bitmap of taken slots (8 KiB for M = 65537, so it stays in L1) rather than the table itself.
  const words = (m + 31) >> 5;
  ensureTaken(words);
  memory.fill(takenBits, 0, <usize>words << 2);
  for (let i = 0; i < n; i++) {
    const br = bkRec(slotAt(i));
    store<u32>(tmpPos + (<usize>i << 2), load<u32>(br + B_ID1) % <u32>m);
    store<u32>(tmpSkip + (<usize>i << 2), load<u32>(br + B_ID2) % <u32>(m - 1) + 1);
  }
  const um = <u32>m;
  let filled = 0;
  while (true) {
    for (let i = 0; i < n; i++) {
      const slot = slotAt(i);
      const turns = load<i32>(tmpTurns + (<usize>i << 2));
      const skip = load<u32>(tmpSkip + (<usize>i << 2));
      let c = load<u32>(tmpPos + (<usize>i << 2));
      for (let t = 0; t < turns; t++) {
        // Early in the build the first probe is usually free: test it alone before probing eight at once.
        while ((load<u32>(takenBits + (<usize>(c >> 5) << 2)) & (1 << (c & 31))) != 0) {
          c = step(c, skip, um);
          let cc = c;
          let mask: u32 = 0;
          mask |= probe(cc, 0);
          cc = step(cc, skip, um);
          mask |= probe(cc, 1);
          cc = step(cc, skip, um);
          mask |= probe(cc, 2);
          cc = step(cc, skip, um);
          mask |= probe(cc, 3);
          cc = step(cc, skip, um);
          mask |= probe(cc, 4);
          cc = step(cc, skip, um);
          mask |= probe(cc, 5);
          cc = step(cc, skip, um);
          mask |= probe(cc, 6);
          cc = step(cc, skip, um);
          mask |= probe(cc, 7);
          if (mask != 0xff) {
            c = load<u32>(probeSlots + (<usize>ctz(~mask) << 2));
            break;
          }
          c = cc;
        }
        const word = takenBits + (<usize>(c >> 5) << 2);
        store<u32>(word, load<u32>(word) | (1 << (c & 31)));
        store<i32>(table + (<usize>c << 2), slot);
        c = step(c, skip, um);
        if (++filled == m) return;
      }
      store<u32>(tmpPos + (<usize>i << 2), c);
    }
  }
}

// @ts-ignore: decorator
@inline function step(c: u32, skip: u32, m: u32): u32 {
  const n = c + skip;
  return n >= m ? n - m : n;
}

/** Remembers probe k's slot and returns its taken bit, shifted to bit k. */
// @ts-ignore: decorator
@inline function probe(c: u32, k: i32): u32 {
  store<u32>(probeSlots + (<usize>k << 2), c);
  return ((load<u32>(takenBits + (<usize>(c >> 5) << 2)) >> (c & 31)) & 1) << k;
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
    if (sched == SCHED_MH) buildMaglev(r, n);
    else buildBuckets(r, n);
  }
  store<i32>(r + S_DIRTY, 0);
}
