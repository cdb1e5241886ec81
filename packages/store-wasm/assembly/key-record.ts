// The key record: etcd's keyIndex for one key, plus the key's bytes. One record per key that has any stored
// revision; compaction frees it when the last one goes.
//
//   0        4      8      12         16       20     24          28        32                      inline
//   | keyLen | hash | revs | revCount | revCap | mark | planEpoch | planned | key bytes | 8 slack | | 2 revisions |
//
// `revs` holds the key's stored revisions ordered by (main, sub), 48 bytes each:
//
//   0      8     12      16          24        32      40         44         48
//   | main | sub | flags | createRev | version | lease | valuePtr | valueLen |
//
// Up to INLINE_REVS revisions live inside the record block itself (at `inline`, the first 16-byte boundary after
// the key's slack), so a lookup reads the key and the latest revision from one block: one cache miss, not two.
// More revisions move to a block of their own (capacity doubling); compaction moves them back when they fit.
//
// flags bit 0 marks a tombstone (version, createRev and lease are then 0 and there is no value). etcd's
// generations are the runs between tombstones; each entry carries its generation's createRev and its version, so
// the flat list answers everything etcd's generation list does. Worked example (as etcd's key_index.go):
//
//   put(foo)@2, put(foo)@4, delete(foo)@6, put(foo)@8.0, put(foo)@8.1 (same txn, two subs), delete(foo)@9
//   revs: [2.0 v1 c2] [4.0 v2 c2] [6.0 tomb] [8.0 v1 c8] [8.1 v2 c8] [9.0 tomb]
//   generations: {c2: 2.0 4.0 | 6.0}  {c8: 8.0 8.1 | 9.0}  {empty}
//   read at 5 -> 4.0 (v2); at 7 -> 6.0, a tombstone: absent; at 8 -> 8.1 (the last sub of main 8).
//   compact(7): the latest at or below 7 is 6.0, a tombstone: it goes too -> [8.0] [8.1] [9.0]
//   compact(9): the latest at or below 9 is 9.0, a tombstone -> [] and the record is freed.
//
// mark / planEpoch / planned are scratch fields of compaction and of write planning (see those files).

import { alloc, free } from './allocator';

export const KEY_OFF: usize = 32;
export const REV_BYTES: usize = 48;
export const INLINE_REVS: u32 = 2;
export const KEY_SLACK: usize = 8;

export const R_MAIN: usize = 0;
export const R_SUB: usize = 8;
export const R_FLAGS: usize = 12;
export const R_CREATE: usize = 16;
export const R_VERSION: usize = 24;
export const R_LEASE: usize = 32;
export const R_VALUE: usize = 40;
export const R_VALUE_LEN: usize = 44;
export const TOMBSTONE: u32 = 1;

// @ts-ignore: decorator
@inline export function keyLen(rec: usize): u32 {
  return load<u32>(rec);
}
// @ts-ignore: decorator
@inline export function keyPtr(rec: usize): usize {
  return rec + KEY_OFF;
}
// @ts-ignore: decorator
@inline export function keyHash(rec: usize): u32 {
  return load<u32>(rec, 4);
}
// @ts-ignore: decorator
@inline export function revCount(rec: usize): u32 {
  return load<u32>(rec, 12);
}
// @ts-ignore: decorator
@inline export function revCap(rec: usize): u32 {
  return load<u32>(rec, 16);
}
// @ts-ignore: decorator
@inline export function revAt(rec: usize, i: u32): usize {
  return <usize>load<u32>(rec, 8) + <usize>i * REV_BYTES;
}
// @ts-ignore: decorator
@inline export function isTombstone(e: usize): bool {
  return (load<u32>(e, R_FLAGS) & TOMBSTONE) != 0;
}
// @ts-ignore: decorator
@inline export function mainOf(e: usize): i64 {
  return load<i64>(e, R_MAIN);
}

/** Bytes of a block holding a key of `len` bytes laid out as in a record (records, separator copies). */
// @ts-ignore: decorator
@inline export function keyBlockBytes(len: u32): usize {
  return KEY_OFF + <usize>len + KEY_SLACK;
}

/** Offset of the inline revisions in the record of a key of `len` bytes. */
// @ts-ignore: decorator
@inline function inlineOff(len: u32): usize {
  return (keyBlockBytes(len) + 15) & ~15;
}

