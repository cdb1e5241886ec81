import { Hdr, MAX_RESOURCES } from './codes.js';
import { computeLayout, grown, INITIAL_CAPACITIES, REGION_NAMES, type Capacities, type Layout, type RegionName } from './layout.js';
import type { MemoryHost } from './memory-host.js';
import { SchedulerError } from '../errors.js';

/**
 * Typed-array views of every region, re-created whenever the layout or the buffer changes. A class with fixed
 * fields (not an object built key by key) so V8 keeps property access on it fast in the kernels' loops.
 */
export class Views {
  readonly hdr: Int32Array;
  readonly prof: Int32Array;
  readonly res: Int32Array;
  readonly nodeFlags: Int32Array;
  readonly labelCount: Int32Array;
  readonly podCount: Int32Array;
  readonly firstPod: Int32Array;
  readonly portPods: Int32Array;
  readonly affPods: Int32Array;
  readonly antiPods: Int32Array;
  readonly taintOff: Int32Array;
  readonly taintLen: Int32Array;
  readonly imageOff: Int32Array;
  readonly imageLen: Int32Array;
  readonly order: Int32Array;
  readonly status: Int32Array;
  readonly detail: Int32Array;
  readonly feasible: Int32Array;
  readonly aux: Int32Array;
  readonly alloc: Float64Array;
  readonly req: Float64Array;
  readonly nz: Float64Array;
  readonly labels: Int32Array;
  readonly scores: Float64Array;
  readonly total: Float64Array;
  readonly logw: Float64Array;
  readonly nodeGen: Int32Array;
  /** The per-node result cache: Cache.Words words per node; `cacheF` is the same memory as f64. */
  readonly cache: Int32Array;
  readonly cacheF: Float64Array;
  readonly podOff: Int32Array;
  readonly podNode: Int32Array;
  readonly podNext: Int32Array;
  readonly podPrev: Int32Array;
  readonly podArena: Int32Array;
  readonly nodeArena: Int32Array;
  readonly imageNodes: Int32Array;
  readonly valueNum: Float64Array;
  readonly affPlane: Int32Array;
  readonly antiPlane: Int32Array;
  readonly existPlane: Int32Array;
  readonly ipaPlane: Float64Array;
  readonly hardPlane: Int32Array;
  readonly softPlane: Int32Array;
  readonly batch: Int32Array;
  readonly batchOut: Int32Array;
  readonly cyc: Int32Array;
  readonly victims: Int32Array;
  readonly preOut: Int32Array;
  /** The whole buffer as f64, for the arenas' f64 fields addressed by word offset. */
  readonly f64All: Float64Array;

  constructor(buf: ArrayBuffer, l: Layout) {
    const i = (name: RegionName): Int32Array => {
      const r = l.regions[name];
      return new Int32Array(buf, r.byteOffset, r.rows * r.rowLen);
    };
    const f = (name: RegionName): Float64Array => {
      const r = l.regions[name];
      return new Float64Array(buf, r.byteOffset, r.rows * r.rowLen);
    };
    this.hdr = i('hdr');
    this.prof = i('prof');
    this.res = i('res');
    this.nodeFlags = i('nodeFlags');
    this.labelCount = i('labelCount');
    this.podCount = i('podCount');
    this.firstPod = i('firstPod');
    this.portPods = i('portPods');
    this.affPods = i('affPods');
    this.antiPods = i('antiPods');
    this.taintOff = i('taintOff');
    this.taintLen = i('taintLen');
    this.imageOff = i('imageOff');
    this.imageLen = i('imageLen');
    this.order = i('order');
    this.status = i('status');
    this.detail = i('detail');
    this.feasible = i('feasible');
    this.aux = i('aux');
    this.alloc = f('alloc');
    this.req = f('req');
    this.nz = f('nz');
    this.labels = i('labels');
    this.scores = f('scores');
    this.total = f('total');
    this.logw = f('logw');
    this.nodeGen = i('nodeGen');
    this.cache = i('cache');
    this.cacheF = new Float64Array(buf, l.regions.cache.byteOffset, this.cache.length >> 1);
    this.podOff = i('podOff');
    this.podNode = i('podNode');
    this.podNext = i('podNext');
    this.podPrev = i('podPrev');
    this.podArena = i('podArena');
    this.nodeArena = i('nodeArena');
    this.imageNodes = i('imageNodes');
    this.valueNum = f('valueNum');
    this.affPlane = i('affPlane');
    this.antiPlane = i('antiPlane');
    this.existPlane = i('existPlane');
    this.ipaPlane = f('ipaPlane');
    this.hardPlane = i('hardPlane');
    this.softPlane = i('softPlane');
    this.batch = i('batch');
    this.batchOut = i('batchOut');
    this.cyc = i('cyc');
    this.victims = i('victims');
    this.preOut = i('preOut');
    this.f64All = new Float64Array(buf, 0, Math.floor(buf.byteLength / 8));
  }

  /** A region's view by name (for generic copying during a re-layout). */
  region(name: RegionName): Int32Array | Float64Array {
    return this[name as keyof Views] as Int32Array | Float64Array;
  }
}

