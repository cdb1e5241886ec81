// One B+tree node: layout, search inside a node, and the in-place edits the tree is built from.
//
// Every node is one 1 KiB block (a size class of its own), 58 entries at most:
//
//   0       2      4      8      12     16            80               544            776               1012
//   | count | leaf | skip | next | prev | prefix[64]  | chunk u64 x 58 | ref u32 x 58 | child u32 x 59 |
//
// A leaf's refs are key records (next/prev link the leaves in key order for scans). An inner node's refs are
// separator copies (blocks laid out like a key record's key part: length at 0, bytes at KEY_OFF) and it has
// count + 1 children; child i holds the keys in [ref[i-1], ref[i]).
//
// Keys are not compared through their pointers while searching. All keys of a node (separators, for an inner
// node) share their first `skip` bytes (skip <= 64), kept in `prefix`, and chunk[i] is the next 8 bytes of key i,
// big-endian. A search compares the key with the inline prefix, then binary-searches the inline chunks; only
// equal chunks fall back to the keys themselves. For `/registry/pods/<ns>/<name>` keys a leaf's shared prefix
// runs into the name, so chunks decide alone and a search reads nothing but the node.

import { alloc, free } from './allocator';
import { chunkAt, commonPrefix, compareFrom, comparePrefix } from './bytes';
import { keyLen, keyPtr } from './key-record';

export const CAP: i32 = 58;
export const NODE_BYTES: usize = 1024;
const PREFIX: usize = 16;
const PREFIX_MAX: u32 = 64;
const CHUNKS: usize = PREFIX + PREFIX_MAX;
const REFS: usize = CHUNKS + 8 * <usize>CAP;
const KIDS: usize = REFS + 4 * <usize>CAP;

