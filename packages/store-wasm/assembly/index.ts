// The module's exports: the ABI src/wasm.ts drives. Requests arrive as bytes in scratch (| key | rangeEnd | value |,
// lengths as arguments) and numbers as f64; results come back as a revision (f64) or a status (negative, status.ts),
// with records in io or out (io.ts). Nothing here allocates per call beyond what a write stores.

import { alloc, allocFits, allocatorInit, heapLimitBytes, heapLiveBytes, heapMaxBytes, lastNeed, setApplying } from './allocator';
import { btreeInit } from './btree';
import { hashKey } from './bytes';
import { compact as compactTo } from './compaction';
import { changesRead, dumpRead as dumpReadAt, historyInit, loadRecord as loadOne } from './history';
import { KV_BYTES, ensureScratch, gather, ioInit, scratchPtr, setA } from './io';
import { hashFind, hashInit } from './key-hash';
import { isTombstone, latestRev, revCap, revCount } from './key-record';
import { scanNext, scanStart } from './key-scan';
import {
  applyDelete,
  applyPut,
  compactedRev,
  currentRev,
  liveKeys,
  mvccInit,
  resolveRead,
  setRevisions,
  viewRevision as view,
  writeBegin,
  writeEnd,
} from './mvcc';
import { planBegin as planStart, planCommit as planDone, planDelete as planDel, planPut as planOne, planPutTo, planRange as planRead } from './plan';
import { compareRange, getOne, readRange } from './range';
import { logHasRoom, logInit, logLength } from './revision-log';
import { F_COUNT_ONLY, F_IGNORE_LEASE, F_IGNORE_VALUE, F_KEYS_ONLY, F_LEASE_MISSING, F_PREV_KV, KEY_NOT_FOUND, LEASE_NOT_FOUND, NO_SPACE, OK } from './status';

export { ioPtr, outPtr, scratchPtr, scratchBytes } from './io';
export { bench } from './bench';

/**
 * Sets up an empty engine in memory that may grow to `maxPages`, discarding any state it held (the memory keeps its
 * size and is reused); NO_SPACE if even an empty engine does not fit.
 */
export function init(maxPages: i32): i32 {
  allocatorInit(maxPages);
  mvccInit();
  historyInit();
  return ioInit() && hashInit() && logInit() && btreeInit() ? OK : NO_SPACE;
}

/** Room for `n` request bytes in scratch (scratchPtr() may move): 1, or 0 when memory is exhausted. */
export function reserveScratch(n: u32): i32 {
  return ensureScratch(n) ? 1 : 0;
}

export function currentRevision(): f64 {
  return <f64>currentRev();
}
export function compactRevision(): f64 {
  return <f64>compactedRev();
}

// @ts-ignore: decorator
@inline function rev(x: f64): i64 {
  return <i64>x;
}

// A put outside any txn is two calls, so that its value is copied once, by JS, straight into the block that keeps
// it: putPrepare (key in scratch) checks, plans and allocates that block and returns its address (0 when the put
// stores no new bytes) or a status; JS writes the value there; putCommit applies the put. Nothing may run between.
let pendingRec: usize = 0;
let pendingHash: u32 = 0;
let pendingValue: usize = 0;

export function putPrepare(klen: u32, vlen: u32, flags: u32): f64 {
  const k = scratchPtr();
  const h = hashKey(k, klen);
  const rec = hashFind(k, klen, h);
  const prev = rec == 0 ? <usize>0 : latestRev(rec);
  const exists = prev != 0 && !isTombstone(prev);
  if (flags & (F_IGNORE_VALUE | F_IGNORE_LEASE) && !exists) return KEY_NOT_FOUND;
  if (flags & F_LEASE_MISSING) return LEASE_NOT_FOUND;
  const ignoreValue = (flags & F_IGNORE_VALUE) != 0;
  pendingRec = rec;
  pendingHash = h;
  // The common put, a new value for an existing key with room for its revision and log entry and a block for its
  // value at hand, needs no plan: its only allocation is checked right here.
  if (rec != 0 && !ignoreValue && revCount(rec) < revCap(rec) && logHasRoom(1) && (vlen == 0 || allocFits(vlen))) {
    pendingValue = vlen != 0 ? alloc(vlen) : 0;
    return <f64>pendingValue;
  }
  planStart();
  planPutTo(rec, klen, vlen, ignoreValue);
  if (planDone() != OK) return NO_SPACE;
  pendingValue = vlen != 0 && !ignoreValue ? alloc(vlen) : 0;
  return <f64>pendingValue;
}

