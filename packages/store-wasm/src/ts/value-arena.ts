/**
 * Where stored values live: large slabs that values are appended to, instead of one Uint8Array per value. In Node
 * 20 every Uint8Array over 64 bytes has its own off-heap backing store, and allocating one costs 1-2 us against
 * ~0.2 us to copy 1 KiB into a slab that already exists.
 *
 *   slab 0 (1 MiB)                       slab 1 (current)
 *   [ v1 | v2 (freed) | v3 | ... ]       [ v9 | v10 | .......free....... ]
 *                                                        ^ fill
 *
 * A value is addressed by (slab, offset) plus its length, which the revision log keeps. Values are never moved
 * except by evacuate(): compaction frees values, each slab counts its live bytes, a slab whose live bytes reach
 * zero is dropped, and a slab that is more than half garbage has its survivors copied to the current slab so it can
 * go too. That keeps slab memory under about twice the live bytes, for at most one copy of each byte per halving.
 * Values larger than a quarter slab get a slab of their own, dropped as soon as that value is freed.
 */

const SLAB_BYTES = 1 << 20;
const BIG_VALUE = SLAB_BYTES >> 2;
/**
 * Dropped slabs kept for reuse. A store in steady state (writes, periodic compaction) drops and starts slabs all
 * the time; a fresh 1 MiB Uint8Array costs a zero-fill and counts as new external memory, which drives V8 into
 * full mark-compact collections of the whole heap (measured: a third of the CPU of a put loop with compaction).
 */
const SPARE_SLABS = 4;
/** The slab index that stands for a zero-length value (no storage). */
export const NO_SLAB = -1;

export class ValueArena {
  private slabs: (Uint8Array | null)[] = [];
  /** Bytes of each slab still referenced. */
  private live: number[] = [];
  /** Bytes of each slab ever written (its fill mark). */
  private filled: number[] = [];
  private freeIds: number[] = [];
  private spare: Uint8Array[] = [];
  private current = NO_SLAB;
  private fill = 0;
  private evacuating: boolean[] = [];
  private anyEvacuating = false;
  /** Where the last store() put its bytes (out-parameters, to return two numbers without an allocation). */
  slab = NO_SLAB;
  offset = 0;

  /** Copy bytes [start, end) of src into the arena; read the place from `slab` and `offset`. */
  store(src: Uint8Array, start = 0, end = src.length): void {
    const len = end - start;
    if (len === 0) {
      this.slab = NO_SLAB;
      this.offset = 0;
      return;
    }
    let id: number;
    let at: number;
    if (len > BIG_VALUE) {
      id = this.newSlab(len);
      at = 0;
      this.filled[id] = len;
    } else {
      if (this.current === NO_SLAB || this.fill + len > SLAB_BYTES) this.startSlab();
      id = this.current;
      at = this.fill;
      this.fill += len;
      this.filled[id] = this.fill;
    }
    const dst = this.slabs[id]!;
    if (start === 0 && end === src.length) dst.set(src, at);
    else dst.set(src.subarray(start, end), at);
    this.live[id]! += len;
    this.slab = id;
    this.offset = at;
  }

  /** The slab's bytes; valid until the value is released. */
  bytes(slab: number): Uint8Array {
    return this.slabs[slab]!;
  }

  /** Forget a value stored at slab (its bytes are no longer referenced). */
  release(slab: number, len: number): void {
    if (slab === NO_SLAB || len === 0) return;
    const left = (this.live[slab]! -= len);
    if (left > 0) return;
    if (slab === this.current) {
      this.fill = 0; // nothing refers to the current slab any more: reuse it from the start
      this.filled[slab] = 0;
      return;
    }
    const dropped = this.slabs[slab]!;
    if (dropped.length === SLAB_BYTES && this.spare.length < SPARE_SLABS) this.spare.push(dropped);
    this.slabs[slab] = null;
    this.evacuating[slab] = false;
    this.freeIds.push(slab);
  }

  /**
   * Mark for evacuation every full slab with less than half of its bytes live. Returns whether any was
   * marked; the caller then moves each value for which isEvacuating(slab) holds (store a copy, release the old).
   */
  markSparse(): boolean {
    this.anyEvacuating = false;
    for (let id = 0; id < this.slabs.length; id++) {
      const s = this.slabs[id];
      const sparse = s !== null && s !== undefined && id !== this.current && s.length === SLAB_BYTES && this.live[id]! * 2 < this.filled[id]!;
      this.evacuating[id] = sparse;
      if (sparse) this.anyEvacuating = true;
    }
    return this.anyEvacuating;
  }

  isEvacuating(slab: number): boolean {
    return this.anyEvacuating && slab !== NO_SLAB && this.evacuating[slab] === true;
  }

  /** Bytes of slab memory in use (the spare slabs, at most SPARE_SLABS MiB kept for reuse, are not). */
  get memoryBytes(): number {
    let n = 0;
    for (const s of this.slabs) if (s) n += s.length;
    return n;
  }

  clear(): void {
    this.slabs = [];
    this.live = [];
    this.filled = [];
    this.freeIds = [];
    this.spare = [];
    this.evacuating = [];
    this.anyEvacuating = false;
    this.current = NO_SLAB;
    this.fill = 0;
  }

  private startSlab(): void {
    this.current = this.newSlab(SLAB_BYTES);
    this.fill = 0;
  }

  private newSlab(size: number): number {
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.slabs.length;
    // A spare slab's old bytes are never read: only stored values are, and each is written first.
    this.slabs[id] = size === SLAB_BYTES && this.spare.length > 0 ? this.spare.pop()! : new Uint8Array(size);
    this.live[id] = 0;
    this.filled[id] = 0;
    this.evacuating[id] = false;
    return id;
  }
}
