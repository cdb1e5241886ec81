import type { V1Node } from '@kubernetes/client-node';
import { EMPTY_VALUE, Hdr, ResCol } from '../core/codes.js';
import { CoreTable } from '../core/core-table.js';
import type { MemoryHost } from '../core/memory-host.js';
import { NodeWriter } from '../core/node-writer.js';
import { PodStore } from '../core/pod-store.js';
import { SchedulerError } from '../errors.js';
import { encodeNode } from './encode-node.js';
import { Interner } from './interner.js';
import { parseLabelInt } from './label-int.js';

/** Every string space the kernels see as integers. */
export interface Ids {
  namespaces: Interner;
  podKeys: Interner;
  podValues: Interner;
  /** Node label keys; a key's id is its label column. Only keys some pod refers to get one. */
  nodeKeys: Interner;
  nodeValues: Interner;
  taintKeys: Interner;
  taintValues: Interner;
  resources: Interner;
  images: Interner;
  hostIPs: Interner;
}

/**
 * The table plus everything needed to fill it from Kubernetes objects: interners, node slots, label columns
 * (created on first use and back-filled from every node), resource columns and the image spread table.
 * Shared by both engines; the engines only add a kernel.
 */
export class CoreModel {
  readonly table: CoreTable;
  readonly pods: PodStore;
  readonly nodes: NodeWriter;
  readonly ids: Ids;
  private readonly slotByName = new Map<string, number>();
  private readonly resourceListeners: ((col: number) => void)[] = [];
  private readonly classes = new Map<string, number>();
  private readonly nodeBySlot: (V1Node | undefined)[] = [];
  private readonly imagesBySlot: number[][] = [];
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;

  constructor(host: MemoryHost) {
    this.table = new CoreTable(host);
    this.pods = new PodStore(this.table);
    this.nodes = new NodeWriter(this.table);
    const t = this.table;
    this.ids = {
      namespaces: new Interner(),
      podKeys: new Interner(),
      podValues: new Interner(),
      nodeKeys: new Interner((col, key) => this.backfillColumn(col, key)),
      nodeValues: new Interner((id, value) => {
        t.reserve({ values: id + 1 });
        t.v.valueNum[id] = parseLabelInt(value);
      }),
      taintKeys: new Interner(),
      taintValues: new Interner(),
      resources: new Interner((col) => {
        t.reserve({ resources: col + 1 });
        for (const fn of this.resourceListeners) fn(col);
      }),
      images: new Interner((id) => t.reserve({ images: id + 1 })),
      hostIPs: new Interner(),
    };
    for (const r of ['cpu', 'memory', 'ephemeral-storage', 'pods']) this.ids.resources.intern(r);
    if (this.ids.resources.get('pods') !== ResCol.Pods) throw new Error('resource columns out of order');
    this.ids.hostIPs.intern('0.0.0.0');
    if (this.ids.nodeValues.intern('') !== EMPTY_VALUE) throw new Error('empty label value must have id 0');
  }

  /** Called whenever a resource name gets a new column. */
  onResourceColumn(fn: (col: number) => void): void {
    this.resourceListeners.push(fn);
  }

  nodeSlot(name: string): number | undefined {
    return this.slotByName.get(name);
  }

  nodeName(slot: number): string {
    const n = this.nodeBySlot[slot]?.metadata?.name;
    if (n === undefined) throw new SchedulerError('NodeNotFound', `no node in slot ${slot}`);
    return n;
  }

  nodeAt(slot: number): V1Node | undefined {
    return this.nodeBySlot[slot];
  }

  /** The node's slot, allocated on first use (a pod may name a node the cache has not seen yet). */
  slotFor(name: string): number {
    let slot = this.slotByName.get(name);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.nextSlot++;
      this.slotByName.set(name, slot);
      this.table.reserve({ nodes: slot + 1 });
    }
    return slot;
  }

  /** Writes (or rewrites) a node's columns. */
  writeNode(node: V1Node): number {
    const name = node.metadata?.name;
    if (!name) throw new SchedulerError('InvalidNode', 'node has no metadata.name');
    const encoded = encodeNode(node, this.ids);
    const slot = this.slotFor(name);
    this.nodeBySlot[slot] = node;
    this.nodes.write(slot, encoded);
    this.recountImages(slot, encoded.images);
    return slot;
  }

  /** The node object is gone but its slot stays (pods still on it keep their place until they go). */
  clearNode(name: string): void {
    const slot = this.slotByName.get(name);
    if (slot === undefined) return;
    this.nodes.clear(slot);
    this.recountImages(slot, []);
    this.nodeBySlot[slot] = undefined;
  }

  /** Frees a node's slot; its pods must be gone from the table. */
  removeNode(name: string): void {
    const slot = this.slotByName.get(name);
    if (slot === undefined) return;
    this.clearNode(name);
    this.slotByName.delete(name);
    this.freeSlots.push(slot);
  }

  /** The iteration order of the filter loop (kube-scheduler's node tree order). */
  setOrder(slots: readonly number[]): void {
    const t = this.table;
    t.reserve({ nodes: slots.length });
    t.v.order.set(slots);
    t.v.hdr[Hdr.OrderLen] = slots.length;
    t.bumpEpoch();
  }

  /**
   * The class id of a pod's node-local scheduling inputs (see PodRec.Class); equal inputs get equal ids.
   * The map is bounded: when it fills up it starts over and the epoch bump drops every cached result.
   */
  classOf(key: string): number {
    let id = this.classes.get(key);
    if (id === undefined) {
      if (this.classes.size >= 1 << 16) {
        this.classes.clear();
        this.table.bumpEpoch();
      }
      id = this.classes.size + 1;
      this.classes.set(key, id);
    }
    return id;
  }

  get orderLength(): number {
    return this.table.v.hdr[Hdr.OrderLen]!;
  }

  /** The label column for a node label key, created and back-filled on first use. */
  keyColumn(key: string): number {
    return this.ids.nodeKeys.intern(key);
  }

  resourceColumn(name: string): number {
    return this.ids.resources.intern(name);
  }

  private backfillColumn(col: number, key: string): void {
    const t = this.table;
    t.reserve({ keys: col + 1 });
    t.bumpEpoch();
    for (let s = 0; s < this.nodeBySlot.length; s++) {
      const value = this.nodeBySlot[s]?.metadata?.labels?.[key];
      this.nodes.setLabel(s, col, value === undefined ? -1 : this.ids.nodeValues.intern(value));
    }
  }

  /** ImageLocality scales an image's score by the share of nodes that have it. */
  private recountImages(slot: number, flatImages: number[]): void {
    const counts = this.table.v.imageNodes;
    for (const id of this.imagesBySlot[slot] ?? []) counts[id]! -= 1;
    const ids: number[] = [];
    for (let i = 0; i < flatImages.length; i += 2) ids.push(flatImages[i]!);
    const t = this.table;
    for (const id of ids) t.v.imageNodes[id]! += 1;
    this.imagesBySlot[slot] = ids;
  }
}