/**
 * The node table and pod store in one block of memory, laid out by `computeLayout`. This class only owns the
 * memory: growing it, re-creating views, and keeping state across a re-layout. What the columns mean is written
 * by node-writer.ts and pod-store.ts; the kernels read them.
 */
export class CoreTable {
  layout: Layout;
  v!: Views;
  private readonly relayoutListeners: (() => void)[] = [];

  constructor(readonly host: MemoryHost, caps: Capacities = INITIAL_CAPACITIES) {
    this.layout = computeLayout(host.base, caps);
    host.ensure(this.layout.bytes);
    this.makeViews();
    new Uint8Array(host.buffer, host.base, this.layout.bytes).fill(0);
    this.writeDescriptor();
    this.initFreshColumns(0, 0);
    this.bumpEpoch();
  }

  /** Invalidates every cached per-node result (see Hdr.Epoch). */
  bumpEpoch(): void {
    this.v.hdr[Hdr.Epoch] = (this.v.hdr[Hdr.Epoch]! + 1) | 0 || 1;
  }

  /** Invalidates one node's cached results: its own state changed. */
  touchNode(slot: number): void {
    this.v.nodeGen[slot] = (this.v.nodeGen[slot]! + 1) | 0;
  }

  get caps(): Capacities {
    return this.layout.caps;
  }

  /** Called after every re-layout (the WASM engine re-reads the region offsets). */
  onRelayout(fn: () => void): void {
    this.relayoutListeners.push(fn);
  }

  /** Grows whatever capacity is short of `needed`; a no-op when everything fits. */
  reserve(needed: Partial<Capacities>): void {
    const cur = this.layout.caps;
    let changed = false;
    const next = { ...cur };
    for (const k of Object.keys(needed) as (keyof Capacities)[]) {
      const want = needed[k]!;
      if (want > cur[k]) {
        next[k] = grown(cur[k], want);
        changed = true;
      }
    }
    if (!changed) return;
    if (next.resources > MAX_RESOURCES) {
      throw new SchedulerError('TooManyResources', `at most ${MAX_RESOURCES} distinct resource names are supported`);
    }
    this.relayout(next);
  }

  /** Moves every kept region into a layout with the given capacities, row by row. */
  private relayout(caps: Capacities): void {
    const old = this.layout;
    const saved = new Map<RegionName, Int32Array | Float64Array>();
    for (const name of REGION_NAMES) {
      const r = old.regions[name];
      if (r.keep) saved.set(name, this.v.region(name).slice());
    }
    this.layout = computeLayout(this.host.base, caps);
    this.host.ensure(this.layout.bytes);
    this.makeViews();
    new Uint8Array(this.host.buffer, this.host.base, this.layout.bytes).fill(0);
    for (const [name, data] of saved) {
      const o = old.regions[name];
      const n = this.layout.regions[name];
      const dst = this.v.region(name);
      const len = Math.min(o.rowLen, n.rowLen);
      for (let row = 0; row < Math.min(o.rows, n.rows); row++) {
        dst.set(data.subarray(row * o.rowLen, row * o.rowLen + len), row * n.rowLen);
      }
    }
    this.writeDescriptor();
    this.initFreshColumns(old.caps.nodes, old.caps.pods, old.caps.keys);
    this.bumpEpoch();
    for (const fn of this.relayoutListeners) fn();
  }

  /** New node slots start with no pods; new label columns start as "missing" for every node. */
  private initFreshColumns(fromNode: number, fromPod: number, fromKey = 0): void {
    const { caps } = this.layout;
    const v = this.v;
    v.firstPod.fill(-1, fromNode);
    v.podNode.fill(-1, fromPod);
    v.podNext.fill(-1, fromPod);
    v.podPrev.fill(-1, fromPod);
    for (let k = 0; k < caps.keys; k++) {
      const from = k < fromKey ? fromNode : 0;
      v.labels.fill(-1, k * this.layout.nodeStride + from, (k + 1) * this.layout.nodeStride);
    }
    for (let i = 0; i < v.logw.length; i++) v.logw[i] = Math.log(i + 2);
    v.hdr[Hdr.NodeCap] = caps.nodes;
    v.hdr[Hdr.NodeStride] = this.layout.nodeStride;
    v.hdr[Hdr.ResCount] = caps.resources;
    v.hdr[Hdr.KeyCap] = caps.keys;
    v.hdr[Hdr.ValueCap] = caps.values;
    v.hdr[Hdr.PodCap] = caps.pods;
  }

  private makeViews(): void {
    this.v = new Views(this.host.buffer, this.layout);
  }

  /** Views may be detached by memory growth outside the table's control (WASM); call before touching them. */
  refreshIfDetached(): void {
    if (this.v.hdr.buffer !== this.host.buffer) this.makeViews();
  }

  private writeDescriptor(): void {
    const desc = new Int32Array(this.host.buffer, this.host.base, REGION_NAMES.length);
    REGION_NAMES.forEach((name, i) => (desc[i] = this.layout.regions[name].byteOffset));
  }

  /** Word index into `podArena`/`nodeArena` of an f64 stored at that arena's word `w`, for `v.f64All`. */
  arenaF64(arena: 'podArena' | 'nodeArena', w: number): number {
    return (this.layout.regions[arena].byteOffset >> 3) + (w >> 1);
  }
}
