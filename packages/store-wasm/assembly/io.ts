// The regions the JS side reads and writes, and the record format results are written in.
//
// io (fixed, 128 bytes): results of single-key calls and the shape of the last multi-key result
//   0          8          16                    64           72            80
//   | f64 a    | f64 b    | kv record (48)      | f64 bytesAt | f64 bytesLen |
//   a: count, deleted count or number of records; b: `more` or found/has-prev flag.
//
// scratch (grows): request bytes, written by JS with Uint8Array.set as | key | rangeEnd | value |, back to back.
// Keys read ahead (bytes.ts), which the region's 16 trailing bytes make safe.
//
// out (grows): result records for multi-key calls, then (gathered) the bytes they refer to:
//   | record 0 | record 1 | ... | key/value bytes of all records |
// A kv record, 48 bytes:
//   0           8           16          24          32       36       40         44
//   | createRev | modRev    | version   | lease     | keyPtr | keyLen | valuePtr | valueLen |
// Numbers are f64 (exact up to 2^53, read by JS without BigInt). In io, and in out before gathering, pointers are
// addresses in linear memory, valid until the next call that writes. After gather() they are offsets into the
// bytes area (bytesAt, bytesLen in io), so JS copies a whole result out with one slice; bytesAt = -1 when the
// bytes could not be gathered and pointers stay addresses.

import { alloc, blockBytes, free } from './allocator';
import { R_CREATE, R_LEASE, R_VALUE, R_VALUE_LEN, R_VERSION, keyLen, keyPtr, mainOf } from './key-record';

export const KV_BYTES: usize = 48;
const IO_BYTES: usize = 128;
const SCRATCH_SLACK: usize = 16;

let io: usize = 0;
let scratch: usize = 0;
let scratchCap: usize = 0;
let out: usize = 0;
let outCap: usize = 0;

export function ioInit(): bool {
  io = alloc(IO_BYTES);
  scratchCap = 64 * 1024;
  scratch = alloc(scratchCap);
  outCap = 64 * 1024;
  out = alloc(outCap);
  if (io == 0 || scratch == 0 || out == 0) return false;
  memory.fill(io, 0, IO_BYTES);
  return true;
}

export function ioPtr(): usize {
  return io;
}
export function scratchPtr(): usize {
  return scratch;
}
export function scratchBytes(): usize {
  return scratchCap - SCRATCH_SLACK;
}
export function outPtr(): usize {
  return out;
}

/** Room for `n` request bytes in scratch; false (scratch unchanged) when memory is exhausted. */
export function ensureScratch(n: usize): bool {
  if (n + SCRATCH_SLACK <= scratchCap) return true;
  const want = blockBytes(n + SCRATCH_SLACK);
  const fresh = alloc(want);
  if (fresh == 0) return false;
  free(scratch, scratchCap);
  scratch = fresh;
  scratchCap = want;
  return true;
}

/** Bytes out would have to allocate to hold `n` bytes (0 when it already can). */
export function outGrowBytes(n: usize): usize {
  return n <= outCap ? 0 : blockBytes(max(n, outCap << 1));
}

/** Room for `n` bytes in out, keeping its first `keep` bytes; false (out unchanged) when memory is exhausted. */
// @ts-ignore: decorator
@inline export function ensureOut(n: usize, keep: usize): bool {
  return n <= outCap || growOut(n, keep);
}

function growOut(n: usize, keep: usize): bool {
  const want = max(n, outCap << 1);
  const fresh = alloc(want);
  if (fresh == 0) return false;
  memory.copy(fresh, out, keep);
  free(out, outCap);
  out = fresh;
  outCap = want;
  return true;
}

export function setA(v: f64): void {
  store<f64>(io, v);
}
export function setB(v: f64): void {
  store<f64>(io, v, 8);
}
export function ioKv(): usize {
  return io + 16;
}

/**
 * Copies the key and value bytes of n records (stride bytes apart, kv records at offsets kv1 and, if kv2 >= 0,
 * kv2 of each) behind the records, and turns their pointers into offsets there. With grow false the bytes must fit
 * in out as it is (inside a write, whose reserved memory must not be spent on results).
 */
export function gather(n: u32, stride: usize, kv1: usize, kv2: i32, grow: bool): void {
  const recs = <usize>n * stride;
  let total: usize = 0;
  for (let i: u32 = 0; i < n; i++) {
    const r = out + <usize>i * stride;
    total += <usize>load<u32>(r + kv1, 36) + <usize>load<u32>(r + kv1, 44);
    if (kv2 >= 0) total += <usize>load<u32>(r + <usize>kv2, 36) + <usize>load<u32>(r + <usize>kv2, 44);
  }
  store<f64>(io, -1, 64);
  if (recs + total > outCap && (!grow || !ensureOut(recs + total, recs))) return;
  const base = out + recs;
  let at: usize = 0;
  for (let i: u32 = 0; i < n; i++) {
    const r = out + <usize>i * stride;
    at = moveKv(r + kv1, base, at);
    if (kv2 >= 0) at = moveKv(r + <usize>kv2, base, at);
  }
  store<f64>(io, <f64>base, 64);
  store<f64>(io, <f64>total, 72);
}

// A zero-length memory.copy still bounds-checks its addresses, hence the length tests.
function moveKv(kv: usize, base: usize, at: usize): usize {
  const klen = <usize>load<u32>(kv, 36);
  if (klen != 0) memory.copy(base + at, <usize>load<u32>(kv, 32), klen);
  store<u32>(kv, <u32>at, 32);
  at += klen;
  const vlen = <usize>load<u32>(kv, 44);
  if (vlen != 0) memory.copy(base + at, <usize>load<u32>(kv, 40), vlen);
  store<u32>(kv, <u32>at, 40);
  return at + vlen;
}

/** Writes the kv record of revision entry `e` of record `rec` at `dst`. */
export function writeKv(dst: usize, rec: usize, e: usize, keysOnly: bool): void {
  store<f64>(dst, <f64>load<i64>(e, R_CREATE));
  store<f64>(dst, <f64>mainOf(e), 8);
  store<f64>(dst, <f64>load<i64>(e, R_VERSION), 16);
  store<f64>(dst, load<f64>(e, R_LEASE), 24);
  store<u32>(dst, <u32>keyPtr(rec), 32);
  store<u32>(dst, keyLen(rec), 36);
  if (keysOnly) {
    store<u64>(dst, 0, 40);
  } else {
    store<u32>(dst, load<u32>(e, R_VALUE), 40);
    store<u32>(dst, load<u32>(e, R_VALUE_LEN), 44);
  }
}
