// One pod's scheduling cycle over the shared node table: PreFilter, the filter loop with the per-node result
// cache, scoring and selection (mirror of src/ts/ts-kernel.ts).
import {
  Cache, CycleStatus, FilterBit, Hdr, MAX_NODE_SCORE, MAX_PROFILES, PodFlag, PodRec, Prof, Reason, REASON_COUNT, Res,
  SCORE_PLUGIN_COUNT, ScoreIndex,
} from './codes';
import { beginCycle, CycleState, prof } from './cycle-state';
import { idiv, pick, xorshift32 } from './arith';
import { linkPod } from './assume';
import {
  gCache, gDetail, gFeasible, gNodeGen, gNodeStride, gOrder, gRes, gScores, gStatus, gTotal, hdr, ld, ldf, pa, setHdr, st, stf,
} from './layout';
import { affinityFilter, affinityNormalize, affinityPreFilter, affinityPreScore, affinityScore } from './plugins/inter-pod-affinity';
import { imageScore } from './plugins/image-locality';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity';
import { nodeNameFilter } from './plugins/node-name';
import { nodePortsFilter } from './plugins/node-ports';
import { balancedScore, balancedSkips } from './plugins/node-resources-balanced-allocation';
import { fitFilter, fitScore, prepareFitFilter, prepareScoringResources } from './plugins/node-resources-fit';
import { nodeUnschedulableFilter } from './plugins/node-unschedulable';
import { spreadFilter, spreadNormalize, spreadPreFilter, spreadPreScore, spreadScore } from './plugins/pod-topology-spread';
import { taintFilter, taintScore } from './plugins/taint-toleration';

export function evaluate(slot: i32, profile: i32, node: i32): i32 {
  const c = beginCycle(slot, profile);
  const mask = prof(c, Prof.FilterMask);
  if (mask & FilterBit.PodTopologySpread) spreadPreFilter(c);
  if (mask & FilterBit.InterPodAffinity) affinityPreFilter(c);
  prepareFitFilter(c);
  const r = filterNode(c, activeFilters(c, mask), node);
  st(gStatus, node, r);
  return r;
}

/** The enabled filters that can reject this pod at all (the rest would pass every node). */
function activeFilters(c: CycleState, mask: i32): i32 {
  let m = mask;
  if (c.nodeName == -1) m &= ~FilterBit.NodeName;
  if (c.selCount == 0 && c.termsOff == 0) m &= ~FilterBit.NodeAffinity;
  if (c.portCount == 0) m &= ~FilterBit.NodePorts;
  if (c.hardN == 0) m &= ~FilterBit.PodTopologySpread;
  if (!c.ipaFilter) m &= ~FilterBit.InterPodAffinity;
  return m;
}

