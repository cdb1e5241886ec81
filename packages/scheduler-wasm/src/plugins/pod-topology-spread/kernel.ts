import { EMPTY_VALUE, MAX_NODE_SCORE, PodFlag, PodRec, Policy, Reason, Section, SelectorKind, Spread, When } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';
import { idiv, roundNonNegative } from '../../ts/arith.js';
import { selectorMatches, selectorWords } from '../../ts/record.js';
import { matchesRequiredNodeAffinity } from '../node-affinity/kernel.js';
import { firstUntoleratedTaint } from '../taint-toleration/kernel.js';

/**
 * PodTopologySpread over count planes: row i of hardPlane/softPlane holds, per node-label value id, the number of
 * matching pods in that domain for the pod's i-th hard/soft constraint, or -1 when the domain is not counted.
 *
 * Example: constraint zone/maxSkew 1, nodes a(zone=x, 2 matching pods), b(zone=y, 0), c(no zone label).
 * PreFilter counts x=2, y=0 (c lacks the key and is skipped); min = 0. Filter: a -> 2+1-0 > 1 fails,
 * b -> 0+1-0 passes, c -> "missing required label" (unresolvable).
 */
function constraintWords(c: Cycle, q: number): number {
  return Spread.Selector + selectorWords(c.a, q + Spread.Selector);
}

/** countPodsMatchSelector: pods on the node in the pod's namespace, not terminating, matching; 0 for empty selectors. */
export function countMatching(c: Cycle, n: number, sel: number): number {
  const a = c.a;
  if (a[sel] !== SelectorKind.Requirements) return 0;
  const v = c.v;
  let count = 0;
  for (let p = v.firstPod[n]!; p >= 0; p = v.podNext[p]!) {
    const rec = v.podOff[p]!;
    if (a[rec + PodRec.Namespace] !== c.ns || (a[rec + PodRec.Flags]! & PodFlag.Terminating) !== 0) continue;
    const loff = a[rec + PodRec.Sections + 2 * Section.Labels]!;
    if (selectorMatches(a, sel, rec + loff, a[rec + PodRec.Sections + 2 * Section.Labels + 1]!)) count++;
  }
  return count;
}

function hasAllKeys(c: Cycle, offs: Int32Array, count: number, n: number): boolean {
  for (let i = 0; i < count; i++) if (c.label(c.a[offs[i]! + Spread.KeyCol]!, n) < 0) return false;
  return true;
}

/** Node inclusion policies: honour the pod's required node affinity and/or its tolerations when counting. */
function included(c: Cycle, q: number, n: number): boolean {
  const a = c.a;
  if (a[q + Spread.AffinityPolicy] === Policy.Honor && !matchesRequiredNodeAffinity(c, n)) return false;
  if (a[q + Spread.TaintsPolicy] === Policy.Honor && firstUntoleratedTaint(c, n) >= 0) return false;
  return true;
}

function collect(c: Cycle, when: number, offs: Int32Array): number {
  let k = 0;
  let q = c.spreadOff;
  for (let i = 0; i < c.spreadCount; i++) {
    if (c.a[q + Spread.When] === when) offs[k++] = q;
    q += constraintWords(c, q);
  }
  return k;
}

export function spreadPreFilter(c: Cycle): void {
  c.hardN = c.spreadCount === 0 ? 0 : collect(c, When.DoNotSchedule, c.hardOff);
  if (c.hardN === 0) return;
  const v = c.v;
  const V = c.values;
  const plane = v.hardPlane;
  const a = c.a;
  plane.fill(-1, 0, c.hardN * V);
  const domains = c.hardMin; // counts domains first, then holds the minimum
  domains.fill(0, 0, c.hardN);
  for (let j = 0; j < c.numNodes; j++) {
    const n = v.order[j]!;
    let bits = 0;
    if (hasAllKeys(c, c.hardOff, c.hardN, n)) {
      for (let i = 0; i < c.hardN; i++) {
        const q = c.hardOff[i]!;
        if (!included(c, q, n)) continue;
        bits |= 1 << i;
        const idx = i * V + c.label(a[q + Spread.KeyCol]!, n);
        const cnt = countMatching(c, n, q + Spread.Selector);
        if (plane[idx]! < 0) {
          plane[idx] = cnt;
          domains[i]!++;
        } else plane[idx] += cnt;
      }
    }
    v.aux[n] = bits;
  }
  for (let i = 0; i < c.hardN; i++) {
    const q = c.hardOff[i]!;
    if (domains[i]! < a[q + Spread.MinDomains]!) {
      domains[i] = 0;
      continue;
    }
    let min = 0x7fffffff;
    for (let j = 0; j < c.numNodes; j++) {
      const n = v.order[j]!;
      if ((v.aux[n]! & (1 << i)) === 0) continue;
      const m = plane[i * V + c.label(a[q + Spread.KeyCol]!, n)]!;
      if (m < min) min = m;
    }
    domains[i] = min;
  }
}

