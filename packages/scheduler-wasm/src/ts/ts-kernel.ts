import {
  Cache,
  CycleStatus,
  FilterBit,
  Hdr,
  MAX_NODE_SCORE,
  MAX_PROFILES,
  PodFlag,
  PodRec,
  Prof,
  Reason,
  REASON_COUNT,
  Res,
  SCORE_PLUGIN_COUNT,
  ScoreIndex,
} from '../core/codes.js';
import type { CoreTable } from '../core/core-table.js';
import { linkPod } from '../core/pod-links.js';
import { pick, xorshift32 } from '../core/rng.js';
import { affinityFilter, affinityNormalize, affinityPreFilter, affinityPreScore, affinityScore } from '../plugins/inter-pod-affinity/kernel.js';
import { imageScore } from '../plugins/image-locality/kernel.js';
import { nodeAffinityFilter, nodeAffinityScore } from '../plugins/node-affinity/kernel.js';
import { nodeNameFilter } from '../plugins/node-name/kernel.js';
import { nodePortsFilter } from '../plugins/node-ports/kernel.js';
import { balancedScore, balancedSkips } from '../plugins/node-resources-balanced-allocation/kernel.js';
import { fitFilter, fitScore, prepareFitFilter, prepareScoringResources } from '../plugins/node-resources-fit/kernel.js';
import { nodeUnschedulableFilter } from '../plugins/node-unschedulable/kernel.js';
import { spreadFilter, spreadNormalize, spreadPreFilter, spreadPreScore, spreadScore } from '../plugins/pod-topology-spread/kernel.js';
import { taintFilter, taintScore } from '../plugins/taint-toleration/kernel.js';
import { idiv } from './arith.js';
import { dryRun } from './preemption-dry-run.js';
import { Cycle } from './cycle.js';
import { numFeasibleNodesToFind } from './feasible-count.js';

/**
 * The TS twin of assembly/index.ts: one scheduling cycle per pod over the shared table, writing the same result
 * words, per-node statuses and header updates (start index, RNG state) as the WASM kernel.
 */
export class TsKernel {
  private readonly c = new Cycle();

  constructor(private readonly t: CoreTable) {}

  schedule(slot: number, profile: number, assume: boolean): void {
    this.cycle(slot, profile, assume);
  }

  /** Schedules `count` pods from the batch region, assuming each; stops after the first that fits nowhere. */
  batch(count: number, profile: number): void {
    const v = this.t.v;
    for (let k = 0; k < count; k++) {
      const status = this.cycle(v.batch[k]!, profile, true);
      v.batchOut[k] = status === CycleStatus.Scheduled ? v.res[Res.Node]! : -1;
      if (status !== CycleStatus.Scheduled) {
        v.res[Res.BatchDone] = k;
        return;
      }
    }
    v.res[Res.BatchDone] = count;
  }

  /** PreFilter and Filter of one pod against one node; returns the reason (status and detail columns are set). */
  filterOne(slot: number, profile: number, node: number): number {
    const c = this.c;
    c.begin(this.t, slot, profile);
    const mask = c.prof(Prof.FilterMask);
    if (mask & FilterBit.PodTopologySpread) spreadPreFilter(c);
    if (mask & FilterBit.InterPodAffinity) affinityPreFilter(c);
    prepareFitFilter(c);
    const r = filterNode(c, activeFilters(c, mask), node);
    c.v.status[node] = r;
    return r;
  }

  /** The preemption dry run (SchedulingCore.preemptDryRun); see preemption-dry-run.ts. */
  preempt(slot: number, profile: number, count: number, wanted: number): void {
    dryRun(this.t, slot, count, wanted, (node) => this.filterOne(slot, profile, node));
  }