export function cycle(slot: i32, profile: i32, assume: bool): i32 {
  const c = beginCycle(slot, profile);
  for (let i = 0; i < REASON_COUNT; i++) st(gRes, Res.Reasons + i, 0);
  const total = c.numNodes;
  st(gRes, Res.Processed, 0);
  st(gRes, Res.Feasible, 0);
  st(gRes, Res.Node, -1);
  st(gRes, Res.ScoreOffset, 0);
  if (total == 0) {
    st(gRes, Res.Status, CycleStatus.NoNodes);
    return CycleStatus.NoNodes;
  }
  const mask = prof(c, Prof.FilterMask);
  if (mask & FilterBit.PodTopologySpread) spreadPreFilter(c);
  if (mask & FilterBit.InterPodAffinity) affinityPreFilter(c);
  prepareFitFilter(c);
  const active = activeFilters(c, mask);
  const scoreMask = prof(c, Prof.ScoreMask);
  const toFind = scoreMask == 0 ? 1 : numFeasibleNodesToFind(prof(c, Prof.Percentage), total);
  const start = hdr(Hdr.NextStart);
  prepareScoringResources(c);
  let local = nodeLocalScores(c, scoreMask);
  const cacheable = (c.flags & PodFlag.NodeLocal) != 0 && hdr(Hdr.AntiPods) == 0 && hdr(Hdr.AffinityPods) == 0;
  const key = pa(c.rec + PodRec.Class) * MAX_PROFILES + profile;
  const epoch = hdr(Hdr.Epoch);
  const wFit = <f64>prof(c, Prof.Weights + ScoreIndex.NodeResourcesFit);
  const wBal = <f64>prof(c, Prof.Weights + ScoreIndex.NodeResourcesBalancedAllocation);
  const wImg = <f64>prof(c, Prof.Weights + ScoreIndex.ImageLocality);
  const taintRow = gScores + ((<usize>ScoreIndex.TaintToleration * <usize>gNodeStride) << 3);
  const affRow = gScores + ((<usize>ScoreIndex.NodeAffinity * <usize>gNodeStride) << 3);
  const wantTaint = (local & (1 << ScoreIndex.TaintToleration)) != 0;
  const wantAff = (local & (1 << ScoreIndex.NodeAffinity)) != 0;
  let taintMax: f64 = 0;
  let found = 0;
  let processed = 0;
  let idx = start % total;
  for (let i = 0; i < total; i++) {
    const n = ld(gOrder, idx);
    idx++;
    if (idx == total) idx = 0;
    processed++;
    let r: i32;
    let direct: f64 = 0;
    let taint: f64 = 0;
    let aff: f64 = 0;
    const e = gCache + <usize>n * (<usize>Cache.Words << 2);
    if (cacheable && load<i32>(e) == key && load<i32>(e, Cache.Gen << 2) == ld(gNodeGen, n) && load<i32>(e, Cache.Epoch << 2) == epoch) {
      r = load<i32>(e, Cache.Status << 2);
      if (r != Reason.Pass) st(gDetail, n, load<i32>(e, Cache.Detail << 2));
      else {
        direct = load<f64>(e, Cache.Direct << 2);
        taint = load<f64>(e, Cache.Taint << 2);
        aff = load<f64>(e, Cache.Aff << 2);
      }
    } else {
      r = filterNode(c, active, n);
      if (r == Reason.Pass) {
        if (local & (1 << ScoreIndex.NodeResourcesFit)) direct += fitScore(c, n) * wFit;
        if (local & (1 << ScoreIndex.NodeResourcesBalancedAllocation)) direct += balancedScore(c, n) * wBal;
        if (local & (1 << ScoreIndex.ImageLocality)) direct += imageScore(c, n) * wImg;
        if (wantTaint) taint = taintScore(c, n);
        if (wantAff) aff = nodeAffinityScore(c, n);
      }
      if (cacheable) {
        store<i32>(e, key);
        store<i32>(e, ld(gNodeGen, n), Cache.Gen << 2);
        store<i32>(e, epoch, Cache.Epoch << 2);
        store<i32>(e, r, Cache.Status << 2);
        store<i32>(e, r == Reason.Pass ? 0 : ld(gDetail, n), Cache.Detail << 2);
        store<f64>(e, direct, Cache.Direct << 2);
        store<f64>(e, taint, Cache.Taint << 2);
        store<f64>(e, aff, Cache.Aff << 2);
      }
    }
    st(gStatus, n, r);
    if (r == Reason.Pass) {
      stf(gTotal, found, direct);
      if (wantTaint) {
        stf(taintRow, found, taint);
        if (taint > taintMax) taintMax = taint;
      }
      if (wantAff) stf(affRow, found, aff);
      st(gFeasible, found++, n);
      if (found == toFind) break;
    } else st(gRes, Res.Reasons + r, ld(gRes, Res.Reasons + r) + 1);
  }
  setHdr(Hdr.NextStart, (start + processed) % total);
  st(gRes, Res.Start, start);
  st(gRes, Res.Processed, processed);
  st(gRes, Res.Feasible, found);
  if (found == 0) {
    st(gRes, Res.Status, CycleStatus.Unschedulable);
    return CycleStatus.Unschedulable;
  }
  // A TaintToleration score of 100 on every node changes no ranking: added once as an offset, not per node.
  if (wantTaint && taintMax == 0 && found > 1) {
    st(gRes, Res.ScoreOffset, ld(gRes, Res.ScoreOffset) + MAX_NODE_SCORE * prof(c, Prof.Weights + ScoreIndex.TaintToleration));
    local &= ~(1 << ScoreIndex.TaintToleration);
  }
  const chosen = found == 1 ? ld(gFeasible, 0) : scoreAndSelect(c, scoreMask, local, found);
  st(gRes, Res.Status, CycleStatus.Scheduled);
  st(gRes, Res.Node, chosen);
  if (assume) linkPod(slot, chosen);
  return CycleStatus.Scheduled;
}

/** The node-local score plugins that run for this pod (bits by ScoreIndex). */
function nodeLocalScores(c: CycleState, mask: i32): i32 {
  let m = mask & (DIRECT | (1 << ScoreIndex.TaintToleration) | (1 << ScoreIndex.NodeAffinity));
  if (c.prefCount == 0) m &= ~(1 << ScoreIndex.NodeAffinity);
  if (balancedSkips(c)) m &= ~(1 << ScoreIndex.NodeResourcesBalancedAllocation);
  return m;
}

