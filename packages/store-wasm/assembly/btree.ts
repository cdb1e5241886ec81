// The ordered index: a B+tree of key records by key bytes (node layout and in-node search in btree-node.ts).
//
// Inserts split full nodes bottom-up; an insert past the last key of the rightmost leaf starts a new leaf instead of
// halving the full one, so keys written in order fill leaves completely. Deletes (only compaction deletes keys)
// drop empty nodes and merge a node under a quarter full into a sibling when the two fit in three quarters of a
// node (inner nodes: when they fit at all); otherwise the node stays sparse. Separators are copies of key bytes,
// so freeing a key record never leaves a dangling separator.

import { alloc, demand, free } from './allocator';
import { KEY_OFF, keyBlockBytes, keyLen, keyPtr } from './key-record';
import {
  CAP,
  NODE_BYTES,
  childAt,
  count,
  fitSkip,
  innerAppend,
  innerInsertAt,
  innerRemoveChild,
  innerSplitAt,
  innerWithChild,
  isLeaf,
  leafAppend,
  leafInsertAt,
  leafMoveTail,
  leafRemoveAt,
  nextLeaf,
  nodeAlloc,
  nodeFree,
  nodeSearch,
  prevLeaf,
  refAt,
  setNext,
  setPrev,
} from './btree-node';

const MAX_DEPTH: usize = 48;

let root: usize = 0;
let height: u32 = 1;
let maxKeyLen: u32 = 0;
/** Descent path: node and child index per inner level. */
let pathNodes: usize = 0;
let pathIdx: usize = 0;
let depth: i32 = 0;

// @ts-ignore: decorator
@inline function pathNode(d: i32): usize {
  return <usize>load<u32>(pathNodes + (<usize>d << 2));
}
// @ts-ignore: decorator
@inline function pathChild(d: i32): i32 {
  return load<i32>(pathIdx + (<usize>d << 2));
}

export function btreeInit(): bool {
  pathNodes = alloc(MAX_DEPTH * 8);
  root = nodeAlloc(true);
  if (pathNodes == 0 || root == 0) return false;
  pathIdx = pathNodes + MAX_DEPTH * 4;
  height = 1;
  maxKeyLen = 0;
  return true;
}

/** Walks from the root to the leaf that holds (or would hold) key k, recording the path. */
function descend(k: usize, klen: u32): usize {
  let n = root;
  let d: i32 = 0;
  while (!isLeaf(n)) {
    const i = nodeSearch(n, k, klen, true);
    store<u32>(pathNodes + (<usize>d << 2), <u32>n);
    store<i32>(pathIdx + (<usize>d << 2), i);
    d++;
    n = childAt(n, i);
  }
  depth = d;
  return n;
}

/**
 * Plans the most an insert of a key of `klen` bytes allocates: a node per level plus a new root (one more for
 * the root splits earlier inserts of the same write may cause), and one separator of the longest key seen.
 */
export function btreeInsertDemand(klen: u32): void {
  for (let i: u32 = 0; i < height + 2; i++) demand(NODE_BYTES);
  demand(keyBlockBytes(max(klen, maxKeyLen)));
}

function separatorOf(rec: usize): usize {
  const len = keyLen(rec);
  const s = alloc(keyBlockBytes(len));
  store<u32>(s, len);
  memory.copy(s + KEY_OFF, keyPtr(rec), <usize>len + 8);
  return s;
}

/** Adds a record whose key is not in the tree (memory reserved by the caller). */
export function btreeInsert(rec: usize): void {
  const k = keyPtr(rec);
  const klen = keyLen(rec);
  if (klen > maxKeyLen) maxKeyLen = klen;
  const leaf = descend(k, klen);
  const pos = nodeSearch(leaf, k, klen, false);
  const c = count(leaf);
  if (c < CAP) {
    leafInsertAt(leaf, pos, rec);
    return;
  }
  const right = nodeAlloc(true);
  const mid = pos == c && nextLeaf(leaf) == 0 ? c : c >> 1;
  leafMoveTail(leaf, mid, right);
  const after = nextLeaf(leaf);
  setNext(right, after);
  setPrev(right, leaf);
  if (after != 0) setPrev(after, right);
  setNext(leaf, right);
  if (pos < mid || (pos == mid && mid < c)) leafInsertAt(leaf, pos, rec);
  else leafInsertAt(right, pos - mid, rec);
  fitSkip(leaf);
  fitSkip(right);
  insertUp(separatorOf(refAt(right, 0)), right);
}