  private cycle(slot: number, profile: number, assume: boolean): number {
    const c = this.c;
    const t = this.t;
    c.begin(t, slot, profile);
    const v = c.v;
    const res = v.res;
    for (let i = 0; i < REASON_COUNT; i++) res[Res.Reasons + i] = 0;
    const total = c.numNodes;
    res[Res.Processed] = 0;
    res[Res.Feasible] = 0;
    res[Res.Node] = -1;
    res[Res.ScoreOffset] = 0;
    if (total === 0) {
      res[Res.Status] = CycleStatus.NoNodes;
      return CycleStatus.NoNodes;
    }
    const mask = c.prof(Prof.FilterMask);
    if (mask & FilterBit.PodTopologySpread) spreadPreFilter(c);
    if (mask & FilterBit.InterPodAffinity) affinityPreFilter(c);
    prepareFitFilter(c);
    const active = activeFilters(c, mask);
    const scoreMask = c.prof(Prof.ScoreMask);
    const toFind = scoreMask === 0 ? 1 : numFeasibleNodesToFind(c.prof(Prof.Percentage), total);
    const start = v.hdr[Hdr.NextStart]!;
    const feasible = v.feasible;
    prepareScoringResources(c);
    let local = nodeLocalScores(c, scoreMask);
    const cacheable = (c.flags & PodFlag.NodeLocal) !== 0 && v.hdr[Hdr.AntiPods] === 0 && v.hdr[Hdr.AffinityPods] === 0;
    const key = c.a[c.rec + PodRec.Class]! * MAX_PROFILES + profile;
    const epoch = v.hdr[Hdr.Epoch]!;
    const wFit = c.prof(Prof.Weights + ScoreIndex.NodeResourcesFit);
    const wBal = c.prof(Prof.Weights + ScoreIndex.NodeResourcesBalancedAllocation);
    const wImg = c.prof(Prof.Weights + ScoreIndex.ImageLocality);
    const totals = v.total;
    const cache = v.cache;
    const cacheF = v.cacheF;
    const scores = v.scores;
    const taintRow = ScoreIndex.TaintToleration * c.cap;
    const affRow = ScoreIndex.NodeAffinity * c.cap;
    const wantTaint = (local & (1 << ScoreIndex.TaintToleration)) !== 0;
    const wantAff = (local & (1 << ScoreIndex.NodeAffinity)) !== 0;
    let taintMax = 0;
    let found = 0;
    let processed = 0;
    for (let i = 0; i < total; i++) {
      const n = v.order[(start + i) % total]!;
      processed++;
      let r: number;
      let direct = 0;
      let taint = 0;
      let aff = 0;
      const e = n * Cache.Words;
      if (cacheable && cache[e + Cache.Key] === key && cache[e + Cache.Gen] === v.nodeGen[n] && cache[e + Cache.Epoch] === epoch) {
        r = cache[e + Cache.Status]!;
        if (r !== Reason.Pass) v.detail[n] = cache[e + Cache.Detail]!;
        else {
          direct = cacheF[(e + Cache.Direct) >> 1]!;
          taint = cacheF[(e + Cache.Taint) >> 1]!;
          aff = cacheF[(e + Cache.Aff) >> 1]!;
        }
      } else {
        r = filterNode(c, active, n);
        if (r === Reason.Pass) {
          // Node-local scores depend on this node alone, so they are taken as the node passes.
          if (local & (1 << ScoreIndex.NodeResourcesFit)) direct += fitScore(c, n) * wFit;
          if (local & (1 << ScoreIndex.NodeResourcesBalancedAllocation)) direct += balancedScore(c, n) * wBal;
          if (local & (1 << ScoreIndex.ImageLocality)) direct += imageScore(c, n) * wImg;
          if (local & (1 << ScoreIndex.TaintToleration)) taint = taintScore(c, n);
          if (local & (1 << ScoreIndex.NodeAffinity)) aff = nodeAffinityScore(c, n);
        }
        if (cacheable) {
          cache[e + Cache.Key] = key;
          cache[e + Cache.Gen] = v.nodeGen[n]!;
          cache[e + Cache.Epoch] = epoch;
          cache[e + Cache.Status] = r;
          cache[e + Cache.Detail] = r === Reason.Pass ? 0 : v.detail[n]!;
          cacheF[(e + Cache.Direct) >> 1] = direct;
          cacheF[(e + Cache.Taint) >> 1] = taint;
          cacheF[(e + Cache.Aff) >> 1] = aff;
        }
      }
      v.status[n] = r;
      if (r === Reason.Pass) {
        totals[found] = direct;
        if (wantTaint) {
          scores[taintRow + found] = taint;
          if (taint > taintMax) taintMax = taint;
        }
        if (wantAff) scores[affRow + found] = aff;
        feasible[found++] = n;
        if (found === toFind) break;
      } else res[Res.Reasons + r]!++;
    }
    v.hdr[Hdr.NextStart] = (start + processed) % total;
    res[Res.Start] = start;
    res[Res.Processed] = processed;
    res[Res.Feasible] = found;
    if (found === 0) {
      res[Res.Status] = CycleStatus.Unschedulable;
      return CycleStatus.Unschedulable;
    }
    // A TaintToleration score of 100 on every node changes no ranking: added once as an offset, not per node.
    if (wantTaint && taintMax === 0 && found > 1) {
      res[Res.ScoreOffset] += MAX_NODE_SCORE * c.prof(Prof.Weights + ScoreIndex.TaintToleration);
      local &= ~(1 << ScoreIndex.TaintToleration);
    }
    const chosen = found === 1 ? feasible[0]! : this.scoreAndSelect(c, scoreMask, local, found);
    res[Res.Status] = CycleStatus.Scheduled;
    res[Res.Node] = chosen;
    if (assume) linkPod(t, slot, chosen);
    return CycleStatus.Scheduled;
  }