function numFeasibleNodesToFind(percentage: i32, total: i32): i32 {
  if (total < 100) return total;
  let pct = percentage;
  if (pct == 0) {
    pct = 50 - total / 125;
    if (pct < 5) pct = 5;
  }
  const n = <i32>((<i64>total * <i64>pct) / 100);
  return n < 100 ? 100 : n;
}

@inline function filterNode(c: CycleState, mask: i32, n: i32): i32 {
  let r: i32;
  if (mask & FilterBit.NodeUnschedulable && (r = nodeUnschedulableFilter(c, n))) return r;
  if (mask & FilterBit.NodeName && (r = nodeNameFilter(c, n))) return r;
  if (mask & FilterBit.TaintToleration && (r = taintFilter(c, n))) return r;
  if (mask & FilterBit.NodeAffinity && (r = nodeAffinityFilter(c, n))) return r;
  if (mask & FilterBit.NodePorts && (r = nodePortsFilter(c, n))) return r;
  if (mask & FilterBit.NodeResourcesFit && (r = fitFilter(c, n))) return r;
  if (mask & FilterBit.PodTopologySpread && (r = spreadFilter(c, n))) return r;
  if (mask & FilterBit.InterPodAffinity && (r = affinityFilter(c, n))) return r;
  return Reason.Pass;
}

/** PreScore of the plugins that need the whole feasible set; false when the plugin skips this pod. */
function prepare(c: CycleState, s: i32, count: i32): bool {
  if (s == ScoreIndex.PodTopologySpread) {
    spreadPreScore(c, gFeasible, count);
    return c.softActive;
  }
  affinityPreScore(c);
  return c.ipaScore;
}

@inline function rawScore(c: CycleState, s: i32, n: i32): f64 {
  return s == ScoreIndex.PodTopologySpread ? spreadScore(c, n) : affinityScore(c, n);
}

function defaultNormalize(scores: usize, count: i32, reverse: bool): void {
  let max: f64 = 0;
  for (let j = 0; j < count; j++) if (ldf(scores, j) > max) max = ldf(scores, j);
  if (max == 0) {
    if (reverse) for (let j = 0; j < count; j++) stf(scores, j, <f64>MAX_NODE_SCORE);
    return;
  }
  for (let j = 0; j < count; j++) {
    const s = idiv(<f64>MAX_NODE_SCORE * ldf(scores, j), max);
    stf(scores, j, reverse ? <f64>MAX_NODE_SCORE - s : s);
  }
}

function normalize(s: i32, scores: usize, count: i32): void {
  if (s == ScoreIndex.TaintToleration) defaultNormalize(scores, count, true);
  else if (s == ScoreIndex.NodeAffinity) defaultNormalize(scores, count, false);
  else if (s == ScoreIndex.PodTopologySpread) spreadNormalize(scores, count);
  else if (s == ScoreIndex.InterPodAffinity) affinityNormalize(scores, count);
}

/** Plugins whose raw score is final (no NormalizeScore): summed straight into the totals in one pass. */
const DIRECT: i32 = (1 << ScoreIndex.NodeResourcesFit) | (1 << ScoreIndex.NodeResourcesBalancedAllocation) | (1 << ScoreIndex.ImageLocality);

function scoreAndSelect(c: CycleState, mask: i32, local: i32, count: i32): i32 {
  for (let s = 0; s < SCORE_PLUGIN_COUNT; s++) {
    if ((mask & (1 << s)) == 0 || (DIRECT & (1 << s)) != 0) continue;
    const base = gScores + ((<usize>s * <usize>gNodeStride) << 3);
    const precomputed = s == ScoreIndex.TaintToleration || s == ScoreIndex.NodeAffinity;
    if (precomputed ? (local & (1 << s)) == 0 : !prepare(c, s, count)) continue;
    if (!precomputed) for (let j = 0; j < count; j++) stf(base, j, rawScore(c, s, ld(gFeasible, j)));
    const weight = prof(c, Prof.Weights + s);
    normalize(s, base, count);
    for (let j = 0; j < count; j++) stf(gTotal, j, ldf(gTotal, j) + ldf(base, j) * <f64>weight);
  }
  let best = -Infinity;
  let ties = 0;
  let sel = 0;
  let state = <u32>hdr(Hdr.RngState);
  for (let j = 0; j < count; j++) {
    const s = ldf(gTotal, j);
    if (s > best) {
      best = s;
      ties = 1;
      sel = j;
    } else if (s == best) {
      ties++;
      state = xorshift32(state);
      if (pick(state, ties) == 0) sel = j;
    }
  }
  setHdr(Hdr.RngState, <i32>state);
  return ld(gFeasible, sel);
}
