import { Hdr, MAX_SPREAD_CONSTRAINTS, PodRec, Prof, REQ_ENTRY_WORDS, Section } from '../core/codes.js';
import type { CoreTable, Views } from '../core/core-table.js';
import { sectionCount, sectionOff } from './record.js';

/**
 * The TS twin's state for one pod's scheduling cycle: table views and capacities, the decoded pod, and what
 * PreFilter/PreScore computed. One instance is reused for every pod (no per-cycle allocation); `begin` resets
 * everything a previous pod left. Plugin kernels receive it explicitly.
 */
export class Cycle {
  v!: Views;
  /** Row stride of two-dimensional node regions (alloc, req, nz, labels, scores). */
  cap = 0;
  values = 0;
  a!: Int32Array;
  na!: Int32Array;
  f!: Float64Array;
  /** f64 word index of the pod and node arenas' first word, for f64 fields addressed by arena word. */
  podF = 0;
  nodeF = 0;
  /** First word of the profile in the prof region. */
  p = 0;
  numNodes = 0;

  slot = -1;
  rec = 0;
  ns = 0;
  flags = 0;
  nodeName = -1;
  containers = 0;
  nzCpu = 0;
  nzMem = 0;
  /** Dense requests by resource column. */
  req = new Float64Array(0);

  reqOff = 0;
  reqCount = 0;
  tolOff = 0;
  tolCount = 0;
  selOff = 0;
  selCount = 0;
  termsOff = 0;
  termsCount = 0;
  prefOff = 0;
  prefCount = 0;
  portOff = 0;
  portCount = 0;
  imgOff = 0;
  imgCount = 0;
  lblOff = 0;
  lblCount = 0;
  spreadOff = 0;
  spreadCount = 0;
  affReqOff = 0;
  affReqCount = 0;
  antiReqOff = 0;
  antiReqCount = 0;
  affPrefOff = 0;
  affPrefCount = 0;
  antiPrefOff = 0;
  antiPrefCount = 0;

  /** PodTopologySpread: the pod's DoNotSchedule constraints (arena offsets) and their global minimums. */
  hardN = 0;
  readonly hardOff = new Int32Array(MAX_SPREAD_CONSTRAINTS);
  readonly hardMin = new Int32Array(MAX_SPREAD_CONSTRAINTS);
  /** PodTopologySpread: ScheduleAnyway constraints, their normalizing weights and domain counts. */
  softN = 0;
  readonly softOff = new Int32Array(MAX_SPREAD_CONSTRAINTS);
  readonly softW = new Float64Array(MAX_SPREAD_CONSTRAINTS);
  readonly softSize = new Int32Array(MAX_SPREAD_CONSTRAINTS);
  softIgnored = 0;
  softActive = false;

  /**
   * Scoring resources of NodeResourcesFit and BalancedAllocation resolved once per pod: the allocatable row,
   * the requested row (non-zero sums for cpu and memory) and the pod's request; resources left out of scoring
   * (see scoringRequest) are dropped here.
   */
  /** NodeResourcesFit's filter: per requested (and not ignored) column, the row offset, bit and amount. */
  ffN = 0;
  readonly ffRow = new Int32Array(32);
  readonly ffBit = new Int32Array(32);
  readonly ffWant = new Float64Array(32);
  fitN = 0;
  readonly fitAlloc = new Int32Array(16);
  readonly fitUsedNz = new Int32Array(16);
  readonly fitUsed = new Int32Array(16);
  readonly fitW = new Float64Array(16);
  readonly fitReq = new Float64Array(16);
  balN = 0;
  readonly balAlloc = new Int32Array(16);
  readonly balUsedNz = new Int32Array(16);
  readonly balUsed = new Int32Array(16);
  readonly balReq = new Float64Array(16);

  /** InterPodAffinity PreFilter: whether Filter runs, how many pairs each map holds, and existing pods' keys. */
  ipaFilter = false;
  affEntries = 0;
  antiEntries = 0;
  existEntries = 0;
  existKeys = new Int32Array(0);
  existKeyN = 0;
  /** InterPodAffinity PreScore: the topology keys of the score map. */
  ipaScore = false;
  ipaKeys = new Int32Array(0);
  ipaKeyN = 0;

