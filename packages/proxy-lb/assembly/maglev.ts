// Maglev (Eisenbud et al., NSDI 2016, section 3.4). Backend i walks its own permutation of the M slots,
// offset(i) = id1 mod M, skip(i) = id2 mod (M - 1) + 1 (M prime, so every skip visits every slot), and in each
// round takes its next free slot once per unit of weight (its turns), until all M slots are taken. Equal weights
// give every backend floor(M/N) or ceil(M/N) slots; a backend leaving frees only its own slots plus a little churn.
//
// Worked example, M = 7, backends A (offset 3, skip 4) then B (offset 0, skip 2) in identity order:
//   A's permutation 3 0 4 1 5 2 6, B's 0 2 4 6 1 3 5.
//   Round 1: A takes 3, B takes 0. Round 2: A's 0 is taken, so 4; B takes 2. Round 3: A takes 1; B's 4 is
//   taken, 6. Round 4: A takes 5. Table: B A B A A A B.
//
// Cost: M turns and about M ln M probes. What makes it fast:
// - Probes test a byte map of taken slots that is stored twice over (2M bytes), so slot c + k*skip is
//   map[c + off(k)] with off(k) = k*skip mod M precomputed per backend: no wrap-around per probe.
// - Each probe's position does not depend on the previous probe's result, so probes go in windows of 4, 8 or
//   16, branch-free, into a mask whose lowest clear bit is the stop. The window widens as the table fills so that
//   it seldom misses entirely: a mispredicted branch costs more than a handful of probes.
// - Per-backend state sits in one record, and the turn order of a round is a precomputed list, so a turn is a
//   load of the next record and the walk.
// - The last sqrt(M) slots are found by rank (maglev-tail.ts) instead of by long walks.
import { B_ID1, B_ID2, bkRec } from './registry';
import { collectEmpties, inverseMod, tailSize, takeFirstEmpty } from './maglev-tail';

// Backend record during a build (REC_BYTES):
//   0 walk position  4 backend slot  8 inverse of skip mod M (0 until the tail needs it)
//  12 off(0) = 0, off(1) = skip, ..., off(16): k*skip mod M
const REC_BYTES: i32 = 80;
const R_POS: i32 = 0;
const R_SLOT: i32 = 4;
const R_INV: i32 = 8;
const R_OFF: i32 = 12;
const MAX_OFF: i32 = 16;

// Window width by how full the table is (share of M taken): while the next slot is nearly always free a single
// probe and a well-predicted branch win; later, wider windows keep the chance that all of them are taken low.
const SINGLE_UNTIL: f64 = 0.1;
const WINDOW4_UNTIL: f64 = 0.6;
const WINDOW8_UNTIL: f64 = 0.85;

let recCap: i32 = 0;
let recs: usize = 0;
let roundCap: i32 = 0;
let round: usize = 0;
let takenCap: i32 = 0;
let taken: usize = 0;

function grownCapacity(cap: i32, need: i32): i32 {
  let c = cap > 0 ? cap : 64;
  while (c < need) c <<= 1;
  return c;
}

function ensureScratch(n: i32, turns: i32, m: i32): void {
  if (n > recCap) {
    if (recCap > 0) heap.free(recs);
    recCap = grownCapacity(recCap, n);
    recs = heap.alloc(<usize>recCap * REC_BYTES);
  }
  if (turns > roundCap) {
    if (roundCap > 0) heap.free(round);
    roundCap = grownCapacity(roundCap, turns);
    round = heap.alloc(<usize>roundCap << 2);
  }
  if (2 * m > takenCap) {
    if (takenCap > 0) heap.free(taken);
    takenCap = 2 * m;
    taken = heap.alloc(<usize>takenCap);
  }
}

// @ts-ignore: decorator
@inline function step(c: u32, by: u32, m: u32): u32 {
  const n = c + by;
  return n >= m ? n - m : n;
}

// @ts-ignore: decorator
@inline function off(r: usize, k: u32): u32 {
  return load<u32>(r + (<usize>k << 2), R_OFF);
}

/** 1 when the slot k steps past the window base is taken. */
// @ts-ignore: decorator
@inline function takenAt(base: usize, r: usize, k: i32): u32 {
  return load<u8>(base + <usize>load<u32>(r + (<usize>k << 2), R_OFF));
}

/** Taken bits of steps first .. first+3 from the base, bit 0 for `first`. */
// @ts-ignore: decorator
@inline function window4(base: usize, r: usize, first: i32): u32 {
  let mask: u32 = takenAt(base, r, first + 3);
  mask = (mask << 1) | takenAt(base, r, first + 2);
  mask = (mask << 1) | takenAt(base, r, first + 1);
  return (mask << 1) | takenAt(base, r, first);
}

// @ts-ignore: decorator
@inline function window8(base: usize, r: usize, first: i32): u32 {
  return window4(base, r, first) | (window4(base, r, first + 4) << 4);
}

/** The first free slot from c on (c included): one probe, then windows of 8. */
// @ts-ignore: decorator
@inline function walkSingle(c: u32, r: usize, m: u32): u32 {
  if (load<u8>(taken + <usize>c) == 0) return c;
  while (true) {
    const mask = window8(taken + <usize>c, r, 1);
    if (mask != 0xff) return step(c, off(r, ctz(~mask) + 1), m);
    c = step(c, off(r, 8), m);
  }
}

