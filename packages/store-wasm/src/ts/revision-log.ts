import type { KeyIndex } from './key-index.js';
import { NO_SLAB } from './value-arena.js';

/**
 * Every stored revision of every key, one fixed-size row per revision in a Float64Array, indexed by a slot number;
 * plus the order of the slots by (main, sub): the change log that changes(), compaction and dump() walk.
 *
 *   row of slot s = rows[s * 8 ... s * 8 + 7]   (64 bytes: one cache line when it is aligned, at most two)
 *   +------+-----+--------+---------+-------+-----------------------+---------+------+
 *   | main | sub | create | version | lease | value at               | val len | prev |
 *   |      |     |        |         |       | slab * 2^32 + offset   |         |      |
 *   +------+-----+--------+---------+-------+-----------------------+---------+------+
 *   prev: the same key's previous revision (key-index.ts chains them), -1 for none.
 *   version 0 marks a tombstone (a live revision has version >= 1); sub -1 marks a freed slot until sweep().
 *
 *   order: [0, 1, 2, 4]   slots by (main, sub); appends only ever come last, since every write takes the next
 *                         revision, so the order stays sorted without a sort
 *
 * Rows rather than one array per field: reading a revision for a result touches every field, and one row is one
 * or two cache misses where separate columns cost seven.
 *
 * Compaction frees slots in two steps: free() marks them and drops their owner, sweep() then removes them from the
 * order and makes them reusable. `rows` is replaced when it grows: never keep it across an append().
 */

const STRIDE = 8;
const MAIN = 0;
const SUB = 1;
const CREATE = 2;
const VERSION = 3;
const LEASE = 4;
const VALUE_AT = 5;
const VALUE_LEN = 6;
const PREV = 7;
const SLAB_SPAN = 2 ** 32;

const MIN_CAPACITY = 64;

export class RevisionLog {
  rows: Float64Array = new Float64Array(MIN_CAPACITY * STRIDE);
  /** The key each slot belongs to (null once freed). */
  owner: (KeyIndex | null)[] = [];
  /** Slots in (main, sub) order; [0, orderLength) is in use. */
  order: Int32Array = new Int32Array(MIN_CAPACITY);
  orderLength = 0;

  private capacity = MIN_CAPACITY;
  /** Slots [0, highWater) have been handed out at least once. */
  private highWater = 0;
  private freeSlots: Int32Array = new Int32Array(MIN_CAPACITY);
  private freeCount = 0;
  private freedPending = 0;

  /** Slots holding a revision (freed ones not yet swept excluded). */
  get size(): number {
    return this.orderLength - this.freedPending;
  }

  /** Bytes held by rows, order, free list and owners. */
  get memoryBytes(): number {
    return this.capacity * (STRIDE * 8 + 4 + 4 + 8);
  }

  main(slot: number): number {
    return this.rows[slot * STRIDE + MAIN]!;
  }
  sub(slot: number): number {
    return this.rows[slot * STRIDE + SUB]!;
  }
  createRevision(slot: number): number {
    return this.rows[slot * STRIDE + CREATE]!;
  }
  version(slot: number): number {
    return this.rows[slot * STRIDE + VERSION]!;
  }
  lease(slot: number): number {
    return this.rows[slot * STRIDE + LEASE]!;
  }
  isTombstone(slot: number): boolean {
    return this.rows[slot * STRIDE + VERSION] === 0;
  }
  prev(slot: number): number {
    return this.rows[slot * STRIDE + PREV]!;
  }
  setPrev(slot: number, prev: number): void {
    this.rows[slot * STRIDE + PREV] = prev;
  }
  valueLength(slot: number): number {
    return this.rows[slot * STRIDE + VALUE_LEN]!;
  }
  /** The arena slab of the value (NO_SLAB for an empty one). */
  valueSlab(slot: number): number {
    return this.rows[slot * STRIDE + VALUE_LEN] === 0 ? NO_SLAB : Math.floor(this.rows[slot * STRIDE + VALUE_AT]! / SLAB_SPAN);
  }
  valueOffset(slot: number): number {
    return this.rows[slot * STRIDE + VALUE_AT]! % SLAB_SPAN;
  }
  setValue(slot: number, slab: number, offset: number, length: number): void {
    const r = slot * STRIDE;
    this.rows[r + VALUE_AT] = length === 0 ? 0 : slab * SLAB_SPAN + offset;
    this.rows[r + VALUE_LEN] = length;
  }

  /**
   * A new slot for revision (main, sub) of `owner`, appended to the order, with its value empty and no previous
   * revision; version 0 makes it a tombstone until setRevision() says otherwise. Revisions must be appended in
   * (main, sub) order.
   */
  append(owner: KeyIndex, main: number, sub: number): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount]!;
    else {
      if (this.highWater === this.capacity) this.grow();
      slot = this.highWater++;
    }
    const rows = this.rows;
    const r = slot * STRIDE;
    rows[r + MAIN] = main;
    rows[r + SUB] = sub;
    rows[r + CREATE] = 0;
    rows[r + VERSION] = 0;
    rows[r + LEASE] = 0;
    rows[r + VALUE_AT] = 0;
    rows[r + VALUE_LEN] = 0;
    rows[r + PREV] = -1;
    this.owner[slot] = owner;
    this.order[this.orderLength++] = slot;
    return slot;
  }

  /** Make slot a live revision (version >= 1). */
  setRevision(slot: number, createRevision: number, version: number, lease: number): void {
    const r = slot * STRIDE;
    this.rows[r + CREATE] = createRevision;
    this.rows[r + VERSION] = version;
    this.rows[r + LEASE] = lease;
  }

  /** Mark a slot free; it stays in the order until sweep(). */
  free(slot: number): void {
    this.rows[slot * STRIDE + SUB] = -1;
    this.owner[slot] = null;
    this.freedPending++;
  }

  /** First position in the order whose main revision is >= main (orderLength if none). */
  lowerBound(main: number): number {
    const order = this.order;
    const rows = this.rows;
    let lo = 0;
    let hi = this.orderLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[order[mid]! * STRIDE + MAIN]! < main) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Remove freed slots from order positions [0, end) and make them reusable. */
  sweep(end: number): void {
    if (this.freedPending === 0) return;
    const order = this.order;
    const rows = this.rows;
    let w = 0;
    for (let r = 0; r < end; r++) {
      const slot = order[r]!;
      if (rows[slot * STRIDE + SUB] === -1) this.freeSlots[this.freeCount++] = slot;
      else order[w++] = slot;
    }
    order.copyWithin(w, end, this.orderLength);
    this.orderLength -= end - w;
    this.freedPending -= end - w;
  }

  clear(): void {
    this.rows = new Float64Array(MIN_CAPACITY * STRIDE);
    this.owner = [];
    this.order = new Int32Array(MIN_CAPACITY);
    this.freeSlots = new Int32Array(MIN_CAPACITY);
    this.capacity = MIN_CAPACITY;
    this.orderLength = 0;
    this.highWater = 0;
    this.freeCount = 0;
    this.freedPending = 0;
  }

  /** Double the room. The order and free list never outgrow the slots: each holds distinct slot numbers. */
  private grow(): void {
    const n = this.capacity * 2;
    const rows = new Float64Array(n * STRIDE);
    rows.set(this.rows);
    this.rows = rows;
    const order = new Int32Array(n);
    order.set(this.order);
    this.order = order;
    const free = new Int32Array(n);
    free.set(this.freeSlots);
    this.freeSlots = free;
    this.capacity = n;
  }
}
