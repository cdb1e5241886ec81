// Reading and rebuilding history through the revision log: changes() for watchers, dump() and load() for
// snapshots.
//
// An event record in out, 104 bytes:
//   0      4         8                  56                  104
//   | type | hasPrev | kv record (48)   | prev kv record (48) |
//   type 0 = PUT, 1 = DELETE (its kv: key and modRevision, the rest zero, as etcd sends tombstones).
//
// A dump record in out, 64 bytes:
//   0      8     12          16                 64
//   | main | sub | tombstone | kv record (48)   |

import { compareKeys, equalKeys, hashKey } from './bytes';
import { hashFind, hashInsert } from './key-hash';
import { btreeInsert } from './btree';
import { KV_BYTES, ensureOut, gather, outPtr, setA, writeKv } from './io';
import {
  R_CREATE,
  R_FLAGS,
  R_LEASE,
  R_SUB,
  R_VALUE,
  R_VALUE_LEN,
  R_VERSION,
  TOMBSTONE,
  appendRev,
  ensureRevRoom,
  findRev,
  isTombstone,
  keyLen,
  keyPtr,
  latestRev,
  recordCreate,
  revAt,
} from './key-record';
import { isOpenEnd } from './key-scan';
import { compactedRev, adjustLive } from './mvcc';
import { planBegin, planCommit, planPutTo } from './plan';
import { logAppend, logAt, logLength, logLowerBound } from './revision-log';
import { alloc, setApplying } from './allocator';
import { COMPACTED, CORRUPT, NO_SPACE, OK } from './status';

export const EVENT_BYTES: usize = 104;
export const DUMP_BYTES: usize = 64;
export const CH_HAS_KEY: u32 = 1;
export const CH_PREV_KV: u32 = 2;

function inRange(rec: usize, k: usize, klen: u32, e: usize, elen: u32): bool {
  const p = keyPtr(rec);
  const n = keyLen(rec);
  if (elen == 0) return equalKeys(p, n, k, klen);
  if (compareKeys(p, n, k, klen) < 0) return false;
  return isOpenEnd(e, elen) || compareKeys(p, n, e, elen) < 0;
}

/**
 * Every change with main in [from, to], in (main, sub) order, optionally only for keys in [k, e), into out; io.a =
 * number of events. With a limit, stops once `limit` events are out and the next event starts a new main revision.
 */
export function changesRead(from: i64, to: i64, k: usize, klen: u32, e: usize, elen: u32, flags: u32, limit: u64): i32 {
  if (from < compactedRev()) return COMPACTED;
  const len = logLength();
  let i = logLowerBound(from);
  let n: u32 = 0;
  let lastMain: i64 = -1;
  while (i < len) {
    const le = logAt(i++);
    const main = load<i64>(le);
    if (main > to) break;
    const rec = <usize>load<u32>(le, 12);
    if (flags & CH_HAS_KEY && !inRange(rec, k, klen, e, elen)) continue;
    if (limit != 0 && <u64>n >= limit && main != lastMain) break;
    const idx = findRev(rec, main, load<u32>(le, 8));
    const ev = revAt(rec, idx);
    if (!ensureOut((<usize>n + 1) * EVENT_BYTES, <usize>n * EVENT_BYTES)) return NO_SPACE;
    const dst = outPtr() + <usize>n * EVENT_BYTES;
    const prev = idx > 0 ? revAt(rec, idx - 1) : 0;
    const hasPrev = flags & CH_PREV_KV && prev != 0 && !isTombstone(prev);
    store<u32>(dst, isTombstone(ev) ? 1 : 0);
    store<u32>(dst, hasPrev ? 1 : 0, 4);
    writeKv(dst + 8, rec, ev, false);
    if (hasPrev) writeKv(dst + 8 + KV_BYTES, rec, prev, false);
    else {
      store<u64>(dst + 8 + KV_BYTES, 0, 32);
      store<u64>(dst + 8 + KV_BYTES, 0, 40);
    }
    n++;
    lastMain = main;
  }
  gather(n, EVENT_BYTES, 8, 8 + <i32>KV_BYTES, true);
  setA(<f64>n);
  return OK;
}

/** Dump records for log entries [start, start + max) into out; returns how many. */
export function dumpRead(start: u32, max: u32): i32 {
  const len = logLength();
  if (start >= len) return 0;
  const n = min(max, len - start);
  if (!ensureOut(<usize>n * DUMP_BYTES, 0)) return NO_SPACE;
  for (let j: u32 = 0; j < n; j++) {
    const le = logAt(start + j);
    const rec = <usize>load<u32>(le, 12);
    const e = revAt(rec, findRev(rec, load<i64>(le), load<u32>(le, 8)));
    const dst = outPtr() + <usize>j * DUMP_BYTES;
    store<f64>(dst, <f64>load<i64>(le));
    store<u32>(dst, load<u32>(e, R_SUB), 8);
    store<u32>(dst, isTombstone(e) ? 1 : 0, 12);
    writeKv(dst + 16, rec, e, false);
  }
  gather(n, DUMP_BYTES, 16, -1, true);
  return <i32>n;
}

let lastMain: i64 = 0;
let lastSub: u32 = 0;

/** Forgets the last loaded record (a reset engine accepts a new dump). */
export function historyInit(): void {
  lastMain = 0;
  lastSub = 0;
}

/**
 * Appends one dump record (key at k, value at v). Records must come in strictly increasing (main, sub) order with
 * main >= 1, else CORRUPT; NO_SPACE leaves the engine as it was before this record.
 */
export function loadRecord(k: usize, klen: u32, v: usize, vlen: u32, main: i64, sub: u32, create: i64, version: i64, lease: f64, tomb: bool): i32 {
  if (main < 1 || main < lastMain || (main == lastMain && sub <= lastSub && logLength() > 0)) return CORRUPT;
  const h = hashKey(k, klen);
  let rec = hashFind(k, klen, h);
  planBegin();
  planPutTo(rec, klen, tomb ? 0 : vlen, false);
  const st = planCommit();
  if (st != OK) return st;
  lastMain = main;
  lastSub = sub;
  if (rec == 0) {
    rec = recordCreate(k, klen, h);
    hashInsert(rec);
    btreeInsert(rec);
  }
  const prev = latestRev(rec);
  const wasLive = prev != 0 && !isTombstone(prev);
  ensureRevRoom(rec);
  const e = appendRev(rec, main, sub);
  let vp: usize = 0;
  if (!tomb && vlen != 0) {
    vp = alloc(vlen);
    memory.copy(vp, v, vlen);
  }
  store<u32>(e, tomb ? TOMBSTONE : 0, R_FLAGS);
  store<i64>(e, tomb ? 0 : create, R_CREATE);
  store<i64>(e, tomb ? 0 : version, R_VERSION);
  store<f64>(e, tomb ? 0 : lease, R_LEASE);
  store<u32>(e, <u32>vp, R_VALUE);
  store<u32>(e, tomb ? 0 : vlen, R_VALUE_LEN);
  logAppend(main, sub, rec);
  adjustLive((tomb ? 0 : 1) - (wasLive ? 1 : 0));
  setApplying(false);
  return OK;
}
