// Walking the key records of a range [key, rangeEnd) in key order, leaf by leaf.
//
// Ranges follow etcd: an empty rangeEnd names one key (callers use the hash for that), rangeEnd = "\0" means
// every key >= key, anything else is exclusive. Each leaf's last key is compared with the end once; when it is
// below, the whole leaf is inside and its keys need no further comparison, so a long scan compares ~1 key per leaf.
// One scan at a time: callers finish (or abandon) a scan before starting another.

import { compareKeys } from './bytes';
import { btreeFirstLeaf, btreeSeek } from './btree';
import { count, nextLeaf, refAt } from './btree-node';
import { keyLen, keyPtr } from './key-record';

let leaf: usize = 0;
let idx: i32 = 0;
let endP: usize = 0;
let endL: u32 = 0;
let open: bool = false;
let inside: bool = false;

/** True when rangeEnd (e, elen) is "\0": every key from `key` on. */
// @ts-ignore: decorator
@inline export function isOpenEnd(e: usize, elen: u32): bool {
  return elen == 1 && load<u8>(e) == 0;
}

function enterLeaf(): void {
  if (open || leaf == 0) {
    inside = true;
    return;
  }
  const c = count(leaf);
  if (c == 0) {
    inside = true;
    return;
  }
  const last = refAt(leaf, c - 1);
  inside = compareKeys(keyPtr(last), keyLen(last), endP, endL) < 0;
}

/** Starts a scan of [k, e) (e, elen non-empty; "\0" = no end). */
export function scanStart(k: usize, klen: u32, e: usize, elen: u32): void {
  const at = btreeSeek(k, klen);
  leaf = <usize>(at & 0xffffffff);
  idx = <i32>(at >> 32);
  endP = e;
  endL = elen;
  open = isOpenEnd(e, elen);
  enterLeaf();
}

/** Starts a scan of every key. */
export function scanAll(): void {
  leaf = btreeFirstLeaf();
  idx = 0;
  open = true;
  inside = true;
}

/** The next record in the range, or 0 at its end. */
export function scanNext(): usize {
  while (leaf != 0) {
    if (idx < count(leaf)) {
      const rec = refAt(leaf, idx);
      if (!inside && compareKeys(keyPtr(rec), keyLen(rec), endP, endL) >= 0) {
        leaf = 0;
        return 0;
      }
      idx++;
      return rec;
    }
    leaf = nextLeaf(leaf);
    idx = 0;
    enterLeaf();
  }
  return 0;
}
