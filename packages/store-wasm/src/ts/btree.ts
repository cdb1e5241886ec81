/**
 * An ordered map from string keys to values: a B+tree whose leaves are linked left to right.
 *
 * The store keys it by the latin1 form of each key's bytes (see key-string.ts): one char per byte, so JavaScript's
 * native string order is exactly the byte order etcd uses, and a comparison is one engine-level compare instead of
 * a loop over two Uint8Arrays.
 *
 * Shape, for maxSize 4 (the store uses 64):
 *
 *                     [ "c" | "f" ]                      branch: keys[i] = the smallest key of kids[i + 1]
 *                    /      |      \
 *          ["a","b"] -> ["c","d","e"] -> ["f","g"]       leaves: sorted keys and their values, linked by next
 *
 * Every node except the root holds between floor(maxSize / 2) and maxSize entries (keys in a leaf, kids in a
 * branch). A deletion may leave a separator that no longer exists as a key; it still bounds both sides correctly.
 */

export class Leaf<V> {
  readonly isLeaf = true;
  constructor(
    public keys: string[],
    public vals: V[],
    public next: Leaf<V> | null,
  ) {}
}

class Branch<V> {
  readonly isLeaf = false;
  constructor(
    public keys: string[],
    public kids: Node<V>[],
  ) {}
}

type Node<V> = Leaf<V> | Branch<V>;

/** First index whose key is >= k. */
function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > k: in a branch, the kid whose subtree may hold k. */
function upperBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A walk over the entries with keys in [start, end) (end null: no upper bound), in key order. The end is checked
 * once per leaf, against the leaf's last key (and by a binary search in the last leaf), not once per entry: a walk
 * that only counts entries never loads their key strings. Invalid once the tree is modified (changing what the
 * values point to is fine).
 */
export class Cursor<V> {
  leaf: Leaf<V> | null = null;
  index = 0;
  /** Index in `leaf` where the walk leaves it. */
  private stop = 0;
  private end: string | null = null;

  get valid(): boolean {
    return this.leaf !== null;
  }

  get key(): string {
    return this.leaf!.keys[this.index]!;
  }

  get value(): V {
    return this.leaf!.vals[this.index]!;
  }

  next(): void {
    if (++this.index < this.stop) return;
    this.enter(this.stop === this.leaf!.keys.length ? this.leaf!.next : null, 0);
  }

  /** Start at entry `index` of `leaf` (or end the walk on null), with the walk's end bound. */
  start(leaf: Leaf<V> | null, index: number, end: string | null): void {
    this.end = end;
    if (leaf !== null && index >= leaf.keys.length) {
      leaf = leaf.next;
      index = 0;
    }
    this.enter(leaf, index);
  }

  private enter(leaf: Leaf<V> | null, index: number): void {
    this.leaf = leaf;
    this.index = index;
    if (leaf === null) return;
    const keys = leaf.keys;
    const end = this.end;
    this.stop = end !== null && !(keys[keys.length - 1]! < end) ? lowerBound(keys, end) : keys.length;
    if (index >= this.stop) this.leaf = null;
  }
}

export class BPlusTree<V> {
  private root: Node<V> = new Leaf<V>([], [], null);
  private count = 0;
  private readonly max: number;
  private readonly min: number;
  /** Set by insertInto when a node splits: the smallest key of the new right node. */
  private splitKey = '';
  private inserted = false;

  /** maxSize: the most entries a node holds (>= 4). */
  constructor(maxSize = 64) {
    if (!Number.isInteger(maxSize) || maxSize < 4) throw new RangeError(`B+tree node size must be an integer >= 4, got ${maxSize}`);
    this.max = maxSize;
    this.min = maxSize >> 1;
  }

  get size(): number {
    return this.count;
  }

  get(k: string): V | undefined {
    let node = this.root;
    while (!node.isLeaf) node = node.kids[upperBound(node.keys, k)]!;
    const i = lowerBound(node.keys, k);
    return node.keys[i] === k ? node.vals[i] : undefined;
  }

