// Region base pointers of the shared table (src/core/layout.ts computes them; the descriptor at `base` lists
// them in REGION_NAMES order). They describe memory, not a pod: per-cycle state lives in CycleState.
import { Hdr } from './codes';

export let gHdr: usize = 0;
export let gProf: usize = 0;
export let gRes: usize = 0;
export let gNodeFlags: usize = 0;
export let gLabelCount: usize = 0;
export let gPodCount: usize = 0;
export let gFirstPod: usize = 0;
export let gPortPods: usize = 0;
export let gAffPods: usize = 0;
export let gAntiPods: usize = 0;
export let gTaintOff: usize = 0;
export let gTaintLen: usize = 0;
export let gImageOff: usize = 0;
export let gImageLen: usize = 0;
export let gOrder: usize = 0;
export let gStatus: usize = 0;
export let gDetail: usize = 0;
export let gFeasible: usize = 0;
export let gAux: usize = 0;
export let gAlloc: usize = 0;
export let gReq: usize = 0;
export let gNz: usize = 0;
export let gLabels: usize = 0;
export let gScores: usize = 0;
export let gTotal: usize = 0;
export let gLogw: usize = 0;
export let gNodeGen: usize = 0;
export let gCache: usize = 0;
export let gPodOff: usize = 0;
export let gPodNode: usize = 0;
export let gPodNext: usize = 0;
export let gPodPrev: usize = 0;
export let gPodArena: usize = 0;
export let gNodeArena: usize = 0;
export let gImageNodes: usize = 0;
export let gValueNum: usize = 0;
export let gAffPlane: usize = 0;
export let gAntiPlane: usize = 0;
export let gExistPlane: usize = 0;
export let gIpaPlane: usize = 0;
export let gHardPlane: usize = 0;
export let gSoftPlane: usize = 0;
export let gBatch: usize = 0;
export let gBatchOut: usize = 0;
export let gCyc: usize = 0;
export let gVictims: usize = 0;
export let gPreOut: usize = 0;

/** Node capacity (row length of node columns) and value capacity (row length of planes). */
export let gNodeCap: i32 = 0;
/** Row stride of two-dimensional node regions (alloc, req, nz, labels, scores). */
export let gNodeStride: i32 = 0;
export let gValueCap: i32 = 0;
export let gResCap: i32 = 0;
export let gKeyCap: i32 = 0;

@inline function at(desc: usize, i: i32): usize {
  return <usize>load<i32>(desc + (<usize>i << 2));
}

export function readDescriptor(desc: usize): void {
  gHdr = at(desc, 0);
  gProf = at(desc, 1);
  gRes = at(desc, 2);
  gNodeFlags = at(desc, 3);
  gLabelCount = at(desc, 4);
  gPodCount = at(desc, 5);
  gFirstPod = at(desc, 6);
  gPortPods = at(desc, 7);
  gAffPods = at(desc, 8);
  gAntiPods = at(desc, 9);
  gTaintOff = at(desc, 10);
  gTaintLen = at(desc, 11);
  gImageOff = at(desc, 12);
  gImageLen = at(desc, 13);
  gOrder = at(desc, 14);
  gStatus = at(desc, 15);
  gDetail = at(desc, 16);
  gFeasible = at(desc, 17);
  gAux = at(desc, 18);
  gAlloc = at(desc, 19);
  gReq = at(desc, 20);
  gNz = at(desc, 21);
  gLabels = at(desc, 22);
  gScores = at(desc, 23);
  gTotal = at(desc, 24);
  gLogw = at(desc, 25);
  gNodeGen = at(desc, 26);
  gCache = at(desc, 27);
  gPodOff = at(desc, 28);
  gPodNode = at(desc, 29);
  gPodNext = at(desc, 30);
  gPodPrev = at(desc, 31);
  gPodArena = at(desc, 32);
  gNodeArena = at(desc, 33);
  gImageNodes = at(desc, 34);
  gValueNum = at(desc, 35);
  gAffPlane = at(desc, 36);
  gAntiPlane = at(desc, 37);
  gExistPlane = at(desc, 38);
  gIpaPlane = at(desc, 39);
  gHardPlane = at(desc, 40);
  gSoftPlane = at(desc, 41);
  gBatch = at(desc, 42);
  gBatchOut = at(desc, 43);
  gCyc = at(desc, 44);
  gVictims = at(desc, 45);
  gPreOut = at(desc, 46);
  gNodeCap = load<i32>(gHdr + (<usize>Hdr.NodeCap << 2));
  gNodeStride = load<i32>(gHdr + (<usize>Hdr.NodeStride << 2));
  gResCap = load<i32>(gHdr + (<usize>Hdr.ResCount << 2));
  gKeyCap = load<i32>(gHdr + (<usize>Hdr.KeyCap << 2));
  gValueCap = load<i32>(gHdr + (<usize>Hdr.ValueCap << 2));
}

export const REGION_COUNT: i32 = 47;

// Word and f64 access by index into a region.
@inline export function ld(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
@inline export function st(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}
@inline export function ldf(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline export function stf(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
/** A pod-arena word, and an f64 stored at an (even) pod-arena word. */
@inline export function pa(w: i32): i32 {
  return load<i32>(gPodArena + (<usize>w << 2));
}
@inline export function paf(w: i32): f64 {
  return load<f64>(gPodArena + (<usize>w << 2));
}
@inline export function na(w: i32): i32 {
  return load<i32>(gNodeArena + (<usize>w << 2));
}
@inline export function naf(w: i32): f64 {
  return load<f64>(gNodeArena + (<usize>w << 2));
}
/** The node's value id for a label column, or -1. */
@inline export function label(col: i32, n: i32): i32 {
  return load<i32>(gLabels + ((<usize>col * <usize>gNodeStride + <usize>n) << 2));
}
@inline export function hdr(i: i32): i32 {
  return load<i32>(gHdr + (<usize>i << 2));
}
@inline export function setHdr(i: i32, v: i32): void {
  store<i32>(gHdr + (<usize>i << 2), v);
}
