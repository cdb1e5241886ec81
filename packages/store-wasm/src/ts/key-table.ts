/**
 * A hash table from key bytes to the entry that owns them, for the point lookups every put and get starts with.
 * The B+tree can find a key too, but only after turning the bytes into a string and walking ~17 comparisons at
 * 100k keys; hashing the bytes where they are allocates nothing and usually compares one entry.
 *
 * Entries hold their key as a latin1 string (key-string.ts) and its hash, so a lookup compares the query bytes
 * with the string's chars and the table never hashes a string.
 *
 * Open addressing with linear probing, at most half full. Deletion shifts later entries of the probe run back
 * instead of leaving tombstones, so lookups never slow down after many deletes.
 */

export interface Keyed {
  /** The key as a latin1 string. */
  readonly id: string;
  /** hashBytes of the key. */
  readonly hash: number;
}

/** MurmurHash3 (x86, 32-bit) of the bytes: fast in JIT-compiled code, and it spreads shared prefixes well. */
export function hashBytes(b: Uint8Array): number {
  const len = b.length;
  const blocks = len & ~3;
  let h = 0x2f1b8a95 ^ len;
  let i = 0;
  for (; i < blocks; i += 4) {
    let k = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = len & 3;
  if (rest > 0) {
    let k = b[i]!;
    if (rest > 1) k |= b[i + 1]! << 8;
    if (rest > 2) k |= b[i + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sameKey(id: string, b: Uint8Array): boolean {
  const n = id.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (id.charCodeAt(i) !== b[i]) return false;
  return true;
}

const MIN_CAPACITY = 16;

export class KeyTable<V extends Keyed> {
  private entries: (V | null)[];
  private hashes: Int32Array;
  private mask: number;
  private count = 0;
  /** hashBytes of the key the last get() looked up, so a miss followed by add() hashes once. */
  lastHash = 0;

  constructor() {
    this.entries = new Array<V | null>(MIN_CAPACITY).fill(null);
    this.hashes = new Int32Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table itself (not the entries). */
  get memoryBytes(): number {
    return this.hashes.length * (4 + 8);
  }

  get(key: Uint8Array): V | undefined {
    const h = hashBytes(key);
    this.lastHash = h;
    const entries = this.entries;
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = entries[i];
      if (e === null) return undefined;
      if (hashes[i] === h && sameKey(e!.id, key)) return e;
    }
  }

  /** Add an entry whose key is not in the table yet. */
  add(entry: V): void {
    if ((this.count + 1) * 2 > this.entries.length) this.resize(this.entries.length * 2);
    this.place(entry, entry.hash);
    this.count++;
  }

  /** Remove this entry (by identity). Returns false if it was not in the table. */
  remove(entry: V): boolean {
    const entries = this.entries;
    const hashes = this.hashes;
    const mask = this.mask;
    let i = entry.hash & mask;
    while (entries[i] !== entry) {
      if (entries[i] === null) return false;
      i = (i + 1) & mask;
    }
    // Backward shift: walk the rest of the probe run and pull back every entry whose home slot does not lie in
    // (hole, j], so no entry ends up behind an empty slot on its own probe path.
    let hole = i;
    for (let j = (i + 1) & mask; entries[j] !== null; j = (j + 1) & mask) {
      const home = hashes[j]! & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        entries[hole] = entries[j]!;
        hashes[hole] = hashes[j]!;
        hole = j;
      }
    }
    entries[hole] = null;
    this.count--;
    return true;
  }

  clear(): void {
    this.entries = new Array<V | null>(MIN_CAPACITY).fill(null);
    this.hashes = new Int32Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.count = 0;
  }

  private place(entry: V, h: number): void {
    const entries = this.entries;
    const mask = this.mask;
    let i = h & mask;
    while (entries[i] !== null) i = (i + 1) & mask;
    entries[i] = entry;
    this.hashes[i] = h;
  }

  private resize(capacity: number): void {
    const old = this.entries;
    const oldHashes = this.hashes;
    this.entries = new Array<V | null>(capacity).fill(null);
    this.hashes = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < old.length; i++) {
      const e = old[i];
      if (e !== null) this.place(e!, oldHashes[i]!);
    }
  }
}