  /**
   * Finishes scoring the feasible nodes: normalizes the node-local scores taken during filtering (TaintToleration,
   * NodeAffinity), runs the scores that need the whole feasible set (PodTopologySpread, InterPodAffinity), and
   * picks the best total, breaking ties at random.
   */
  private scoreAndSelect(c: Cycle, mask: number, local: number, count: number): number {
    const v = c.v;
    const feasible = v.feasible;
    const scores = v.scores;
    const total = v.total;
    const cap = c.cap;
    for (let s = 0; s < SCORE_PLUGIN_COUNT; s++) {
      if ((mask & (1 << s)) === 0 || (DIRECT & (1 << s)) !== 0) continue;
      const base = s * cap;
      const precomputed = s === ScoreIndex.TaintToleration || s === ScoreIndex.NodeAffinity;
      if (precomputed ? (local & (1 << s)) === 0 : !prepare(c, s, feasible, count)) continue;
      if (!precomputed) for (let j = 0; j < count; j++) scores[base + j] = rawScore(c, s, feasible[j]!);
      const weight = c.prof(Prof.Weights + s);
      normalize(s, scores, base, count);
      for (let j = 0; j < count; j++) total[j] += scores[base + j]! * weight;
    }
    let best = -Infinity;
    let ties = 0;
    let sel = 0;
    let state = v.hdr[Hdr.RngState]!;
    for (let j = 0; j < count; j++) {
      const s = total[j]!;
      if (s > best) {
        best = s;
        ties = 1;
        sel = j;
      } else if (s === best) {
        ties++;
        state = xorshift32(state);
        if (pick(state, ties) === 0) sel = j;
      }
    }
    v.hdr[Hdr.RngState] = state;
    return feasible[sel]!;
  }
}

function filterNode(c: Cycle, mask: number, n: number): number {
  let r: number;
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

/** The enabled filters that can reject this pod at all (the rest would pass every node). */
function activeFilters(c: Cycle, mask: number): number {
  let m = mask;
  if (c.nodeName === -1) m &= ~FilterBit.NodeName;
  if (c.selCount === 0 && c.termsOff === 0) m &= ~FilterBit.NodeAffinity;
  if (c.portCount === 0) m &= ~FilterBit.NodePorts;
  if (c.hardN === 0) m &= ~FilterBit.PodTopologySpread;
  if (!c.ipaFilter) m &= ~FilterBit.InterPodAffinity;
  return m;
}

/** Plugins whose raw score is final (no NormalizeScore): summed straight into the totals in one pass. */
const DIRECT = (1 << ScoreIndex.NodeResourcesFit) | (1 << ScoreIndex.NodeResourcesBalancedAllocation) | (1 << ScoreIndex.ImageLocality);

/** The node-local score plugins that run for this pod (bits by ScoreIndex); the rest skip it or are not local. */
function nodeLocalScores(c: Cycle, mask: number): number {
  let m = mask & (DIRECT | (1 << ScoreIndex.TaintToleration) | (1 << ScoreIndex.NodeAffinity));
  if (c.prefCount === 0) m &= ~(1 << ScoreIndex.NodeAffinity);
  if (balancedSkips(c)) m &= ~(1 << ScoreIndex.NodeResourcesBalancedAllocation);
  return m;
}

/** PreScore of the plugins that need the whole feasible set; false when the plugin skips this pod. */
function prepare(c: Cycle, s: number, feasible: Int32Array, count: number): boolean {
  if (s === ScoreIndex.PodTopologySpread) {
    spreadPreScore(c, feasible, count);
    return c.softActive;
  }
  affinityPreScore(c);
  return c.ipaScore;
}

/** Raw scores of the plugins that need the whole feasible set. */
function rawScore(c: Cycle, s: number, n: number): number {
  return s === ScoreIndex.PodTopologySpread ? spreadScore(c, n) : affinityScore(c, n);
}

function normalize(s: number, scores: Float64Array, base: number, count: number): void {
  switch (s) {
    case ScoreIndex.TaintToleration:
      defaultNormalize(scores, base, count, true);
      return;
    case ScoreIndex.NodeAffinity:
      defaultNormalize(scores, base, count, false);
      return;
    case ScoreIndex.PodTopologySpread:
      spreadNormalize(scores, base, count);
      return;
    case ScoreIndex.InterPodAffinity:
      affinityNormalize(scores, base, count);
      return;
    default:
      return;
  }
}

/** DefaultNormalizeScore: scale to 0-100 by the maximum; `reverse` turns "fewer is better" around. */
function defaultNormalize(scores: Float64Array, base: number, count: number, reverse: boolean): void {
  let max = 0;
  for (let j = 0; j < count; j++) if (scores[base + j]! > max) max = scores[base + j]!;
  if (max === 0) {
    if (reverse) for (let j = 0; j < count; j++) scores[base + j] = 100;
    return;
  }
  for (let j = 0; j < count; j++) {
    const s = idiv(100 * scores[base + j]!, max);
    scores[base + j] = reverse ? 100 - s : s;
  }
}
