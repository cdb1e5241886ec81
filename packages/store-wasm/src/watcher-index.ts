/**
 * Watchers by the keys they cover, so that a write visits only the watchers its key falls in. An API server keeps
 * one prefix watch per resource (dozens), and testing every one of them on every write cost more than the write's
 * own index update.
 *
 * Three kinds, as etcd's conventions give them (key-range.ts): one key (found by the key itself), a prefix (range
 * end = prefixEnd(key); found by each distinct prefix length's leading bytes of the written key), and any other
 * range, which is tested directly. Keys are compared as latin1 strings, one character per byte, so map lookups
 * compare bytes exactly.
 */
import { bytesEqual, inRange, isSingleKey, prefixEnd } from './key-range.js';

export interface IndexedRange {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function isPrefixRange(key: Uint8Array, rangeEnd: Uint8Array | undefined): boolean {
  return key.length > 0 && rangeEnd !== undefined && rangeEnd.length > 0 && bytesEqual(prefixEnd(key), rangeEnd);
}

export class WatcherIndex<W> {
  private readonly single = new Map<string, Set<W>>();
  /** Prefix watchers by prefix length, then by the prefix. */
  private readonly prefixes = new Map<number, Map<string, Set<W>>>();
  private readonly ranges = new Map<W, IndexedRange>();

  add(w: W, r: IndexedRange): void {
    if (isSingleKey(r.rangeEnd)) bucket(this.single, latin1(r.key)).add(w);
    else if (isPrefixRange(r.key, r.rangeEnd)) {
      let byPrefix = this.prefixes.get(r.key.length);
      if (!byPrefix) this.prefixes.set(r.key.length, (byPrefix = new Map()));
      bucket(byPrefix, latin1(r.key)).add(w);
    } else this.ranges.set(w, r);
  }

  remove(w: W, r: IndexedRange): void {
    if (isSingleKey(r.rangeEnd)) unbucket(this.single, latin1(r.key), w);
    else if (isPrefixRange(r.key, r.rangeEnd)) {
      const byPrefix = this.prefixes.get(r.key.length);
      if (byPrefix) {
        unbucket(byPrefix, latin1(r.key), w);
        if (byPrefix.size === 0) this.prefixes.delete(r.key.length);
      }
    } else this.ranges.delete(w);
  }

  /** Calls `fn` once for every watcher whose range holds `key`. */
  forEachHolding(key: Uint8Array, fn: (w: W) => void): void {
    const text = latin1(key);
    const one = this.single.get(text);
    if (one) for (const w of one) fn(w);
    for (const [length, byPrefix] of this.prefixes) {
      if (length > text.length) continue;
      const set = byPrefix.get(length === text.length ? text : text.slice(0, length));
      if (set) for (const w of set) fn(w);
    }
    for (const [w, r] of this.ranges) if (inRange(key, r.key, r.rangeEnd)) fn(w);
  }
}

function bucket<W>(m: Map<string, Set<W>>, k: string): Set<W> {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  return s;
}

function unbucket<W>(m: Map<string, Set<W>>, k: string, w: W): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(w);
  if (s.size === 0) m.delete(k);
}
