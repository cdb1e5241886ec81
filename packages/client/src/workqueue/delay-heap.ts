/**
 * Items waiting for a time, earliest first: a binary min-heap on `at` with each item's position tracked, so that
 * pushing an item that already waits moves it earlier (never later) in O(log n) instead of adding a duplicate.
 */
interface Entry<T> {
  item: T;
  at: number;
  /** Insertion order breaks ties, so equal times come out FIFO. */
  seq: number;
}

export class DelayHeap<T> {
  private heap: Entry<T>[] = [];
  private readonly pos = new Map<T, number>();
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Waits `item` until `at`; an item already waiting keeps the earlier of the two times. */
  push(item: T, at: number): void {
    const i = this.pos.get(item);
    if (i !== undefined) {
      const e = this.heap[i]!;
      if (at < e.at) {
        e.at = at;
        this.up(i);
      }
      return;
    }
    this.heap.push({ item, at, seq: this.seq++ });
    this.pos.set(item, this.heap.length - 1);
    this.up(this.heap.length - 1);
  }

  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Removes and returns the earliest item if it is due by `now`. */
  popDue(now: number): T | undefined {
    const top = this.heap[0];
    if (!top || top.at > now) return undefined;
    const last = this.heap.pop()!;
    this.pos.delete(top.item);
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.pos.set(last.item, 0);
      this.down(0);
    }
    return top.item;
  }

  clear(): void {
    this.heap = [];
    this.pos.clear();
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
    this.pos.set(h[i]!.item, i);
    this.pos.set(h[j]!.item, j);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.heap[i]!, this.heap[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.heap[l]!, this.heap[m]!)) m = l;
      if (r < n && this.less(this.heap[r]!, this.heap[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
