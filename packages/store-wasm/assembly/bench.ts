// bench(n, op): the engine's own work for n operations, with no JS boundary in the loop, so a caller timing it
// sees the kernel cost apart from the boundary cost (src/wasm-kernel.bench.ts compares the two).
//
// Keys are `/registry/pods/ns-NNN/pod-NNNNNNNN` for i = 0, 1, 2... (ns = i / 1000), so consecutive i are
// consecutive keys; values are 1 KiB.
//   op 0: put keys 0..n-1        op 1: get n keys spread over 0..n-1        op 2: n ranges of 100 keys
// Returns a checksum of the results so no work can be skipped.

import { ensureScratch, ioPtr, scratchPtr } from './io';
import { get, putCommit, putPrepare, range } from './index';

const VALUE_LEN: u32 = 1024;
const PREFIX = '/registry/pods/ns-';

function digits(p: usize, v: u32, width: u32): void {
  for (let i: i32 = <i32>width - 1; i >= 0; i--) {
    store<u8>(p + <usize>i, 48 + (v % 10));
    v /= 10;
  }
}

/** Writes key i at p; returns its length (fixed: 33). */
function writeKey(p: usize, i: u32): u32 {
  // "/registry/pods/ns-" is 18 bytes: write it from its UTF-16 code units once per key.
  for (let j = 0; j < 18; j++) store<u8>(p + <usize>j, <u8>PREFIX.charCodeAt(j));
  digits(p + 18, i / 1000, 3);
  store<u8>(p + 21, 0x2f); // '/'
  store<u8>(p + 22, 0x70); // 'p'
  store<u8>(p + 23, 0x6f); // 'o'
  store<u8>(p + 24, 0x64); // 'd'
  store<u8>(p + 25, 0x2d); // '-'
  digits(p + 26, i, 7);
  return 33;
}

export function bench(n: u32, op: u32): f64 {
  if (!ensureScratch(4096)) return -1;
  const k = scratchPtr();
  let sum: f64 = 0;
  if (op == 0) {
    for (let i: u32 = 0; i < n; i++) {
      const klen = writeKey(k, i);
      const at = <usize>putPrepare(klen, VALUE_LEN, 0);
      if (at == 0) return -1;
      memory.fill(at, <u8>i, VALUE_LEN);
      sum += putCommit(klen, VALUE_LEN, 0, 0);
    }
  } else if (op == 1) {
    for (let i: u32 = 0; i < n; i++) {
      const klen = writeKey(k, <u32>((<u64>i * 7919) % n));
      sum += <f64>get(klen, 0, 0) + <f64>load<u32>(ioPtr(), 16 + 44);
    }
  } else {
    for (let i: u32 = 0; i < n; i++) {
      const at = <u32>((<u64>i * 7919) % n);
      const klen = writeKey(k, at);
      writeKey(k + klen, at + 100);
      range(klen, klen, 0, 0, 0);
      sum += load<f64>(ioPtr());
    }
  }
  return sum;
}