// @ts-ignore: decorator
@inline function walk4(c: u32, r: usize, m: u32): u32 {
  while (true) {
    const mask = window4(taken + <usize>c, r, 0);
    if (mask != 0xf) return step(c, off(r, ctz(~mask)), m);
    c = step(c, off(r, 4), m);
  }
}

// @ts-ignore: decorator
@inline function walk8(c: u32, r: usize, m: u32): u32 {
  while (true) {
    const mask = window8(taken + <usize>c, r, 0);
    if (mask != 0xff) return step(c, off(r, ctz(~mask)), m);
    c = step(c, off(r, 8), m);
  }
}

// @ts-ignore: decorator
@inline function walk16(c: u32, r: usize, m: u32): u32 {
  while (true) {
    const base = taken + <usize>c;
    const mask = window8(base, r, 0) | (window8(base, r, 8) << 8);
    if (mask != 0xffff) return step(c, off(r, ctz(~mask)), m);
    c = step(c, off(r, MAX_OFF), m);
  }
}

/** Gives slot c to the backend of record r and moves its walk one step on. */
// @ts-ignore: decorator
@inline function take(table: usize, c: u32, r: usize, m: u32): void {
  store<u8>(taken + <usize>c, 1);
  store<u8>(taken + <usize>c + <usize>m, 1);
  store<i32>(table + (<usize>c << 2), load<i32>(r, R_SLOT));
  store<u32>(r, step(c, off(r, 1), m), R_POS);
}

/** Fills the records and the round's turn order; returns the number of turns in a round. */
function prepareRecords(m: u32, n: i32, slots: usize, turns: usize): i32 {
  let total = 0;
  for (let i = 0; i < n; i++) total += load<i32>(turns + (<usize>i << 2));
  ensureScratch(n, total, <i32>m);
  let t = 0;
  for (let i = 0; i < n; i++) {
    const r = recs + <usize>i * REC_BYTES;
    const slot = load<i32>(slots + (<usize>i << 2));
    const br = bkRec(slot);
    const skip = load<u32>(br + B_ID2) % (m - 1) + 1;
    store<u32>(r, load<u32>(br + B_ID1) % m, R_POS);
    store<i32>(r, slot, R_SLOT);
    store<i32>(r, 0, R_INV);
    let o: u32 = 0;
    for (let k = 0; k <= MAX_OFF; k++) {
      store<u32>(r + (<usize>k << 2), o, R_OFF);
      o = step(o, skip, m);
    }
    for (let j = load<i32>(turns + (<usize>i << 2)); j > 0; j--) {
      store<u32>(round + (<usize>t << 2), <u32>r);
      t++;
    }
  }
  return total;
}

/**
 * Builds the M-entry table (`table`, backend slots) for the n backends in `slots`, in identity order, each
 * taking `turns` entries per round (at least 1 each; their sum may exceed M only when all are 1).
 */
export function buildMaglev(table: usize, m: i32, n: i32, slots: usize, turns: usize): void {
  const um = <u32>m;
  const total = prepareRecords(um, n, slots, turns);
  memory.fill(taken, 0, <usize>(2 * m));
  const tail = min(tailSize(m), m);
  const walkUntil = m - tail;
  const singleUntil = min(walkUntil, <i32>(<f64>m * SINGLE_UNTIL));
  const window4Until = min(walkUntil, max(singleUntil, <i32>(<f64>m * WINDOW4_UNTIL)));
  const window8Until = min(walkUntil, max(window4Until, <i32>(<f64>m * WINDOW8_UNTIL)));
  const rd = round;
  let filled = 0;
  let t = 0;
  // One loop per window width, so the width is not a branch per turn. `t` walks the round's turn order.
  while (filled < singleUntil) {
    const r = <usize>load<u32>(rd + (<usize>t << 2));
    take(table, walkSingle(load<u32>(r, R_POS), r, um), r, um);
    filled++;
    if (++t == total) t = 0;
  }
  while (filled < window4Until) {
    const r = <usize>load<u32>(rd + (<usize>t << 2));
    take(table, walk4(load<u32>(r, R_POS), r, um), r, um);
    filled++;
    if (++t == total) t = 0;
  }
  while (filled < window8Until) {
    const r = <usize>load<u32>(rd + (<usize>t << 2));
    take(table, walk8(load<u32>(r, R_POS), r, um), r, um);
    filled++;
    if (++t == total) t = 0;
  }
  while (filled < walkUntil) {
    const r = <usize>load<u32>(rd + (<usize>t << 2));
    take(table, walk16(load<u32>(r, R_POS), r, um), r, um);
    filled++;
    if (++t == total) t = 0;
  }
  collectEmpties(taken, m, m - filled);
  while (filled < m) {
    const r = <usize>load<u32>(rd + (<usize>t << 2));
    let inv = load<i32>(r, R_INV);
    if (inv == 0) {
      inv = inverseMod(<i32>off(r, 1), m);
      store<i32>(r, inv, R_INV);
    }
    const c = takeFirstEmpty(load<i32>(r, R_POS), inv, m);
    store<i32>(table + (<usize>c << 2), load<i32>(r, R_SLOT));
    store<u32>(r, step(c, off(r, 1), um), R_POS);
    filled++;
    if (++t == total) t = 0;
  }
}
