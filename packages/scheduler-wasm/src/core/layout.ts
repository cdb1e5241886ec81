import {
  Cache,
  Hdr,
  MAX_PROFILES,
  MAX_SPREAD_CONSTRAINTS,
  Prof,
  Res,
  SCORE_PLUGIN_COUNT,
} from './codes.js';

/**
 * Where every table column lives in memory. Both engines use the same layout (the TS twin over a plain
 * ArrayBuffer, the WASM engine over linear memory), so everything that writes the table is shared code and the
 * engines differ only in their kernels.
 *
 *   base: [desc: one i32 byte offset per region] [hdr] [prof] [res] [node columns...] [pod columns] [arenas]
 *         [global tables] [scratch planes]
 *
 * Columns indexed by node are `cap.nodes` long; two-dimensional regions are rows of such columns
 * (`alloc[r * nodes + n]`, `labels[k * nodes + n]`, planes `[k * values + v]`). Regions are 8-byte aligned.
 */
export interface Capacities {
  nodes: number;
  resources: number;
  keys: number;
  values: number;
  pods: number;
  podWords: number;
  nodeWords: number;
  images: number;
}

type Kind = 'i32' | 'f64';
/** Which capacity a region's rows are measured in, and how many rows it has. */
interface RegionSpec {
  name: RegionName;
  kind: Kind;
  rows: (c: Capacities) => number;
  rowLen: (c: Capacities) => number;
  /** State that survives a re-layout; the rest is per-cycle scratch. */
  keep: boolean;
}

const nodes = (c: Capacities): number => c.nodes;
/**
 * Row stride of two-dimensional node regions. Capacities are powers of two, so rows (and regions) a power-of-two
 * apart would land in the same L1 cache sets and alias on 4 KiB boundaries, which slows the filter loop several
 * times over when it reads one column from each of several rows. A small pad staggers them.
 */
export const nodeStride = (c: Capacities): number => c.nodes + 24;
const one = (): number => 1;
const fixed = (n: number) => (): number => n;

/** The region order is part of the contract: assembly/layout.ts reads offsets by these indices. */
export const REGION_NAMES = [
  'hdr', 'prof', 'res',
  'nodeFlags', 'labelCount', 'podCount', 'firstPod', 'portPods', 'affPods', 'antiPods',
  'taintOff', 'taintLen', 'imageOff', 'imageLen', 'order',
  'status', 'detail', 'feasible', 'aux',
  'alloc', 'req', 'nz', 'labels', 'scores', 'total', 'logw',
  'nodeGen', 'cache',
  'podOff', 'podNode', 'podNext', 'podPrev', 'podArena', 'nodeArena', 'imageNodes', 'valueNum',
  'affPlane', 'antiPlane', 'existPlane', 'ipaPlane', 'hardPlane', 'softPlane',
  'batch', 'batchOut', 'cyc', 'victims', 'preOut',
] as const;
export type RegionName = (typeof REGION_NAMES)[number];

/** Words of the kernels' per-cycle scratch (decoded pod, constraint bookkeeping); see assembly/cycle-state.ts. */
export const CYCLE_WORDS = 1024;

const spec = (name: RegionName, kind: Kind, rows: RegionSpec['rows'], rowLen: RegionSpec['rowLen'], keep: boolean): RegionSpec => ({
  name,
  kind,
  rows,
  rowLen,
  keep,
});

