/**
 * The last `capacity` events in revision order, in a circular array. Watches that resume from a resourceVersion
 * replay from here; once an event falls off the end, resuming from before it is "too old".
 *
 *   capacity 4, after events 5,6,7,8,9:   slots [9,6,7,8], head=1 -> oldest 6, newest 9
 */
import type { CacheEvent } from './cache-event.js';

export class EventRing {
  private readonly slots: (CacheEvent | undefined)[];
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(capacity);
  }

  /** Adds an event; returns the one it evicted, if the ring was full. */
  push(ev: CacheEvent): CacheEvent | undefined {
    if (this.size < this.capacity) {
      this.slots[(this.head + this.size) % this.capacity] = ev;
      this.size++;
      return undefined;
    }
    const evicted = this.slots[this.head];
    this.slots[this.head] = ev;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  private at(i: number): CacheEvent {
    return this.slots[(this.head + i) % this.capacity]!;
  }

  get length(): number {
    return this.size;
  }

  /** Events with rv > `rv`, oldest first. */
  since(rv: number): CacheEvent[] {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    const out: CacheEvent[] = [];
    for (let i = lo; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
  }
}