  /** Insert or replace. Returns true if k was new. */
  set(k: string, v: V): boolean {
    this.inserted = false;
    const right = this.insertInto(this.root, k, v);
    if (right) this.root = new Branch<V>([this.splitKey], [this.root, right]);
    if (this.inserted) this.count++;
    return this.inserted;
  }

  /** Remove k. Returns true if it was present. */
  delete(k: string): boolean {
    if (!this.deleteFrom(this.root, k)) return false;
    this.count--;
    const root = this.root;
    if (!root.isLeaf && root.kids.length === 1) this.root = root.kids[0]!;
    return true;
  }

  clear(): void {
    this.root = new Leaf<V>([], [], null);
    this.count = 0;
  }

  /**
   * A walk over the keys in [start, end) (end null or absent: every key >= start). Reuses `into` when given.
   */
  seek(start: string, end: string | null = null, into: Cursor<V> = new Cursor<V>()): Cursor<V> {
    let node = this.root;
    while (!node.isLeaf) node = node.kids[upperBound(node.keys, start)]!;
    into.start(node, lowerBound(node.keys, start), end);
    return into;
  }

  /** A walk over every entry. */
  first(into: Cursor<V> = new Cursor<V>()): Cursor<V> {
    let node = this.root;
    while (!node.isLeaf) node = node.kids[0]!;
    into.start(node, 0, null);
    return into;
  }

  /** Levels from root to leaves (1 for a lone leaf). */
  height(): number {
    let h = 1;
    for (let node = this.root; !node.isLeaf; node = node.kids[0]!) h++;
    return h;
  }

  private insertInto(node: Node<V>, k: string, v: V): Node<V> | null {
    if (node.isLeaf) {
      const i = lowerBound(node.keys, k);
      if (node.keys[i] === k) {
        node.vals[i] = v;
        return null;
      }
      this.inserted = true;
      node.keys.splice(i, 0, k);
      node.vals.splice(i, 0, v);
      if (node.keys.length <= this.max) return null;
      const half = node.keys.length >> 1;
      const right = new Leaf<V>(node.keys.splice(half), node.vals.splice(half), node.next);
      node.next = right;
      this.splitKey = right.keys[0]!;
      return right;
    }
    const ci = upperBound(node.keys, k);
    const grown = this.insertInto(node.kids[ci]!, k, v);
    if (!grown) return null;
    node.keys.splice(ci, 0, this.splitKey);
    node.kids.splice(ci + 1, 0, grown);
    if (node.kids.length <= this.max) return null;
    // kids k0..kn-1 with separators s0..sn-2: the left half keeps kids [0, mid) and s0..s(mid-2), s(mid-1) moves up.
    const mid = node.kids.length >> 1;
    const rightKeys = node.keys.splice(mid);
    this.splitKey = node.keys.pop()!;
    return new Branch<V>(rightKeys, node.kids.splice(mid));
  }

  private deleteFrom(node: Node<V>, k: string): boolean {
    if (node.isLeaf) {
      const i = lowerBound(node.keys, k);
      if (node.keys[i] !== k) return false;
      node.keys.splice(i, 1);
      node.vals.splice(i, 1);
      return true;
    }
    const ci = upperBound(node.keys, k);
    const kid = node.kids[ci]!;
    if (!this.deleteFrom(kid, k)) return false;
    const size = kid.isLeaf ? kid.keys.length : kid.kids.length;
    if (size < this.min) this.rebalance(node, ci);
    return true;
  }

  /** kids[ci] of parent fell below min: borrow one entry from a sibling that can spare it, else merge with it. */
  private rebalance(parent: Branch<V>, ci: number): void {
    const kid = parent.kids[ci]!;
    const left = ci > 0 ? parent.kids[ci - 1]! : null;
    const right = ci + 1 < parent.kids.length ? parent.kids[ci + 1]! : null;
    const sizeOf = (n: Node<V>): number => (n.isLeaf ? n.keys.length : n.kids.length);
    if (left && sizeOf(left) > this.min) this.borrowFromLeft(parent, ci, left, kid);
    else if (right && sizeOf(right) > this.min) this.borrowFromRight(parent, ci, kid, right);
    else if (left) this.merge(parent, ci - 1, left, kid);
    else if (right) this.merge(parent, ci, kid, right);
  }

