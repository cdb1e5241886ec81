// compact(rev): for every key, drop the revisions below rev except the latest one at or below rev, and that one
// too if it is a tombstone. Reads at any revision >= rev see no difference; their values' memory is reused.
//
// The log lists every stored revision in (main, sub) order, so the keys with anything to drop are exactly those
// with a log entry at or below rev: the work is proportional to that prefix of the log (one surviving entry per
// key that was last written before rev, plus everything written since the previous compaction), not to the store.
//
//   pass 1: each key met in log[0, cut) (cut = first entry above rev) trims its revision array once (a mark per
//           compaction dedupes); a key left with nothing leaves the hash and the tree and joins the dead list.
//   pass 2: log[0, cut) keeps an entry only if it is now its key's first revision (the single survivor at or
//           below rev); entries of dead keys go. The tail shifts down.
//   pass 3: dead records are freed (pass 2 still read them).
// Nothing here allocates except optional shrinking, which is skipped when memory is short.

import { free } from './allocator';
import { btreeRemove } from './btree';
import { hashRemove } from './key-hash';
import {
  INLINE_REVS,
  R_SUB,
  R_VALUE,
  R_VALUE_LEN,
  REV_BYTES,
  isTombstone,
  mainOf,
  recordFree,
  resizeRevs,
  revAt,
  revCap,
  revCount,
} from './key-record';
import { compactedRev, currentRev, setCompacted } from './mvcc';
import { logAt, logCloseGap, logLowerBound } from './revision-log';
import { COMPACTED, FUTURE_REV, OK } from './status';

let mark: u32 = 0;
let dead: usize = 0;

/** Number of entries of `rec` with main <= rev. */
function countAtOrBelow(rec: usize, rev: i64): u32 {
  let lo: u32 = 0;
  let hi: u32 = revCount(rec);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (mainOf(revAt(rec, mid)) <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function trimRecord(rec: usize, rev: i64): void {
  const n = revCount(rec);
  const below = countAtOrBelow(rec, rev);
  if (below == 0) return;
  let drop = below - 1;
  if (isTombstone(revAt(rec, drop))) drop++;
  if (drop == 0) return;
  for (let i: u32 = 0; i < drop; i++) {
    const e = revAt(rec, i);
    free(<usize>load<u32>(e, R_VALUE), load<u32>(e, R_VALUE_LEN));
  }
  const left = n - drop;
  memory.copy(revAt(rec, 0), revAt(rec, drop), <usize>left * REV_BYTES);
  store<u32>(rec, left, 12);
  if (left == 0) {
    hashRemove(rec);
    btreeRemove(rec);
    store<u32>(rec, <u32>dead, 28);
    dead = rec;
    return;
  }
  const cap = revCap(rec);
  if (cap > INLINE_REVS && left <= cap >> 2) {
    let c = INLINE_REVS;
    while (c < left << 1) c <<= 1;
    resizeRevs(rec, c); // keeps the larger array if memory is short
  }
}

export function compact(rev: i64): i32 {
  if (rev <= compactedRev()) return COMPACTED;
  if (rev > currentRev()) return FUTURE_REV;
  mark++;
  if (mark == 0) mark = 1;
  dead = 0;
  const cut = logLowerBound(rev + 1);
  for (let i: u32 = 0; i < cut; i++) {
    const rec = <usize>load<u32>(logAt(i), 12);
    if (load<u32>(rec, 20) == mark) continue;
    store<u32>(rec, mark, 20);
    trimRecord(rec, rev);
  }
  let kept: u32 = 0;
  for (let i: u32 = 0; i < cut; i++) {
    const le = logAt(i);
    const rec = <usize>load<u32>(le, 12);
    if (revCount(rec) == 0) continue;
    const first = revAt(rec, 0);
    if (mainOf(first) != load<i64>(le) || load<u32>(first, R_SUB) != load<u32>(le, 8)) continue;
    if (kept != i) {
      const to = logAt(kept);
      store<u64>(to, load<u64>(le));
      store<u64>(to, load<u64>(le, 8), 8);
    }
    kept++;
  }
  logCloseGap(kept, cut);
  while (dead != 0) {
    const next = <usize>load<u32>(dead, 28);
    recordFree(dead);
    dead = next;
  }
  setCompacted(rev);
  return OK;
}