/** Applies the prepared put (key still in scratch, value in its block); returns the new revision. */
export function putCommit(klen: u32, vlen: u32, lease: f64, flags: u32): f64 {
  writeBegin();
  applyPut(pendingRec, pendingHash, scratchPtr(), klen, pendingValue, vlen, lease, flags);
  return <f64>writeEnd();
}

/** A single-key read at `at` (0: current): 1 found (kv record in io), 0 absent, or a status. */
export function get(klen: u32, at: f64, flags: u32): i32 {
  const r = resolveRead(rev(at));
  if (r < 0) return <i32>r;
  return getOne(scratchPtr(), klen, r, (flags & F_KEYS_ONLY) != 0);
}

/** A range read at `at` (0: current): key then rangeEnd in scratch; io.a = count, records in out. */
export function range(klen: u32, elen: u32, at: f64, limit: f64, flags: u32): i32 {
  setApplying(false);
  const r = resolveRead(rev(at));
  if (r < 0) return <i32>r;
  const k = scratchPtr();
  return readRange(k, klen, k + klen, elen, r, <u64>limit, flags, true);
}

/** A deleteRange outside any txn; io.a = deleted, prev kv records in out. Returns the revision or a status. */
export function deleteRange(klen: u32, elen: u32, flags: u32): f64 {
  const k = scratchPtr();
  const prevKv = (flags & F_PREV_KV) != 0;
  planStart();
  planDel(k, klen, k + klen, elen, prevKv);
  if (planDone() != OK) return NO_SPACE;
  writeBegin();
  const n = deleteIn(k, klen, k + klen, elen, prevKv);
  const revision = writeEnd();
  if (prevKv) gather(n, KV_BYTES, 0, -1, true);
  setA(<f64>n);
  return <f64>revision;
}

function deleteIn(k: usize, klen: u32, e: usize, elen: u32, prevKv: bool): u32 {
  let n: u32 = 0;
  if (elen == 0) {
    const rec = hashFind(k, klen, hashKey(k, klen));
    if (rec != 0 && applyDelete(rec, prevKv, 0)) n = 1;
    return n;
  }
  scanStart(k, klen, e, elen);
  let rec = scanNext();
  while (rec != 0) {
    if (applyDelete(rec, prevKv, n)) n++;
    rec = scanNext();
  }
  return n;
}

// ---- txn: compares and checks before anything else, then a plan, then the writes under one revision ----

/** A txn guard at the current revision: key, rangeEnd, value in scratch. 1 holds, 0 fails. */
export function compare(klen: u32, elen: u32, target: u32, result: u32, num: f64, vlen: u32): i32 {
  const k = scratchPtr();
  return compareRange(k, klen, k + klen, elen, currentRev(), target, result, num, k + klen + elen, vlen) ? 1 : 0;
}

/** Whether the key in scratch exists at the current revision. */
export function exists(klen: u32): i32 {
  const k = scratchPtr();
  const rec = hashFind(k, klen, hashKey(k, klen));
  const e = rec == 0 ? <usize>0 : latestRev(rec);
  return e != 0 && !isTombstone(e) ? 1 : 0;
}

