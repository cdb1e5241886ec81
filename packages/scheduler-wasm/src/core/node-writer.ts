import { IMAGE_ENTRY_WORDS, NodeFlag, TAINT_ENTRY_WORDS } from './codes.js';
import type { CoreTable } from './core-table.js';

/** A node as the table stores it, with every string already interned. */
export interface EncodedNode {
  unschedulable: boolean;
  /** How many labels the node has (InterPodAffinity skips nodes without any). */
  labelCount: number;
  /** Flat [column, valueId] pairs for the label keys that have a column. */
  labels: number[];
  /** Flat [keyId, valueId, effect] triples, in the node's order. */
  taints: number[];
  /** Flat [imageId, sizeBytes] pairs, one per image name. */
  images: number[];
  /** Flat [resourceColumn, allocatable] pairs. */
  alloc: number[];
}

/**
 * Writes one node's columns: the snapshot update of kube-scheduler's cache, done per changed node only.
 * Requested resources are not written here; they follow the pods placed on the node (pod-links.ts).
 * Taints and images live in the node arena, one block each per node, bump-allocated and compacted when
 * freed blocks outweigh live ones.
 */
export class NodeWriter {
  private top = 0;
  private garbage = 0;

  constructor(private readonly t: CoreTable) {}

  write(slot: number, n: EncodedNode): void {
    this.t.reserve({ nodes: slot + 1 });
    const v = this.t.v;
    const { keys, resources } = this.t.layout.caps;
    const cap = this.t.layout.nodeStride;
    v.nodeFlags[slot] = NodeFlag.Live | (n.unschedulable ? NodeFlag.Unschedulable : 0);
    v.labelCount[slot] = n.labelCount;
    for (let k = 0; k < keys; k++) v.labels[k * cap + slot] = -1;
    for (let i = 0; i < n.labels.length; i += 2) v.labels[n.labels[i]! * cap + slot] = n.labels[i + 1]!;
    for (let r = 0; r < resources; r++) v.alloc[r * cap + slot] = 0;
    for (let i = 0; i < n.alloc.length; i += 2) v.alloc[n.alloc[i]! * cap + slot] = n.alloc[i + 1]!;
    this.release(slot);
    const taintCount = n.taints.length / 3;
    const imageCount = n.images.length / 2;
    // One allocation for both blocks: a compaction between two allocations would move the first one unseen.
    const taintAt = this.alloc(words(taintCount * TAINT_ENTRY_WORDS) + words(imageCount * IMAGE_ENTRY_WORDS));
    const imageAt = taintAt + words(taintCount * TAINT_ENTRY_WORDS);
    const w = this.t.v;
    this.t.touchNode(slot);
    this.t.bumpEpoch(); // images and the node set feed other nodes' scores
    w.nodeArena.set(n.taints, taintAt);
    for (let i = 0; i < imageCount; i++) {
      const e = imageAt + i * IMAGE_ENTRY_WORDS;
      w.nodeArena[e] = n.images[2 * i]!;
      w.nodeArena[e + 1] = 0;
      w.f64All[this.t.arenaF64('nodeArena', e + 2)] = n.images[2 * i + 1]!;
    }
    w.taintOff[slot] = taintAt;
    w.taintLen[slot] = taintCount;
    w.imageOff[slot] = imageAt;
    w.imageLen[slot] = imageCount;
  }

  /** Sets one label column for a node (used when a new column is back-filled). */
  setLabel(slot: number, column: number, valueId: number): void {
    this.t.v.labels[column * this.t.layout.nodeStride + slot] = valueId;
    this.t.touchNode(slot);
  }

  /** Marks the slot dead; its pods must have been taken off already. */
  clear(slot: number): void {
    const v = this.t.v;
    const { keys, resources } = this.t.layout.caps;
    const cap = this.t.layout.nodeStride;
    this.release(slot);
    this.t.touchNode(slot);
    this.t.bumpEpoch();
    v.nodeFlags[slot] = 0;
    v.labelCount[slot] = 0;
    for (let k = 0; k < keys; k++) v.labels[k * cap + slot] = -1;
    for (let r = 0; r < resources; r++) v.alloc[r * cap + slot] = 0;
  }

  private release(slot: number): void {
    const v = this.t.v;
    this.garbage += words(v.taintLen[slot]! * TAINT_ENTRY_WORDS) + words(v.imageLen[slot]! * IMAGE_ENTRY_WORDS);
    v.taintLen[slot] = 0;
    v.imageLen[slot] = 0;
  }

  private alloc(size: number): number {
    if (this.top + size > this.t.layout.caps.nodeWords) {
      if (this.garbage * 2 >= this.top) this.compact();
      if (this.top + size > this.t.layout.caps.nodeWords) this.t.reserve({ nodeWords: this.top + size });
    }
    const at = this.top;
    this.top += size;
    return at;
  }

  private compact(): void {
    const v = this.t.v;
    const cap = this.t.layout.caps.nodes;
    const blocks: { slot: number; image: boolean; off: number; size: number }[] = [];
    for (let s = 0; s < cap; s++) {
      if (v.taintLen[s]) blocks.push({ slot: s, image: false, off: v.taintOff[s]!, size: words(v.taintLen[s]! * TAINT_ENTRY_WORDS) });
      if (v.imageLen[s]) blocks.push({ slot: s, image: true, off: v.imageOff[s]!, size: words(v.imageLen[s]! * IMAGE_ENTRY_WORDS) });
    }
    blocks.sort((a, b) => a.off - b.off);
    let at = 0;
    for (const b of blocks) {
      if (b.off !== at) v.nodeArena.copyWithin(at, b.off, b.off + b.size);
      if (b.image) v.imageOff[b.slot] = at;
      else v.taintOff[b.slot] = at;
      at += b.size;
    }
    this.top = at;
    this.garbage = 0;
  }
}

/** Blocks start at even words so their f64 fields stay 8-byte aligned. */
const words = (n: number): number => (n + 1) & ~1;