  /** Binds to the table's current views and decodes the pod in `slot` for profile `profile`. */
  begin(t: CoreTable, slot: number, profile: number): void {
    const v = t.v;
    this.v = v;
    const caps = t.layout.caps;
    this.cap = t.layout.nodeStride;
    this.values = caps.values;
    this.a = v.podArena;
    this.na = v.nodeArena;
    this.f = v.f64All;
    this.podF = t.layout.regions.podArena.byteOffset >> 3;
    this.nodeF = t.layout.regions.nodeArena.byteOffset >> 3;
    this.p = profile * Prof.Words;
    this.numNodes = v.hdr[Hdr.OrderLen]!;
    if (this.req.length !== caps.resources) this.req = new Float64Array(caps.resources);
    if (this.existKeys.length !== caps.keys) {
      this.existKeys = new Int32Array(caps.keys);
      this.ipaKeys = new Int32Array(caps.keys);
    }
    this.slot = slot;
    const a = this.a;
    const rec = v.podOff[slot]!;
    this.rec = rec;
    this.ns = a[rec + PodRec.Namespace]!;
    this.flags = a[rec + PodRec.Flags]!;
    this.nodeName = a[rec + PodRec.NodeName]!;
    this.containers = a[rec + PodRec.Containers]!;
    this.nzCpu = this.f[this.podF + ((rec + PodRec.NzCpu) >> 1)]!;
    this.nzMem = this.f[this.podF + ((rec + PodRec.NzMem) >> 1)]!;
    this.req.fill(0);
    this.reqOff = sectionOff(a, rec, Section.Requests);
    this.reqCount = sectionCount(a, rec, Section.Requests);
    for (let i = 0; i < this.reqCount; i++) {
      const e = this.reqOff + i * REQ_ENTRY_WORDS;
      this.req[a[e]!] = this.f[this.podF + ((e + 2) >> 1)]!;
    }
    this.tolOff = sectionOff(a, rec, Section.Tolerations);
    this.tolCount = sectionCount(a, rec, Section.Tolerations);
    this.selOff = sectionOff(a, rec, Section.NodeSelector);
    this.selCount = sectionCount(a, rec, Section.NodeSelector);
    this.termsOff = sectionOff(a, rec, Section.RequiredTerms);
    this.termsCount = sectionCount(a, rec, Section.RequiredTerms);
    this.prefOff = sectionOff(a, rec, Section.PreferredTerms);
    this.prefCount = sectionCount(a, rec, Section.PreferredTerms);
    this.portOff = sectionOff(a, rec, Section.Ports);
    this.portCount = sectionCount(a, rec, Section.Ports);
    this.imgOff = sectionOff(a, rec, Section.Images);
    this.imgCount = sectionCount(a, rec, Section.Images);
    this.lblOff = sectionOff(a, rec, Section.Labels);
    this.lblCount = sectionCount(a, rec, Section.Labels);
    this.spreadOff = sectionOff(a, rec, Section.Spread);
    this.spreadCount = sectionCount(a, rec, Section.Spread);
    this.affReqOff = sectionOff(a, rec, Section.AffinityRequired);
    this.affReqCount = sectionCount(a, rec, Section.AffinityRequired);
    this.antiReqOff = sectionOff(a, rec, Section.AntiAffinityRequired);
    this.antiReqCount = sectionCount(a, rec, Section.AntiAffinityRequired);
    this.affPrefOff = sectionOff(a, rec, Section.AffinityPreferred);
    this.affPrefCount = sectionCount(a, rec, Section.AffinityPreferred);
    this.antiPrefOff = sectionOff(a, rec, Section.AntiAffinityPreferred);
    this.antiPrefCount = sectionCount(a, rec, Section.AntiAffinityPreferred);
    this.hardN = 0;
    this.softN = 0;
    this.softActive = false;
    this.softIgnored = 0;
    this.ipaFilter = false;
    this.ipaScore = false;
    this.existKeyN = 0;
    this.ipaKeyN = 0;
    this.affEntries = 0;
    this.antiEntries = 0;
    this.existEntries = 0;
    this.fitN = 0;
    this.balN = 0;
  }

  /** A profile word. */
  prof(word: number): number {
    return this.v.prof[this.p + word]!;
  }

  /** The node's value id for a label column, or -1. */
  label(col: number, n: number): number {
    return this.v.labels[col * this.cap + n]!;
  }
}