export function planBegin(): void {
  planStart();
}
export function planPut(klen: u32, vlen: u32, flags: u32): void {
  planOne(scratchPtr(), klen, vlen, (flags & F_IGNORE_VALUE) != 0);
}
export function planDelete(klen: u32, elen: u32, flags: u32): void {
  const k = scratchPtr();
  planDel(k, klen, k + klen, elen, (flags & F_PREV_KV) != 0);
}
export function planRange(klen: u32, elen: u32): void {
  const k = scratchPtr();
  planRead(k, klen, k + klen, elen);
}
export function planCommit(): i32 {
  return planDone();
}

export function txnBegin(): void {
  writeBegin();
}
export function txnEnd(): f64 {
  return <f64>writeEnd();
}
export function viewRevision(): f64 {
  return <f64>view();
}

/**
 * A put inside the open txn (planned), in two calls as outside one: txnPutPrepare (key in scratch) allocates the
 * value's block and returns its address (0: no new bytes), JS writes the value there, txnPutCommit applies the put
 * and returns the txn's write revision.
 */
export function txnPutPrepare(klen: u32, vlen: u32, flags: u32): f64 {
  const k = scratchPtr();
  pendingHash = hashKey(k, klen);
  pendingRec = hashFind(k, klen, pendingHash);
  pendingValue = vlen != 0 && (flags & F_IGNORE_VALUE) == 0 ? alloc(vlen) : 0;
  return <f64>pendingValue;
}

export function txnPutCommit(klen: u32, vlen: u32, lease: f64, flags: u32): f64 {
  applyPut(pendingRec, pendingHash, scratchPtr(), klen, pendingValue, vlen, lease, flags);
  return <f64>view();
}

/** A deleteRange inside the open txn (planned); io.a = deleted. Returns the view revision after it. */
export function txnDelete(klen: u32, elen: u32, flags: u32): f64 {
  const k = scratchPtr();
  const prevKv = (flags & F_PREV_KV) != 0;
  const n = deleteIn(k, klen, k + klen, elen, prevKv);
  if (prevKv) gather(n, KV_BYTES, 0, -1, false);
  setA(<f64>n);
  return <f64>view();
}

/** A range inside the open txn, at its view revision (planned, so out needs no growth). */
export function txnRange(klen: u32, elen: u32, limit: f64, flags: u32): i32 {
  const k = scratchPtr();
  return readRange(k, klen, k + klen, elen, view(), <u64>limit, flags & (F_KEYS_ONLY | F_COUNT_ONLY), false);
}

// ---- compaction, history, stats ----

export function compact(at: f64): i32 {
  setApplying(false);
  return compactTo(rev(at));
}

/** Changes with main in [from, to]; key filter in scratch when flags has 1; io.a = number of event records. */
export function changes(from: f64, to: f64, klen: u32, elen: u32, flags: u32, limit: f64): i32 {
  setApplying(false);
  const k = scratchPtr();
  return changesRead(rev(from), rev(to), k, klen, k + klen, elen, flags, <u64>limit);
}

export function dumpRead(start: u32, max: u32): i32 {
  setApplying(false);
  return dumpReadAt(start, max);
}

/** Appends one dump record: key then value in scratch. */
export function loadRecord(klen: u32, vlen: u32, main: f64, sub: u32, create: f64, version: f64, lease: f64, tomb: u32): i32 {
  const k = scratchPtr();
  return loadOne(k, klen, k + klen, vlen, rev(main), sub, rev(create), rev(version), lease, tomb != 0);
}

export function loadFinish(current: f64, compacted: f64): void {
  setRevisions(rev(current), rev(compacted));
}

export function statsKeys(): f64 {
  return <f64>liveKeys();
}
export function statsRevisions(): f64 {
  return <f64>logLength();
}
export function memoryInUse(): f64 {
  return <f64>heapLiveBytes();
}
export function memoryLimit(): f64 {
  return <f64>heapLimitBytes();
}
export function memoryMax(): f64 {
  return heapMaxBytes();
}
export function lastNeedBytes(): f64 {
  return <f64>lastNeed();
}
