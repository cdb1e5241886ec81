// compact(rev): for every key, drop the revisions below rev except the latest one at or below rev, and that one
// too if it is a tombstone. Reads at any revision >= rev see no difference; their values' memory is reused.
//
// Only keys written since the previous compaction (p) can have anything to drop: compact(p) left every other key
// with one revision at or below p, not a tombstone, and that one is still its latest at or below rev. Those keys
// are exactly the ones with a log entry in (p, rev], so the work is proportional to the changes since p, not to
// the store, which is what the API server's periodic compactions need.
//
//   pass 1: each key met in log(p, rev] trims its revision array once (a mark per compaction dedupes); every
//           revision it drops has its log entry found by binary search (the log is in (main, sub) order) and
//           marked dropped; a key left with nothing leaves the hash and the tree and joins the dead list.
//   pass 2: one sequential sweep of the log from the first dropped entry removes the dropped ones.
//   pass 3: dead records are freed.
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
import { logAt, logDrop, logFind, logLowerBound, logSweep } from './revision-log';
import { COMPACTED, FUTURE_REV, OK } from './status';

let mark: u32 = 0;
let dead: usize = 0;
/** Entries [0, cut) of the log are the revisions at or below the compaction revision. */
let cut: u32 = 0;
/** The lowest log index dropped by this compaction (cut if none). */
let firstDropped: u32 = 0;

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
    const at = logFind(mainOf(e), load<u32>(e, R_SUB), cut);
    logDrop(at);
    if (at < firstDropped) firstDropped = at;
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
  const from = logLowerBound(compactedRev() + 1);
  cut = logLowerBound(rev + 1);
  firstDropped = cut;
  for (let i = from; i < cut; i++) {
    const rec = <usize>load<u32>(logAt(i), 12);
    // 0: an entry this pass already dropped (its key was trimmed at an earlier entry).
    if (rec == 0 || load<u32>(rec, 20) == mark) continue;
    store<u32>(rec, mark, 20);
    trimRecord(rec, rev);
  }
  logSweep(firstDropped, cut);
  while (dead != 0) {
    const next = <usize>load<u32>(dead, 28);
    recordFree(dead);
    dead = next;
  }
  setCompacted(rev);
  return OK;
}
