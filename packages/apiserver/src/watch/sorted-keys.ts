/**
 * The keys of a changing set in sorted order, for lists that must come out in key order (as the store's ranges
 * do). Membership changes are recorded and merged in on the next read, so a burst of creates costs one sort of
 * the new keys rather than one array insertion each, and a read with nothing changed costs nothing.
 *
 *   sorted [a c e], add d, delete c, add c, add b  ->  added {d b}, removed {}  ->  read: [a c e] + [b d] = [a b c d e]
 *
 * Order is JavaScript string order (UTF-16 code units), which is the store's byte order for the ASCII keys
 * Kubernetes names produce.
 */
export class SortedKeys {
  private sorted: string[] = [];
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();

  /** Replaces the contents. */
  reset(keys: Iterable<string>): void {
    this.sorted = [...keys].sort();
    this.added.clear();
    this.removed.clear();
  }

  /** `key` joined the set (the caller knows it was absent). */
  add(key: string): void {
    if (this.removed.delete(key)) return;
    this.added.add(key);
  }

  /** `key` left the set (the caller knows it was present). */
  delete(key: string): void {
    if (this.added.delete(key)) return;
    this.removed.add(key);
  }

  /** Every key, sorted. The array is shared until the next change: do not modify it. */
  all(): readonly string[] {
    if (this.added.size === 0 && this.removed.size === 0) return this.sorted;
    const kept = this.removed.size ? this.sorted.filter((k) => !this.removed.has(k)) : this.sorted;
    const fresh = [...this.added].sort();
    const out: string[] = new Array(kept.length + fresh.length);
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < kept.length && j < fresh.length) out[o++] = kept[i]! < fresh[j]! ? kept[i++]! : fresh[j++]!;
    while (i < kept.length) out[o++] = kept[i++]!;
    while (j < fresh.length) out[o++] = fresh[j++]!;
    this.sorted = out;
    this.added.clear();
    this.removed.clear();
    return out;
  }

  /** Index of the first key >= `key` in `all()`. */
  lowerBound(key: string): number {
    const keys = this.all();
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