/** Hands separator `sep` and the new node `kid` to the levels above, splitting full inner nodes on the way. */
function insertUp(sep: usize, kid: usize): void {
  let d = depth - 1;
  while (true) {
    if (d < 0) {
      const r = nodeAlloc(false);
      innerWithChild(r, root);
      innerInsertAt(r, 0, sep, kid);
      root = r;
      height++;
      return;
    }
    const n = pathNode(d);
    const ci = pathChild(d);
    if (count(n) < CAP) {
      innerInsertAt(n, ci, sep, kid);
      return;
    }
    const right = nodeAlloc(false);
    const mid = CAP >> 1;
    const up = innerSplitAt(n, mid, right);
    if (ci <= mid) innerInsertAt(n, ci, sep, kid);
    else innerInsertAt(right, ci - mid - 1, sep, kid);
    fitSkip(n);
    fitSkip(right);
    sep = up;
    kid = right;
    d--;
  }
}

function freeSeparator(s: usize): void {
  free(s, keyBlockBytes(keyLen(s)));
}

/** Removes a record that is in the tree. Never allocates. */
export function btreeRemove(rec: usize): void {
  const k = keyPtr(rec);
  const klen = keyLen(rec);
  const leaf = descend(k, klen);
  const pos = nodeSearch(leaf, k, klen, false);
  leafRemoveAt(leaf, pos);
  if (leaf == root) return;
  const c = count(leaf);
  const d = depth - 1;
  const parent = pathNode(d);
  const ci = pathChild(d);
  if (c == 0) {
    unlinkLeaf(leaf);
    nodeFree(leaf);
    removeChild(d, ci);
    return;
  }
  if (c >= CAP >> 2) return;
  if (ci > 0) {
    const left = childAt(parent, ci - 1);
    if (count(left) + c <= (CAP * 3) >> 2) {
      leafAppend(left, leaf);
      unlinkLeaf(leaf);
      nodeFree(leaf);
      removeChild(d, ci);
      return;
    }
  }
  if (ci < count(parent)) {
    const right = childAt(parent, ci + 1);
    if (count(right) + c <= (CAP * 3) >> 2) {
      leafAppend(leaf, right);
      unlinkLeaf(right);
      nodeFree(right);
      removeChild(d, ci + 1);
    }
  }
}

function unlinkLeaf(n: usize): void {
  const p = prevLeaf(n);
  const q = nextLeaf(n);
  if (p != 0) setNext(p, q);
  if (q != 0) setPrev(q, p);
}

/** Drops child ci (already freed or merged away) of path node d, then repairs the levels above. */
function removeChild(d: i32, ci: i32): void {
  while (true) {
    const n = pathNode(d);
    if (count(n) == 0) {
      // Its only child is gone: the node goes too. (rebalance() keeps the root at two children or more, so this
      // is defensive there: the root becomes an empty leaf.)
      if (n == root) {
        store<u64>(n, <u64>1 << 16);
        store<u64>(n, 0, 8);
        height = 1;
        return;
      }
      nodeFree(n);
      ci = pathChild(d - 1);
      d--;
      continue;
    }
    freeSeparator(innerRemoveChild(n, ci));
    rebalance(d);
    return;
  }
}

/** Collapses a root with one child, or merges an under-full inner node at path depth d into a sibling. */
function rebalance(d: i32): void {
  while (true) {
    const n = pathNode(d);
    const c = count(n);
    if (n == root) {
      if (c == 0) {
        root = childAt(n, 0);
        height--;
        nodeFree(n);
      }
      return;
    }
    if (c >= CAP >> 2) return;
    const parent = pathNode(d - 1);
    const ci = pathChild(d - 1);
    if (ci > 0) {
      const left = childAt(parent, ci - 1);
      if (count(left) + 1 + c <= CAP) {
        innerAppend(left, refAt(parent, ci - 1), n);
        innerRemoveChild(parent, ci);
        nodeFree(n);
        d--;
        continue;
      }
    }
    if (ci < count(parent)) {
      const right = childAt(parent, ci + 1);
      if (c + 1 + count(right) <= CAP) {
        innerAppend(n, refAt(parent, ci), right);
        innerRemoveChild(parent, ci + 1);
        nodeFree(right);
        d--;
        continue;
      }
    }
    return;
  }
}

/** The leaf and index of the first key >= k (index may equal the leaf's count only when the tree is empty). */
export function btreeSeek(k: usize, klen: u32): u64 {
  let leaf = descend(k, klen);
  let pos = nodeSearch(leaf, k, klen, false);
  if (pos >= count(leaf) && nextLeaf(leaf) != 0) {
    leaf = nextLeaf(leaf);
    pos = 0;
  }
  return (<u64>pos << 32) | <u64>leaf;
}

/** The leftmost leaf. */
export function btreeFirstLeaf(): usize {
  let n = root;
  while (!isLeaf(n)) n = childAt(n, 0);
  return n;
}

export function btreeHeight(): u32 {
  return height;
}