  private borrowFromLeft(parent: Branch<V>, ci: number, left: Node<V>, kid: Node<V>): void {
    if (left.isLeaf && kid.isLeaf) {
      kid.keys.unshift(left.keys.pop()!);
      kid.vals.unshift(left.vals.pop()!);
      parent.keys[ci - 1] = kid.keys[0]!;
    } else if (!left.isLeaf && !kid.isLeaf) {
      kid.kids.unshift(left.kids.pop()!);
      kid.keys.unshift(parent.keys[ci - 1]!);
      parent.keys[ci - 1] = left.keys.pop()!;
    }
  }

  private borrowFromRight(parent: Branch<V>, ci: number, kid: Node<V>, right: Node<V>): void {
    if (right.isLeaf && kid.isLeaf) {
      kid.keys.push(right.keys.shift()!);
      kid.vals.push(right.vals.shift()!);
      parent.keys[ci] = right.keys[0]!;
    } else if (!right.isLeaf && !kid.isLeaf) {
      kid.kids.push(right.kids.shift()!);
      kid.keys.push(parent.keys[ci]!);
      parent.keys[ci] = right.keys.shift()!;
    }
  }

  /** Fold parent.kids[li + 1] into parent.kids[li] and drop the separator between them. */
  private merge(parent: Branch<V>, li: number, a: Node<V>, b: Node<V>): void {
    if (a.isLeaf && b.isLeaf) {
      for (let i = 0; i < b.keys.length; i++) {
        a.keys.push(b.keys[i]!);
        a.vals.push(b.vals[i]!);
      }
      a.next = b.next;
    } else if (!a.isLeaf && !b.isLeaf) {
      a.keys.push(parent.keys[li]!);
      for (const key of b.keys) a.keys.push(key);
      for (const kid of b.kids) a.kids.push(kid);
    }
    parent.keys.splice(li, 1);
    parent.kids.splice(li + 1, 1);
  }

  /**
   * Check every structural invariant (order, fill, separators, leaf chain, size); throws describing the first
   * violation. For tests: O(n).
   */
  verify(): void {
    const leaves: Leaf<V>[] = [];
    let total = 0;
    const walk = (node: Node<V>, lo: string | null, hi: string | null, depth: number, isRoot: boolean): number => {
      const size = node.isLeaf ? node.keys.length : node.kids.length;
      if (size > this.max) throw new Error(`node over capacity: ${size} > ${this.max}`);
      if (!isRoot && size < this.min) throw new Error(`node under minimum: ${size} < ${this.min}`);
      for (let i = 1; i < node.keys.length; i++)
        if (!(node.keys[i - 1]! < node.keys[i]!)) throw new Error(`keys out of order at ${JSON.stringify(node.keys[i])}`);
      if (node.keys.length > 0) {
        if (lo !== null && node.keys[0]! < lo) throw new Error(`key ${JSON.stringify(node.keys[0])} below its separator`);
        if (hi !== null && node.keys[node.keys.length - 1]! >= hi) throw new Error(`key at or above its upper separator`);
      }
      if (node.isLeaf) {
        if (node.vals.length !== node.keys.length) throw new Error('leaf keys and values differ in length');
        leaves.push(node);
        total += node.keys.length;
        return depth;
      }
      if (node.keys.length !== node.kids.length - 1) throw new Error('branch needs one separator fewer than kids');
      if (isRoot && node.kids.length < 2) throw new Error('branch root with a single kid');
      let leafDepth = -1;
      for (let i = 0; i < node.kids.length; i++) {
        const d = walk(node.kids[i]!, i === 0 ? lo : node.keys[i - 1]!, i === node.keys.length ? hi : node.keys[i]!, depth + 1, false);
        if (leafDepth >= 0 && d !== leafDepth) throw new Error('leaves at different depths');
        leafDepth = d;
      }
      return leafDepth;
    };
    walk(this.root, null, null, 0, true);
    for (let i = 0; i < leaves.length; i++)
      if (leaves[i]!.next !== (leaves[i + 1] ?? null)) throw new Error(`leaf chain broken after leaf ${i}`);
    if (total !== this.count) throw new Error(`size ${this.count} but ${total} entries`);
  }
}
