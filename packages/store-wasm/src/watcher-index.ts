/**
 * Watchers by the keys they cover, so that a write visits only the watchers its key falls in. An API server keeps
 * one prefix watch per resource (dozens), and testing every one of them on every write cost more than the write's
 * own index update.
 *
 * Three kinds, as etcd's conventions give them (key-range.ts): one key (found by the key itself, compared as a
 * latin1 string, one character per byte, so the map lookup compares bytes exactly), a prefix (range end =
 * prefixEnd(key); found by walking the written key's bytes down a trie of the prefixes, which stops at the first
 * byte no prefix continues with), and any other range, which is tested directly.
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

/** A byte of a prefix; the watchers whose prefix ends here. */
interface PrefixNode<W> {
  next?: Map<number, PrefixNode<W>>;
  watchers?: Set<W>;
}

export class WatcherIndex<W> {
  private readonly single = new Map<string, Set<W>>();
  private readonly prefixes: PrefixNode<W> = {};
  private readonly ranges = new Map<W, IndexedRange>();

  add(w: W, r: IndexedRange): void {
    if (isSingleKey(r.rangeEnd)) bucket(this.single, latin1(r.key)).add(w);
    else if (isPrefixRange(r.key, r.rangeEnd)) {
      let node = this.prefixes;
      for (const b of r.key) {
        const next = (node.next ??= new Map());
        let child = next.get(b);
        if (!child) next.set(b, (child = {}));
        node = child;
      }
      (node.watchers ??= new Set()).add(w);
    } else this.ranges.set(w, r);
  }

  remove(w: W, r: IndexedRange): void {
    if (isSingleKey(r.rangeEnd)) unbucket(this.single, latin1(r.key), w);
    else if (isPrefixRange(r.key, r.rangeEnd)) this.removePrefix(this.prefixes, r.key, 0, w);
    else this.ranges.delete(w);
  }

  /** Calls `fn` once for every watcher whose range holds `key`. */
  forEachHolding(key: Uint8Array, fn: (w: W) => void): void {
    if (this.single.size > 0) {
      const one = this.single.get(latin1(key));
      if (one) for (const w of one) fn(w);
    }
    let node: PrefixNode<W> | undefined = this.prefixes;
    for (let i = 0; i < key.length && node.next; i++) {
      node = node.next.get(key[i]!);
      if (!node) break;
      if (node.watchers) for (const w of node.watchers) fn(w);
    }
    for (const [w, r] of this.ranges) if (inRange(key, r.key, r.rangeEnd)) fn(w);
  }

  /** Removes `w` from the node at key[at..]; prunes nodes left with neither watchers nor children. */
  private removePrefix(node: PrefixNode<W>, key: Uint8Array, at: number, w: W): void {
    if (at === key.length) {
      node.watchers?.delete(w);
      if (node.watchers?.size === 0) delete node.watchers;
      return;
    }
    const child = node.next?.get(key[at]!);
    if (!child) return;
    this.removePrefix(child, key, at + 1, w);
    if (!child.watchers && !child.next) {
      node.next!.delete(key[at]!);
      if (node.next!.size === 0) delete node.next;
    }
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