const SPECS: RegionSpec[] = [
  spec('hdr', 'i32', one, fixed(Hdr.Words), true),
  spec('prof', 'i32', one, fixed(MAX_PROFILES * Prof.Words), true),
  spec('res', 'i32', one, fixed(Res.Words), false),
  ...(['nodeFlags', 'labelCount', 'podCount', 'firstPod', 'portPods', 'affPods', 'antiPods'] as const).map((n) =>
    spec(n, 'i32', one, nodes, true),
  ),
  ...(['taintOff', 'taintLen', 'imageOff', 'imageLen', 'order'] as const).map((n) => spec(n, 'i32', one, nodes, true)),
  ...(['status', 'detail', 'feasible', 'aux'] as const).map((n) => spec(n, 'i32', one, nodes, false)),
  spec('alloc', 'f64', (c) => c.resources, nodeStride, true),
  spec('req', 'f64', (c) => c.resources, nodeStride, true),
  spec('nz', 'f64', fixed(2), nodeStride, true),
  spec('labels', 'i32', (c) => c.keys, nodeStride, true),
  spec('scores', 'f64', fixed(SCORE_PLUGIN_COUNT), nodeStride, false),
  spec('total', 'f64', one, nodes, false),
  spec('logw', 'f64', one, (c) => c.nodes + 3, false),
  // Per-node result cache: what a pod class got on a node, valid while the node's generation and the epoch hold.
  spec('nodeGen', 'i32', one, nodes, true),
  spec('cache', 'i32', one, (c) => Cache.Words * c.nodes, false),
  ...(['podOff', 'podNode', 'podNext', 'podPrev'] as const).map((n) => spec(n, 'i32', one, (c) => c.pods, true)),
  spec('podArena', 'i32', one, (c) => c.podWords, true),
  spec('nodeArena', 'i32', one, (c) => c.nodeWords, true),
  spec('imageNodes', 'i32', one, (c) => c.images, true),
  spec('valueNum', 'f64', one, (c) => c.values, true),
  ...(['affPlane', 'antiPlane', 'existPlane'] as const).map((n) => spec(n, 'i32', (c) => c.keys, (c) => c.values, false)),
  spec('ipaPlane', 'f64', (c) => c.keys, (c) => c.values, false),
  spec('hardPlane', 'i32', fixed(MAX_SPREAD_CONSTRAINTS), (c) => c.values, false),
  spec('softPlane', 'i32', fixed(MAX_SPREAD_CONSTRAINTS), (c) => c.values, false),
  spec('batch', 'i32', one, (c) => c.pods, false),
  spec('batchOut', 'i32', one, (c) => c.pods, false),
  spec('cyc', 'i32', one, (c) => CYCLE_WORDS + 2 * c.resources + 4 * c.keys, false),
  // Preemption dry run: lower-priority pods of the node being tried, and the per-node results.
  spec('victims', 'i32', one, (c) => c.pods, false),
  spec('preOut', 'i32', one, (c) => 4 * c.nodes + c.pods, false),
];
if (SPECS.map((s) => s.name).join() !== REGION_NAMES.join()) throw new Error('layout: region specs out of order');

export interface Region {
  name: RegionName;
  kind: Kind;
  /** Absolute byte offset in the memory buffer. */
  byteOffset: number;
  rows: number;
  rowLen: number;
  keep: boolean;
}

export interface Layout {
  caps: Capacities;
  /** Row stride of two-dimensional node regions (alloc, req, nz, labels, scores). */
  nodeStride: number;
  base: number;
  /** Bytes from base to the end of the last region. */
  bytes: number;
  regions: Record<RegionName, Region>;
}

const align64 = (n: number): number => (n + 63) & ~63;

export function computeLayout(base: number, caps: Capacities): Layout {
  let at = align64(base + 4 * REGION_NAMES.length);
  const regions = {} as Record<RegionName, Region>;
  SPECS.forEach((s, i) => {
    const rows = s.rows(caps);
    const rowLen = s.rowLen(caps);
    regions[s.name] = { name: s.name, kind: s.kind, byteOffset: at, rows, rowLen, keep: s.keep };
    // Stagger region starts across cache sets for the same reason as nodeStride.
    at = align64(at + rows * rowLen * (s.kind === 'f64' ? 8 : 4)) + 64 * ((i % 31) + 1);
  });
  return { caps, nodeStride: nodeStride(caps), base, bytes: at - base, regions };
}

export const INITIAL_CAPACITIES: Capacities = {
  nodes: 64,
  resources: 8,
  keys: 8,
  values: 256,
  pods: 256,
  podWords: 16_384,
  nodeWords: 1024,
  images: 64,
};

/** The smallest power-of-two growth of `current` that holds `needed`. */
export function grown(current: number, needed: number): number {
  let c = Math.max(current, 1);
  while (c < needed) c *= 2;
  return c;
}