/** Filter: existing matches + self-match - global minimum must not exceed maxSkew in the node's domain. */
export function spreadFilter(c: Cycle, n: number): number {
  const a = c.a;
  const V = c.values;
  for (let i = 0; i < c.hardN; i++) {
    const q = c.hardOff[i]!;
    const val = c.label(a[q + Spread.KeyCol]!, n);
    if (val < 0) return Reason.SpreadMissingLabel;
    const counted = c.v.hardPlane[i * V + val]!;
    const matchNum = counted < 0 ? 0 : counted;
    if (matchNum + a[q + Spread.SelfMatch]! - c.hardMin[i]! > a[q + Spread.MaxSkew]!) return Reason.SpreadSkew;
  }
  return Reason.Pass;
}

function ignoredForScore(c: Cycle, n: number): boolean {
  return (c.flags & PodFlag.SystemDefaultSpread) === 0 && !hasAllKeys(c, c.softOff, c.softN, n);
}

/** PreScore over the feasible nodes: domains, their normalizing weights, then pod counts from every node. */
export function spreadPreScore(c: Cycle, feasible: Int32Array, count: number): void {
  c.softN = c.spreadCount === 0 ? 0 : collect(c, When.ScheduleAnyway, c.softOff);
  c.softActive = c.softN > 0 && count > 0 && c.numNodes > 0;
  if (!c.softActive) return;
  const v = c.v;
  const V = c.values;
  const a = c.a;
  const plane = v.softPlane;
  plane.fill(-1, 0, c.softN * V);
  c.softSize.fill(0, 0, c.softN);
  let ignored = 0;
  for (let j = 0; j < count; j++) {
    const n = feasible[j]!;
    if (ignoredForScore(c, n)) {
      ignored++;
      continue;
    }
    for (let i = 0; i < c.softN; i++) {
      const q = c.softOff[i]!;
      if (a[q + Spread.IsHostname]) continue;
      const val = c.label(a[q + Spread.KeyCol]!, n);
      const idx = i * V + (val < 0 ? EMPTY_VALUE : val);
      if (plane[idx]! < 0) {
        plane[idx] = 0;
        c.softSize[i]!++;
      }
    }
  }
  c.softIgnored = ignored;
  for (let i = 0; i < c.softN; i++) {
    const size = a[c.softOff[i]! + Spread.IsHostname] ? count - ignored : c.softSize[i]!;
    c.softW[i] = v.logw[size]!;
  }
  for (let j = 0; j < c.numNodes; j++) {
    const n = v.order[j]!;
    if (ignoredForScore(c, n)) continue;
    for (let i = 0; i < c.softN; i++) {
      const q = c.softOff[i]!;
      if (a[q + Spread.IsHostname] || !included(c, q, n)) continue;
      const val = c.label(a[q + Spread.KeyCol]!, n);
      const idx = i * V + (val < 0 ? EMPTY_VALUE : val);
      if (plane[idx]! < 0) continue;
      plane[idx] += countMatching(c, n, q + Spread.Selector);
    }
  }
}

/** Score (before normalization); -1 marks a node ignored for lacking a topology key. */
export function spreadScore(c: Cycle, n: number): number {
  if (ignoredForScore(c, n)) return -1;
  const a = c.a;
  let score = 0;
  for (let i = 0; i < c.softN; i++) {
    const q = c.softOff[i]!;
    const val = c.label(a[q + Spread.KeyCol]!, n);
    if (val < 0) continue;
    const cnt = a[q + Spread.IsHostname] ? countMatching(c, n, q + Spread.Selector) : c.v.softPlane[i * c.values + val]!;
    score += cnt * c.softW[i]! + (a[q + Spread.MaxSkew]! - 1);
  }
  return roundNonNegative(score);
}

/** Fewer matching pods score higher: 100 * (max + min - s) / max; ignored nodes score 0. */
export function spreadNormalize(scores: Float64Array, base: number, count: number): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (let j = 0; j < count; j++) {
    const s = scores[base + j]!;
    if (s < 0) continue;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  for (let j = 0; j < count; j++) {
    const s = scores[base + j]!;
    if (s < 0) scores[base + j] = 0;
    else if (max === 0) scores[base + j] = MAX_NODE_SCORE;
    else scores[base + j] = idiv(MAX_NODE_SCORE * (max + min - s), max);
  }
}
