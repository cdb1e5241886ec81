// The revision log: every stored revision of every key as (main, sub, record), in (main, sub) order.
//
//   0      8     12       16
//   | main | sub | record |
//
// Writes append (a write's revisions come in sub order under one new main), compaction removes exactly the
// revisions it drops from the key records, so the log always lists the stored revisions: changes() binary-searches
// it for a start revision, dump() walks it, and its length is stats().revisions. Entries are 16 bytes in one
// array that doubles when full and halves (when memory allows) once a compaction leaves it under a quarter full.

import { alloc, blockBytes, free } from './allocator';

export const LOG_BYTES: usize = 16;
const MIN_CAP: u32 = 1024;

let base: usize = 0;
let len: u32 = 0;
let cap: u32 = 0;

export function logInit(): bool {
  base = alloc(<usize>MIN_CAP * LOG_BYTES);
  cap = MIN_CAP;
  len = 0;
  return base != 0;
}

// @ts-ignore: decorator
@inline export function logAt(i: u32): usize {
  return base + <usize>i * LOG_BYTES;
}

export function logLength(): u32 {
  return len;
}

function capFor(n: u32): u32 {
  let c = cap;
  while (n > c) c <<= 1;
  return c;
}

/** Whether `extra` more entries fit without growing the log. */
export function logHasRoom(extra: u32): bool {
  return len + extra <= cap;
}

/** Bytes that room for `extra` more entries would allocate (0 when they fit). */
export function logGrowBytes(extra: u32): usize {
  const c = capFor(len + extra);
  return c == cap ? 0 : blockBytes(<usize>c * LOG_BYTES);
}

function moveTo(c: u32): bool {
  const fresh = alloc(<usize>c * LOG_BYTES);
  if (fresh == 0) return false;
  memory.copy(fresh, base, <usize>len * LOG_BYTES);
  free(base, <usize>cap * LOG_BYTES);
  base = fresh;
  cap = c;
  return true;
}

/** Makes room for `extra` more entries ahead of a write; false (log unchanged) when memory is exhausted. */
export function logReserve(extra: u32): bool {
  const c = capFor(len + extra);
  return c == cap || moveTo(c);
}

/** Appends an entry (room reserved). */
export function logAppend(main: i64, sub: u32, rec: usize): void {
  const e = logAt(len);
  store<i64>(e, main);
  store<u32>(e, sub, 8);
  store<u32>(e, <u32>rec, 12);
  len++;
}

/** Index of the first entry with main >= m (len if none). */
export function logLowerBound(m: i64): u32 {
  let lo: u32 = 0;
  let hi: u32 = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<i64>(logAt(mid)) < m) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the entry (main, sub) among the first `n` entries, which must hold it. */
export function logFind(main: i64, sub: u32, n: u32): u32 {
  let lo: u32 = 0;
  let hi: u32 = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = logAt(mid);
    const m = load<i64>(e);
    if (m < main || (m == main && load<u32>(e, 8) < sub)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Marks entry i dropped (compaction sweeps dropped entries out with logSweep). */
// @ts-ignore: decorator
@inline export function logDrop(i: u32): void {
  store<u32>(logAt(i), 0, 12);
}

/**
 * Removes the dropped entries among [from, to) (none lie before `from`), shifting the rest down, and shrinks the
 * array if it is mostly empty. One sequential pass over the log from `from`: no key record is read.
 */
export function logSweep(from: u32, to: u32): void {
  let kept = from;
  for (let i = from; i < to; i++) {
    const e = logAt(i);
    if (load<u32>(e, 12) == 0) continue;
    if (kept != i) {
      const k = logAt(kept);
      store<u64>(k, load<u64>(e));
      store<u64>(k, load<u64>(e, 8), 8);
    }
    kept++;
  }
  if (kept != to) memory.copy(logAt(kept), logAt(to), <usize>(len - to) * LOG_BYTES);
  len -= to - kept;
  if (cap > MIN_CAP && len < cap >> 2) moveTo(max(MIN_CAP, cap >> 1));
}
