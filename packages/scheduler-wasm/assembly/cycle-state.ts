// One pod's scheduling cycle: the decoded pod and what PreFilter/PreScore computed. It lives in the table's
// `cyc` scratch region and is passed explicitly to every plugin kernel (mirror of src/ts/cycle.ts).
import { Hdr, PodRec, Prof, REQ_ENTRY_WORDS, Section } from './codes';
import { gCyc, gKeyCap, gPodOff, gProf, gResCap, hdr, ld, ldf, pa, paf, stf } from './layout';

@unmanaged
export class CycleState {
  rec: i32;
  ns: i32;
  flags: i32;
  nodeName: i32;
  containers: i32;
  numNodes: i32;
  p: i32;
  nzCpu: f64;
  nzMem: f64;
  reqOff: i32;
  reqCount: i32;
  tolOff: i32;
  tolCount: i32;
  selOff: i32;
  selCount: i32;
  termsOff: i32;
  termsCount: i32;
  prefOff: i32;
  prefCount: i32;
  portOff: i32;
  portCount: i32;
  imgOff: i32;
  imgCount: i32;
  lblOff: i32;
  lblCount: i32;
  spreadOff: i32;
  spreadCount: i32;
  affReqOff: i32;
  affReqCount: i32;
  antiReqOff: i32;
  antiReqCount: i32;
  affPrefOff: i32;
  affPrefCount: i32;
  antiPrefOff: i32;
  antiPrefCount: i32;
  hardN: i32;
  softN: i32;
  softIgnored: i32;
  softActive: bool;
  ipaFilter: bool;
  ipaScore: bool;
  affEntries: i32;
  antiEntries: i32;
  existEntries: i32;
  existKeyN: i32;
  ipaKeyN: i32;
  /** i32[16] arena offsets of hard constraints; i32[16] their minimums (domain counts while counting). */
  hardOff: usize;
  hardMin: usize;
  softOff: usize;
  softSize: usize;
  /** f64[16] normalizing weights of soft constraints. */
  softW: usize;
  /**
   * Scoring resources resolved per pod (prepareScoringResources): i32[16] absolute addresses of the allocatable
   * and requested rows, f64[16] weights and pod requests; likewise for BalancedAllocation.
   */
  /** NodeResourcesFit's filter: i32[32] absolute addresses of alloc rows, i32[32] bits, f64[32] amounts. */
  ffN: i32;
  ffRow: usize;
  ffBit: usize;
  ffWant: usize;
  fitN: i32;
  fitAlloc: usize;
  fitUsed: usize;
  fitW: usize;
  fitReq: usize;
  balN: i32;
  balAlloc: usize;
  balUsed: usize;
  balReq: usize;
  /** f64[resources] dense pod requests by column. */
  req: usize;
  existKeys: usize;
  ipaKeys: usize;
}

@inline function off(rec: i32, s: i32): i32 {
  const o = pa(rec + PodRec.Sections + 2 * s);
  return o == 0 ? 0 : rec + o;
}

@inline function cnt(rec: i32, s: i32): i32 {
  return pa(rec + PodRec.Sections + 2 * s + 1);
}

/** Decodes the pod in `slot` for `profile` into the state at the start of the cyc region. */
export function beginCycle(slot: i32, profile: i32): CycleState {
  const c = changetype<CycleState>(gCyc);
  c.hardOff = gCyc + 1024;
  c.hardMin = gCyc + 1088;
  c.softOff = gCyc + 1152;
  c.softSize = gCyc + 1216;
  c.softW = gCyc + 1280;
  c.fitAlloc = gCyc + 1408;
  c.fitUsed = gCyc + 1472;
  c.fitW = gCyc + 1536;
  c.fitReq = gCyc + 1664;
  c.balAlloc = gCyc + 1792;
  c.balUsed = gCyc + 1856;
  c.balReq = gCyc + 1920;
  c.ffRow = gCyc + 2048;
  c.ffBit = gCyc + 2176;
  c.ffWant = gCyc + 2304;
  c.ffN = 0;
  c.fitN = 0;
  c.balN = 0;
  c.req = gCyc + 4096;
  c.existKeys = c.req + (<usize>gResCap << 3);
  c.ipaKeys = c.existKeys + (<usize>gKeyCap << 2);
  const rec = ld(gPodOff, slot);
  c.rec = rec;
  c.ns = pa(rec + PodRec.Namespace);
  c.flags = pa(rec + PodRec.Flags);
  c.nodeName = pa(rec + PodRec.NodeName);
  c.containers = pa(rec + PodRec.Containers);
  c.numNodes = hdr(Hdr.OrderLen);
  c.p = profile * Prof.Words;
  c.nzCpu = paf(rec + PodRec.NzCpu);
  c.nzMem = paf(rec + PodRec.NzMem);
  memory.fill(c.req, 0, <usize>gResCap << 3);
  c.reqOff = off(rec, Section.Requests);
  c.reqCount = cnt(rec, Section.Requests);
  for (let i = 0; i < c.reqCount; i++) {
    const e = c.reqOff + i * REQ_ENTRY_WORDS;
    stf(c.req, pa(e), paf(e + 2));
  }
  c.tolOff = off(rec, Section.Tolerations);
  c.tolCount = cnt(rec, Section.Tolerations);
  c.selOff = off(rec, Section.NodeSelector);
  c.selCount = cnt(rec, Section.NodeSelector);
  c.termsOff = off(rec, Section.RequiredTerms);
  c.termsCount = cnt(rec, Section.RequiredTerms);
  c.prefOff = off(rec, Section.PreferredTerms);
  c.prefCount = cnt(rec, Section.PreferredTerms);
  c.portOff = off(rec, Section.Ports);
  c.portCount = cnt(rec, Section.Ports);
  c.imgOff = off(rec, Section.Images);
  c.imgCount = cnt(rec, Section.Images);
  c.lblOff = off(rec, Section.Labels);
  c.lblCount = cnt(rec, Section.Labels);
  c.spreadOff = off(rec, Section.Spread);
  c.spreadCount = cnt(rec, Section.Spread);
  c.affReqOff = off(rec, Section.AffinityRequired);
  c.affReqCount = cnt(rec, Section.AffinityRequired);
  c.antiReqOff = off(rec, Section.AntiAffinityRequired);
  c.antiReqCount = cnt(rec, Section.AntiAffinityRequired);
  c.affPrefOff = off(rec, Section.AffinityPreferred);
  c.affPrefCount = cnt(rec, Section.AffinityPreferred);
  c.antiPrefOff = off(rec, Section.AntiAffinityPreferred);
  c.antiPrefCount = cnt(rec, Section.AntiAffinityPreferred);
  c.hardN = 0;
  c.softN = 0;
  c.softIgnored = 0;
  c.softActive = false;
  c.ipaFilter = false;
  c.ipaScore = false;
  c.affEntries = 0;
  c.antiEntries = 0;
  c.existEntries = 0;
  c.existKeyN = 0;
  c.ipaKeyN = 0;
  return c;
}

/** A word of the cycle's profile. */
@inline export function prof(c: CycleState, word: i32): i32 {
  return load<i32>(gProf + (<usize>(c.p + word) << 2));
}

/** The pod's dense request for a resource column. */
@inline export function podReq(c: CycleState, col: i32): f64 {
  return ldf(c.req, col);
}

