// Point lookups: an open-addressing hash table from key bytes to key records, beside the B+tree.
//
// Gets and puts of existing keys (most of a Kubernetes store's traffic) cost one hash and one or two probes
// instead of a tree descent. The tree stays the source of order; both always hold the same set of records.
//
// Slots are 8 bytes: | hash u32 | record u32 |, record 0 = empty. Linear probing, capacity a power of two,
// at most 5/8 full; deletion shifts later entries back (no tombstone slots), so probe chains stay short.

import { alloc, blockBytes, free } from './allocator';
import { equalKeys } from './bytes';
import { keyHash, keyLen, keyPtr } from './key-record';

const MIN_CAP: u32 = 1024;

let slots: usize = 0;
let cap: u32 = 0;
let count: u32 = 0;

export function hashInit(): bool {
  slots = alloc(<usize>MIN_CAP << 3);
  if (slots == 0) return false;
  cap = MIN_CAP;
  count = 0;
  memory.fill(slots, 0, <usize>cap << 3);
  return true;
}

/** The record of key k, or 0. */
export function hashFind(k: usize, klen: u32, h: u32): usize {
  const mask = cap - 1;
  let i = h & mask;
  while (true) {
    const s = slots + (<usize>i << 3);
    const rec = <usize>load<u32>(s, 4);
    if (rec == 0) return 0;
    if (load<u32>(s) == h && equalKeys(keyPtr(rec), keyLen(rec), k, klen)) return rec;
    i = (i + 1) & mask;
  }
  return 0;
}

/** Capacity that keeps `n` records at most 5/8 full. */
function capFor(n: u32): u32 {
  let c = cap;
  while (<u64>n * 8 > <u64>c * 5) c <<= 1;
  return c;
}

/** Bytes a table growth for `extra` more records would allocate (0 when it fits). */
export function hashGrowBytes(extra: u32): usize {
  const c = capFor(count + extra);
  return c == cap ? 0 : blockBytes(<usize>c << 3);
}

/** Grows the table ahead of `extra` inserts; false (table unchanged) when memory is exhausted. */
export function hashReserve(extra: u32): bool {
  const c = capFor(count + extra);
  if (c == cap) return true;
  const fresh = alloc(<usize>c << 3);
  if (fresh == 0) return false;
  memory.fill(fresh, 0, <usize>c << 3);
  const old = slots;
  const oldCap = cap;
  slots = fresh;
  cap = c;
  const mask = c - 1;
  for (let j: u32 = 0; j < oldCap; j++) {
    const s = old + (<usize>j << 3);
    const rec = load<u32>(s, 4);
    if (rec == 0) continue;
    const h = load<u32>(s);
    let i = h & mask;
    while (load<u32>(fresh + (<usize>i << 3), 4) != 0) i = (i + 1) & mask;
    store<u64>(fresh + (<usize>i << 3), load<u64>(s));
  }
  free(old, <usize>oldCap << 3);
  return true;
}

/** Adds a record (absent, and room reserved by hashReserve). */
export function hashInsert(rec: usize): void {
  const h = keyHash(rec);
  const mask = cap - 1;
  let i = h & mask;
  while (load<u32>(slots + (<usize>i << 3), 4) != 0) i = (i + 1) & mask;
  const s = slots + (<usize>i << 3);
  store<u32>(s, h);
  store<u32>(s, <u32>rec, 4);
  count++;
}

/** Removes a record that is present. */
export function hashRemove(rec: usize): void {
  const mask = cap - 1;
  let i = keyHash(rec) & mask;
  while (<usize>load<u32>(slots + (<usize>i << 3), 4) != rec) i = (i + 1) & mask;
  // Backward-shift: move each later entry of the run into the hole if its home slot allows it.
  let hole = i;
  let j = (i + 1) & mask;
  while (true) {
    const s = slots + (<usize>j << 3);
    if (load<u32>(s, 4) == 0) break;
    const home = load<u32>(s) & mask;
    // The entry at j may move to `hole` unless its home lies cyclically in (hole, j].
    const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
    if (!stays) {
      store<u64>(slots + (<usize>hole << 3), load<u64>(s));
      hole = j;
    }
    j = (j + 1) & mask;
  }
  store<u64>(slots + (<usize>hole << 3), 0);
  count--;
}

export function hashCount(): u32 {
  return count;
}