/** Block size of a record for a key of `len` bytes. */
// @ts-ignore: decorator
@inline export function recordBytes(len: u32): usize {
  return inlineOff(len) + <usize>INLINE_REVS * REV_BYTES;
}

/** A new record with room for INLINE_REVS revisions; 0 when memory is exhausted (callers reserve first). */
export function recordCreate(k: usize, klen: u32, hash: u32): usize {
  const rec = alloc(recordBytes(klen));
  if (rec == 0) return 0;
  store<u32>(rec, klen);
  store<u32>(rec, hash, 4);
  store<u32>(rec, <u32>(rec + inlineOff(klen)), 8);
  store<u32>(rec, 0, 12);
  store<u32>(rec, INLINE_REVS, 16);
  store<u64>(rec, 0, 20); // mark, planEpoch
  store<u32>(rec, 0, 28);
  memory.copy(rec + KEY_OFF, k, klen);
  store<u64>(rec + KEY_OFF + klen, 0);
  return rec;
}

/** Frees a record whose revisions (and their values) have all been released. */
export function recordFree(rec: usize): void {
  const len = keyLen(rec);
  const revs = <usize>load<u32>(rec, 8);
  if (revs != rec + inlineOff(len)) free(revs, <usize>revCap(rec) * REV_BYTES);
  free(rec, recordBytes(len));
}

/** Room for one more revision; false only when memory is exhausted (callers reserve first). */
export function ensureRevRoom(rec: usize): bool {
  const n = revCount(rec);
  const cap = revCap(rec);
  if (n < cap) return true;
  return resizeRevs(rec, cap << 1);
}

/**
 * Moves the revisions to an array of `cap` entries (count <= cap; cap <= INLINE_REVS means the inline area);
 * false, with nothing changed, when memory is exhausted.
 */
export function resizeRevs(rec: usize, cap: u32): bool {
  const inline = rec + inlineOff(keyLen(rec));
  const old = <usize>load<u32>(rec, 8);
  let fresh = inline;
  if (cap <= INLINE_REVS) cap = INLINE_REVS;
  else fresh = alloc(<usize>cap * REV_BYTES);
  if (fresh == 0 || fresh == old) return fresh != 0;
  memory.copy(fresh, old, <usize>revCount(rec) * REV_BYTES);
  if (old != inline) free(old, <usize>revCap(rec) * REV_BYTES);
  store<u32>(rec, <u32>fresh, 8);
  store<u32>(rec, cap, 16);
  return true;
}

/** Appends an entry (room must exist) and returns it for the caller to fill. */
export function appendRev(rec: usize, main: i64, sub: u32): usize {
  const n = revCount(rec);
  const e = revAt(rec, n);
  store<u32>(rec, n + 1, 12);
  store<i64>(e, main, R_MAIN);
  store<u32>(e, sub, R_SUB);
  return e;
}

/** The latest entry, or 0 when the record holds none. */
// @ts-ignore: decorator
@inline export function latestRev(rec: usize): usize {
  const n = revCount(rec);
  return n == 0 ? 0 : revAt(rec, n - 1);
}

/** The latest entry with main <= at, or 0. A tombstone result means the key is absent at `at`. */
export function revAtOrBelow(rec: usize, at: i64): usize {
  const n = revCount(rec);
  if (n == 0) return 0;
  const last = revAt(rec, n - 1);
  if (mainOf(last) <= at) return last;
  let lo: u32 = 0;
  let hi: u32 = n - 1; // entries [hi, n) are known > at
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (mainOf(revAt(rec, mid)) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo == 0 ? 0 : revAt(rec, lo - 1);
}

/** The live entry at `at` (not a tombstone), or 0 when the key is absent then. */
// @ts-ignore: decorator
@inline export function liveAt(rec: usize, at: i64): usize {
  const e = revAtOrBelow(rec, at);
  return e != 0 && !isTombstone(e) ? e : 0;
}

/** Index of the entry (main, sub), or -1. */
export function findRev(rec: usize, main: i64, sub: u32): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>revCount(rec) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = revAt(rec, mid);
    const m = mainOf(e);
    const s = load<u32>(e, R_SUB);
    if (m == main && s == sub) return mid;
    if (m < main || (m == main && s < sub)) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
