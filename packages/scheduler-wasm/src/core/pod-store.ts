import { PodRec } from './codes.js';
import type { CoreTable } from './core-table.js';
import { linkPod, unlinkPod } from './pod-links.js';

/**
 * Pod records in the pod arena, addressed by slot. A slot holds one encoded pod (see PodRec in codes.ts): the
 * pod being scheduled, or a pod placed on a node that filters and scores count. Records are bump-allocated at
 * even words; freed space is reclaimed by compaction once it outweighs the live records, which moves records and
 * rewrites their offsets (never during a kernel call: the kernels run synchronously between our calls).
 */
export class PodStore {
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private top = 0;
  private garbage = 0;
  /** Words of each live slot's record; 0 for a free slot. */
  private lens: number[] = [];

  constructor(private readonly t: CoreTable) {}

  get liveSlots(): number {
    return this.nextSlot - this.freeSlots.length;
  }

  /** Stores `record` in a new slot, not yet on any node, and returns the slot. */
  add(record: Int32Array): number {
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    this.t.reserve({ pods: slot + 1 });
    const off = this.alloc(record.length);
    const v = this.t.v;
    v.podArena.set(record, off);
    v.podArena[off + PodRec.Len] = record.length;
    v.podOff[slot] = off;
    v.podNode[slot] = -1;
    this.lens[slot] = record.length;
    return slot;
  }

  /** Takes the pod off its node (if placed) and frees its slot. */
  remove(slot: number): void {
    const len = this.lens[slot];
    if (!len) throw new RangeError(`pod store: slot ${slot} is not live`);
    unlinkPod(this.t, slot);
    this.garbage += len;
    this.lens[slot] = 0;
    this.t.v.podOff[slot] = -1;
    this.freeSlots.push(slot);
  }

  place(slot: number, node: number): void {
    if (this.t.v.podNode[slot]! >= 0) unlinkPod(this.t, slot);
    linkPod(this.t, slot, node);
  }

  unplace(slot: number): void {
    unlinkPod(this.t, slot);
  }

  nodeOf(slot: number): number {
    return this.t.v.podNode[slot]!;
  }

  isLive(slot: number): boolean {
    return (this.lens[slot] ?? 0) > 0;
  }

  private alloc(words: number): number {
    const size = (words + 1) & ~1;
    const cap = this.t.layout.caps.podWords;
    if (this.top + size > cap) {
      if (this.garbage > 0 && this.garbage * 2 >= this.top) this.compact();
      if (this.top + size > this.t.layout.caps.podWords) this.t.reserve({ podWords: this.top + size });
    }
    const off = this.top;
    this.top += size;
    return off;
  }

  /** Slides live records down over freed space, in offset order. */
  private compact(): void {
    const v = this.t.v;
    const live: number[] = [];
    for (let s = 0; s < this.nextSlot; s++) if (this.lens[s]) live.push(s);
    live.sort((a, b) => v.podOff[a]! - v.podOff[b]!);
    let at = 0;
    for (const s of live) {
      const from = v.podOff[s]!;
      const size = (this.lens[s]! + 1) & ~1;
      if (from !== at) v.podArena.copyWithin(at, from, from + size);
      v.podOff[s] = at;
      at += size;
    }
    this.top = at;
    this.garbage = 0;
  }
}
