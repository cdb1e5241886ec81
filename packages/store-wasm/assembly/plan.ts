// Write planning: how a write stays atomic when memory runs out.
//
// Before a write changes anything, each of its operations is planned: every allocation it can make in the worst
// case is declared to the allocator as demand for its size class (value copies, new key records, revision-array
// doublings, tree splits), and the log entries, new keys and result bytes it can produce are counted. planCommit()
// then grows the hash table, the log and the out region ahead of time and has the allocator cover the demand from
// free blocks and headroom. If any of that fails the write fails with NO_SPACE and nothing has changed; if it
// succeeds, no allocation inside the write can fail.
//
// Bounds are deliberately loose where exactness would cost a second pass: a deleteRange counts every key record in
// its range (live or not), and keys a txn creates are assumed to fall into every later range of that txn.

import { demand, demandMet, demandReset } from './allocator';
import { btreeInsertDemand } from './btree';
import { hashKey } from './bytes';
import { KV_BYTES, ensureOut } from './io';
import { hashFind, hashReserve } from './key-hash';
import { R_VALUE_LEN, REV_BYTES, latestRev, recordBytes, revCap, revCount } from './key-record';
import { scanNext, scanStart } from './key-scan';
import { logReserve } from './revision-log';
import { NO_SPACE, OK } from './status';

let entries: u32 = 0;
let newKeys: u32 = 0;
let outBytes: u64 = 0;
let epoch: u32 = 0;

export function planBegin(): void {
  demandReset();
  entries = 0;
  newKeys = 0;
  outBytes = 0;
  epoch++;
  if (epoch == 0) epoch = 1;
}

/** One more revision for existing record `rec`: counts the doublings its revision array may need. */
function planRevision(rec: usize): void {
  let n: u32 = load<u32>(rec, 24) == epoch ? load<u32>(rec, 28) : 0;
  n++;
  store<u32>(rec, epoch, 24);
  store<u32>(rec, n, 28);
  const total = revCount(rec) + n;
  let c = revCap(rec);
  while (total > c) {
    c <<= 1;
    demand(<usize>c * REV_BYTES);
  }
  entries++;
}

/** Plans a put to the key whose record is `rec` (0: a new key). */
export function planPutTo(rec: usize, klen: u32, vlen: u32, ignoreValue: bool): void {
  if (rec == 0) {
    newKeys++;
    entries++;
    demand(recordBytes(klen));
    demand(<usize>4 * REV_BYTES); // room past the inline revisions, should one write touch the key thrice
    btreeInsertDemand(klen);
    demand(vlen);
    return;
  }
  planRevision(rec);
  if (ignoreValue) {
    const prev = latestRev(rec);
    demand(prev == 0 ? 0 : load<u32>(prev, R_VALUE_LEN));
  } else {
    demand(vlen);
  }
}

export function planPut(k: usize, klen: u32, vlen: u32, ignoreValue: bool): void {
  planPutTo(hashFind(k, klen, hashKey(k, klen)), klen, vlen, ignoreValue);
}

/** Plans a deleteRange of [k, e) (elen 0: the key k alone). */
export function planDelete(k: usize, klen: u32, e: usize, elen: u32, prevKv: bool): void {
  let n: u32 = 0;
  if (elen == 0) {
    const rec = hashFind(k, klen, hashKey(k, klen));
    if (rec != 0) {
      planRevision(rec);
      n = 1;
    }
  } else {
    scanStart(k, klen, e, elen);
    let rec = scanNext();
    while (rec != 0) {
      planRevision(rec);
      n++;
      rec = scanNext();
    }
  }
  entries += newKeys;
  n += newKeys;
  if (prevKv) outBytes = max(outBytes, <u64>n * KV_BYTES);
}

/** Plans a range read inside a txn (its result records must fit in out without growing mid-write). */
export function planRange(k: usize, klen: u32, e: usize, elen: u32): void {
  let n: u32 = 1;
  if (elen != 0) {
    n = 0;
    scanStart(k, klen, e, elen);
    while (scanNext() != 0) n++;
  }
  n += newKeys;
  outBytes = max(outBytes, <u64>n * KV_BYTES);
}

/** Grows what the planned write needs; NO_SPACE (nothing changed) when memory cannot provide it. */
export function planCommit(): i32 {
  if (!hashReserve(newKeys) || !logReserve(entries)) return NO_SPACE;
  if (!ensureOut(<usize>min(outBytes, 0xffffffff), 0)) return NO_SPACE;
  return demandMet() ? OK : NO_SPACE;
}