// @ts-ignore: decorator
@inline export function count(n: usize): i32 {
  return <i32>load<u16>(n);
}
// @ts-ignore: decorator
@inline export function setCount(n: usize, c: i32): void {
  store<u16>(n, <u16>c);
}
// @ts-ignore: decorator
@inline export function isLeaf(n: usize): bool {
  return load<u16>(n, 2) != 0;
}
// @ts-ignore: decorator
@inline export function skipOf(n: usize): u32 {
  return load<u32>(n, 4);
}
// @ts-ignore: decorator
@inline export function nextLeaf(n: usize): usize {
  return <usize>load<u32>(n, 8);
}
// @ts-ignore: decorator
@inline export function setNext(n: usize, v: usize): void {
  store<u32>(n, <u32>v, 8);
}
// @ts-ignore: decorator
@inline export function prevLeaf(n: usize): usize {
  return <usize>load<u32>(n, 12);
}
// @ts-ignore: decorator
@inline export function setPrev(n: usize, v: usize): void {
  store<u32>(n, <u32>v, 12);
}
// @ts-ignore: decorator
@inline export function refAt(n: usize, i: i32): usize {
  return <usize>load<u32>(n + REFS + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function chunkOf(n: usize, i: i32): u64 {
  return load<u64>(n + CHUNKS + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function childAt(n: usize, i: i32): usize {
  return <usize>load<u32>(n + KIDS + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function setChild(n: usize, i: i32, c: usize): void {
  store<u32>(n + KIDS + (<usize>i << 2), <u32>c);
}
// @ts-ignore: decorator
@inline function setEntry(n: usize, i: i32, chunk: u64, ref: usize): void {
  store<u64>(n + CHUNKS + (<usize>i << 3), chunk);
  store<u32>(n + REFS + (<usize>i << 2), <u32>ref);
}

/** A new empty node, or 0 when memory is exhausted (writers reserve first). */
export function nodeAlloc(leaf: bool): usize {
  const n = alloc(NODE_BYTES);
  if (n == 0) return 0;
  store<u64>(n, leaf ? <u64>1 << 16 : 0); // count 0, leaf flag, skip 0
  store<u64>(n, 0, 8); // next, prev
  return n;
}

export function nodeFree(n: usize): void {
  free(n, NODE_BYTES);
}

/**
 * Index of the first entry > key (upper) or >= key (!upper). For an inner node, the upper form is the child to
 * descend into.
 */
export function nodeSearch(n: usize, k: usize, klen: u32, upper: bool): i32 {
  const c = count(n);
  if (c == 0) return 0;
  const skip = skipOf(n);
  if (skip != 0) {
    const side = comparePrefix(k, klen, n + PREFIX, skip);
    if (side != 0) return side < 0 ? 0 : c;
  }
  const kc = chunkAt(k, klen, skip);
  let lo: i32 = 0;
  let hi: i32 = c;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const ec = chunkOf(n, mid);
    let right: bool;
    if (ec != kc) {
      right = ec < kc;
    } else {
      const r = refAt(n, mid);
      const d = compareFrom(keyPtr(r), keyLen(r), k, klen, skip);
      right = d < 0 || (upper && d == 0);
    }
    if (right) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sets a new shared-prefix length (copying the prefix from the first key) and recomputes every chunk. */
function rechunk(n: usize, skip: u32): void {
  store<u32>(n, skip, 4);
  const c = count(n);
  if (c == 0) return;
  memory.copy(n + PREFIX, keyPtr(refAt(n, 0)), skip);
  for (let i: i32 = 0; i < c; i++) {
    const r = refAt(n, i);
    store<u64>(n + CHUNKS + (<usize>i << 3), chunkAt(keyPtr(r), keyLen(r), skip));
  }
}

/**
 * After a split: lengthens skip to the halves' longer common prefix (at most PREFIX_MAX) when that gains at least
 * 4 bytes. Rechunking reads every key of the node (a cache miss each); with less than 4 bytes gained, the chunks
 * still hold 5 or more bytes that tell keys apart, so equal chunks (which cost a key read per search) stay rare.
 */
export function fitSkip(n: usize): void {
  const c = count(n);
  if (c == 0) return;
  const a = refAt(n, 0);
  const b = refAt(n, c - 1);
  const l = commonPrefix(keyPtr(a), keyLen(a), keyPtr(b), keyLen(b), PREFIX_MAX);
  const skip = skipOf(n);
  if (l < skip || l >= skip + 4) rechunk(n, l);
}

/** Shrinks skip, if needed, so that key k also shares the node's prefix. */
function narrowFor(n: usize, k: usize, klen: u32): void {
  if (count(n) == 0) {
    const l = min(klen, PREFIX_MAX);
    store<u32>(n, l, 4);
    memory.copy(n + PREFIX, k, l);
    return;
  }
  const skip = skipOf(n);
  const l = commonPrefix(k, klen, n + PREFIX, skip, skip);
  if (l < skip) rechunk(n, l);
}

/** Inserts key ref `rec` at `pos` of a leaf with room. */
export function leafInsertAt(n: usize, pos: i32, rec: usize): void {
  const k = keyPtr(rec);
  const klen = keyLen(rec);
  narrowFor(n, k, klen);
  const c = count(n);
  const tail = <usize>(c - pos);
  memory.copy(n + CHUNKS + (<usize>(pos + 1) << 3), n + CHUNKS + (<usize>pos << 3), tail << 3);
  memory.copy(n + REFS + (<usize>(pos + 1) << 2), n + REFS + (<usize>pos << 2), tail << 2);
  setEntry(n, pos, chunkAt(k, klen, skipOf(n)), rec);
  setCount(n, c + 1);
}

/** Inserts separator `sep` at index `si` and child `kid` at si + 1 of an inner node with room. */
export function innerInsertAt(n: usize, si: i32, sep: usize, kid: usize): void {
  const k = keyPtr(sep);
  const klen = keyLen(sep);
  narrowFor(n, k, klen);
  const c = count(n);
  const tail = <usize>(c - si);
  memory.copy(n + CHUNKS + (<usize>(si + 1) << 3), n + CHUNKS + (<usize>si << 3), tail << 3);
  memory.copy(n + REFS + (<usize>(si + 1) << 2), n + REFS + (<usize>si << 2), tail << 2);
  memory.copy(n + KIDS + (<usize>(si + 2) << 2), n + KIDS + (<usize>(si + 1) << 2), tail << 2);
  setEntry(n, si, chunkAt(k, klen, skipOf(n)), sep);
  setChild(n, si + 1, kid);
  setCount(n, c + 1);
}

/** Removes entry `pos` of a leaf. */
export function leafRemoveAt(n: usize, pos: i32): void {
  const c = count(n);
  const tail = <usize>(c - pos - 1);
  memory.copy(n + CHUNKS + (<usize>pos << 3), n + CHUNKS + (<usize>(pos + 1) << 3), tail << 3);
  memory.copy(n + REFS + (<usize>pos << 2), n + REFS + (<usize>(pos + 1) << 2), tail << 2);
  setCount(n, c - 1);
}

/**
 * Removes child `ci` of an inner node with at least two children, with the separator on its left (or, for child 0,
 * on its right), and returns that separator. The child itself is the caller's.
 */
export function innerRemoveChild(n: usize, ci: i32): usize {
  const c = count(n);
  const si = ci > 0 ? ci - 1 : 0;
  const sep = refAt(n, si);
  memory.copy(n + CHUNKS + (<usize>si << 3), n + CHUNKS + (<usize>(si + 1) << 3), <usize>(c - si - 1) << 3);
  memory.copy(n + REFS + (<usize>si << 2), n + REFS + (<usize>(si + 1) << 2), <usize>(c - si - 1) << 2);
  memory.copy(n + KIDS + (<usize>ci << 2), n + KIDS + (<usize>(ci + 1) << 2), <usize>(c - ci) << 2);
  setCount(n, c - 1);
  return sep;
}

/** Moves entries [from, count) of leaf a to the empty leaf b (same skip, so chunks carry over). */
export function leafMoveTail(a: usize, from: i32, b: usize): void {
  const c = count(a);
  const m = <usize>(c - from);
  memory.copy(b + CHUNKS, a + CHUNKS + (<usize>from << 3), m << 3);
  memory.copy(b + REFS, a + REFS + (<usize>from << 2), m << 2);
  memory.copy(b + PREFIX, a + PREFIX, PREFIX_MAX);
  store<u32>(b, skipOf(a), 4);
  setCount(b, <i32>m);
  setCount(a, from);
}

/**
 * Splits a full inner node: separators after `mid` and their children move to the empty node b; separator `mid`
 * is removed and returned for the parent.
 */
export function innerSplitAt(a: usize, mid: i32, b: usize): usize {
  const c = count(a);
  const up = refAt(a, mid);
  const m = <usize>(c - mid - 1);
  memory.copy(b + CHUNKS, a + CHUNKS + (<usize>(mid + 1) << 3), m << 3);
  memory.copy(b + REFS, a + REFS + (<usize>(mid + 1) << 2), m << 2);
  memory.copy(b + KIDS, a + KIDS + (<usize>(mid + 1) << 2), (m + 1) << 2);
  memory.copy(b + PREFIX, a + PREFIX, PREFIX_MAX);
  store<u32>(b, skipOf(a), 4);
  setCount(b, <i32>m);
  setCount(a, mid);
  return up;
}

/** Appends leaf b's entries to leaf a (they fit) and recomputes a's prefix. */
export function leafAppend(a: usize, b: usize): void {
  const c = count(a);
  const m = <usize>count(b);
  memory.copy(a + REFS + (<usize>c << 2), b + REFS, m << 2);
  setCount(a, c + <i32>m);
  const first = refAt(a, 0);
  const last = refAt(a, count(a) - 1);
  rechunk(a, commonPrefix(keyPtr(first), keyLen(first), keyPtr(last), keyLen(last), PREFIX_MAX));
}

/** Appends separator `sep` and inner node b's separators and children to inner node a (they fit). */
export function innerAppend(a: usize, sep: usize, b: usize): void {
  const c = count(a);
  const m = <usize>count(b);
  store<u32>(a + REFS + (<usize>c << 2), <u32>sep);
  memory.copy(a + REFS + (<usize>(c + 1) << 2), b + REFS, m << 2);
  memory.copy(a + KIDS + (<usize>(c + 1) << 2), b + KIDS, (m + 1) << 2);
  setCount(a, c + 1 + <i32>m);
  const first = refAt(a, 0);
  const last = refAt(a, count(a) - 1);
  rechunk(a, commonPrefix(keyPtr(first), keyLen(first), keyPtr(last), keyLen(last), PREFIX_MAX));
}

/** Makes an inner node with one child (the tree's new root before its first separator goes in). */
export function innerWithChild(n: usize, kid: usize): void {
  setCount(n, 0);
  setChild(n, 0, kid);
}
