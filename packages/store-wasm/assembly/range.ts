// Reads at a revision: single-key gets, ranges with limit/keysOnly/countOnly, and txn compares.

import { compareSafe, hashKey } from './bytes';
import { KV_BYTES, ensureOut, gather, ioKv, outPtr, setA, writeKv } from './io';
import { hashFind } from './key-hash';
import { R_CREATE, R_LEASE, R_VALUE, R_VALUE_LEN, R_VERSION, liveAt, mainOf } from './key-record';
import { scanNext, scanStart } from './key-scan';
import { F_COUNT_ONLY, F_KEYS_ONLY, NO_SPACE, OK } from './status';

/** Key k at revision `at`: 1 with its kv record in io, or 0 when absent. */
export function getOne(k: usize, klen: u32, at: i64, keysOnly: bool): i32 {
  const rec = hashFind(k, klen, hashKey(k, klen));
  if (rec == 0) return 0;
  const e = liveAt(rec, at);
  if (e == 0) return 0;
  writeKv(ioKv(), rec, e, keysOnly);
  return 1;
}

/**
 * The live keys of [k, e) at revision `at` (elen 0: the key k alone): kv records in out, at most `limit` of them
 * (0: no limit), none with F_COUNT_ONLY, their bytes gathered (out may grow for them only if `grow`); io.a = how
 * many keys the range holds regardless of limit.
 */
export function readRange(k: usize, klen: u32, e: usize, elen: u32, at: i64, limit: u64, flags: u32, grow: bool): i32 {
  const keysOnly = (flags & F_KEYS_ONLY) != 0;
  const countOnly = (flags & F_COUNT_ONLY) != 0;
  if (elen == 0) {
    const rec = hashFind(k, klen, hashKey(k, klen));
    const entry = rec == 0 ? <usize>0 : liveAt(rec, at);
    const n: u32 = entry != 0 && !countOnly ? 1 : 0;
    if (n != 0) writeKv(outPtr(), rec, entry, keysOnly);
    gather(n, KV_BYTES, 0, -1, grow);
    setA(entry != 0 ? 1 : 0);
    return OK;
  }
  scanStart(k, klen, e, elen);
  let n: u64 = 0;
  let total: f64 = 0;
  let rec = scanNext();
  while (rec != 0) {
    const entry = liveAt(rec, at);
    if (entry != 0) {
      total += 1;
      if (!countOnly && (limit == 0 || n < limit)) {
        if (!ensureOut(<usize>(n + 1) * KV_BYTES, <usize>n * KV_BYTES)) return NO_SPACE;
        writeKv(outPtr() + <usize>n * KV_BYTES, rec, entry, keysOnly);
        n++;
      }
    }
    rec = scanNext();
  }
  gather(<u32>n, KV_BYTES, 0, -1, grow);
  setA(total);
  return OK;
}

export const T_VERSION: u32 = 0;
export const T_CREATE: u32 = 1;
export const T_MOD: u32 = 2;
export const T_VALUE: u32 = 3;
export const T_LEASE: u32 = 4;
export const C_EQUAL: u32 = 0;
export const C_NOT_EQUAL: u32 = 1;
export const C_LESS: u32 = 2;
export const C_GREATER: u32 = 3;

function holds(d: f64, result: u32): bool {
  if (result == C_EQUAL) return d == 0;
  if (result == C_NOT_EQUAL) return d != 0;
  if (result == C_LESS) return d < 0;
  return d > 0;
}

/** One compare against entry e (0: a missing key, whose numbers are all 0). */
function compareEntry(e: usize, target: u32, result: u32, num: f64, v: usize, vlen: u32): bool {
  if (target == T_VALUE) {
    return holds(<f64>compareSafe(<usize>load<u32>(e, R_VALUE), load<u32>(e, R_VALUE_LEN), v, vlen), result);
  }
  let actual: f64 = 0;
  if (e != 0) {
    if (target == T_VERSION) actual = <f64>load<i64>(e, R_VERSION);
    else if (target == T_CREATE) actual = <f64>load<i64>(e, R_CREATE);
    else if (target == T_MOD) actual = <f64>mainOf(e);
    else actual = load<f64>(e, R_LEASE);
  }
  return holds(actual - num, result);
}

/**
 * A txn guard at revision `at` over the key k or the range [k, e): every live key must satisfy it; with none, the
 * guard compares 0s, except a value guard, which fails (etcd cannot tell a missing value from an empty one).
 */
export function compareRange(k: usize, klen: u32, e: usize, elen: u32, at: i64, target: u32, result: u32, num: f64, v: usize, vlen: u32): bool {
  let any = false;
  if (elen == 0) {
    const rec = hashFind(k, klen, hashKey(k, klen));
    const entry = rec == 0 ? <usize>0 : liveAt(rec, at);
    if (entry != 0) return compareEntry(entry, target, result, num, v, vlen);
  } else {
    scanStart(k, klen, e, elen);
    let rec = scanNext();
    while (rec != 0) {
      const entry = liveAt(rec, at);
      if (entry != 0) {
        any = true;
        if (!compareEntry(entry, target, result, num, v, vlen)) return false;
      }
      rec = scanNext();
    }
  }
  if (any) return true;
  return target == T_VALUE ? false : compareEntry(0, target, result, num, v, vlen);
}
