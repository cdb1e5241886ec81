// Revisions and the write path: the store's current and compacted revisions, the open write, and applying one put
// or one key's delete inside it.
//
// A write (a put, a deleteRange, a txn) opens with writeBegin(): every change it makes takes main = begin + 1 and
// the next sub (0, 1, 2...); writeEnd() moves the current revision to begin + 1 if anything changed. Reads inside
// the write use viewRevision(): begin until the first change, begin + 1 after it, which is exactly the state the
// write has built so far, because its entries are already in the key records.
//
// apply* functions never fail: callers have reserved memory for them (plan.ts).

import { alloc, setApplying } from './allocator';
import { btreeInsert } from './btree';
import { hashInsert } from './key-hash';
import {
  R_CREATE,
  R_FLAGS,
  R_LEASE,
  R_VALUE,
  R_VALUE_LEN,
  R_VERSION,
  TOMBSTONE,
  appendRev,
  ensureRevRoom,
  isTombstone,
  latestRev,
  recordCreate,
} from './key-record';
import { KV_BYTES, ensureOut, ioKv, outPtr, setB, writeKv } from './io';
import { logAppend } from './revision-log';
import { COMPACTED, FUTURE_REV, F_IGNORE_LEASE, F_IGNORE_VALUE, F_PREV_KV } from './status';

let cur: i64 = 1;
let compacted: i64 = 0;
let begin: i64 = 0;
let subs: u32 = 0;
let live: u32 = 0;

/** The state of an empty store: revision 1, never compacted, no write open. */
export function mvccInit(): void {
  cur = 1;
  compacted = 0;
  begin = 0;
  subs = 0;
  live = 0;
}

export function currentRev(): i64 {
  return cur;
}
export function compactedRev(): i64 {
  return compacted;
}
export function setRevisions(current: i64, compact: i64): void {
  cur = current;
  compacted = compact;
}
export function setCompacted(rev: i64): void {
  compacted = rev;
}
export function liveKeys(): u32 {
  return live;
}
export function adjustLive(delta: i32): void {
  live = <u32>(<i32>live + delta);
}

/**
 * The revision a read at `at` is served from, or a status: at > current -> FUTURE_REV; at <= 0 reads the current
 * revision; a resolved revision below the compacted one -> COMPACTED (the compacted revision itself is readable).
 */
export function resolveRead(at: i64): i64 {
  if (at > cur) return FUTURE_REV;
  const r = at <= 0 ? cur : at;
  return r < compacted ? COMPACTED : r;
}

export function writeBegin(): void {
  begin = cur;
  subs = 0;
}

export function viewRevision(): i64 {
  return subs > 0 ? begin + 1 : begin;
}

/** Closes the write; returns the store's revision after it. */
export function writeEnd(): i64 {
  setApplying(false);
  if (subs > 0) cur = begin + 1;
  return cur;
}

/**
 * Applies a put of key k (record `rec`, 0 if the key has none yet) whose value the caller already wrote into its
 * own block v (0 for an empty value, or with F_IGNORE_VALUE, where the previous value is copied). With F_PREV_KV,
 * io.b tells whether the key existed and io's kv record holds it. Returns the record.
 */
export function applyPut(rec: usize, h: u32, k: usize, klen: u32, v: usize, vlen: u32, lease: f64, flags: u32): usize {
  const main = begin + 1;
  const sub = subs++;
  if (rec == 0) {
    rec = recordCreate(k, klen, h);
    hashInsert(rec);
    btreeInsert(rec);
  }
  const prev = latestRev(rec);
  const existed = prev != 0 && !isTombstone(prev);
  let create = main;
  let version: i64 = 1;
  let keepLease: f64 = 0;
  let src = v;
  let len = vlen;
  if (existed) {
    create = load<i64>(prev, R_CREATE);
    version = load<i64>(prev, R_VERSION) + 1;
    keepLease = load<f64>(prev, R_LEASE);
    if (flags & F_IGNORE_VALUE) {
      src = <usize>load<u32>(prev, R_VALUE);
      len = load<u32>(prev, R_VALUE_LEN);
    }
  } else if (flags & F_IGNORE_VALUE) {
    len = 0; // only reachable through a request validation forbids (see the engine contract)
  }
  if (flags & F_PREV_KV) {
    setB(existed ? 1 : 0);
    if (existed) writeKv(ioKv(), rec, prev, false);
  }
  let vp = v;
  if (src != v && len != 0) {
    vp = alloc(len);
    memory.copy(vp, src, len);
  }
  ensureRevRoom(rec);
  const e = appendRev(rec, main, sub);
  store<u32>(e, 0, R_FLAGS);
  store<i64>(e, create, R_CREATE);
  store<i64>(e, version, R_VERSION);
  store<f64>(e, flags & F_IGNORE_LEASE ? keepLease : lease, R_LEASE);
  store<u32>(e, <u32>vp, R_VALUE);
  store<u32>(e, len, R_VALUE_LEN);
  logAppend(main, sub, rec);
  if (!existed) live++;
  return rec;
}

/**
 * Deletes key record `rec` if it is live in the write's view; with prevKv, writes its kv record at out[slot].
 * Returns whether it deleted.
 */
export function applyDelete(rec: usize, prevKv: bool, slot: u32): bool {
  const prev = latestRev(rec);
  if (prev == 0 || isTombstone(prev)) return false;
  if (prevKv) {
    ensureOut((<usize>slot + 1) * KV_BYTES, <usize>slot * KV_BYTES);
    writeKv(outPtr() + <usize>slot * KV_BYTES, rec, prev, false);
  }
  const main = begin + 1;
  const sub = subs++;
  ensureRevRoom(rec);
  const e = appendRev(rec, main, sub);
  store<u32>(e, TOMBSTONE, R_FLAGS);
  store<i64>(e, 0, R_CREATE);
  store<i64>(e, 0, R_VERSION);
  store<f64>(e, 0, R_LEASE);
  store<u64>(e, 0, R_VALUE);
  logAppend(main, sub, rec);
  live--;
  return true;
}

