// PodTopologySpread over count planes (mirror of src/plugins/pod-topology-spread/kernel.ts, which explains the
// planes with a worked example).
import { EMPTY_VALUE, MAX_NODE_SCORE, PodFlag, PodRec, Policy, Reason, SelectorKind, Spread, When } from '../codes';
import { CycleState } from '../cycle-state';
import { idiv, roundNonNegative } from '../arith';
import { gAux, gFirstPod, gHardPlane, gLogw, gOrder, gPodNext, gPodOff, gSoftPlane, gValueCap, label, ld, ldf, pa, st, stf } from '../layout';
import { labelCountOf, labelsOf, selectorMatches, selectorWords } from '../record';
import { matchesRequiredNodeAffinity } from './node-affinity';
import { firstUntoleratedTaint } from './taint-toleration';

@inline function constraintWords(q: i32): i32 {
  return Spread.Selector + selectorWords(q + Spread.Selector);
}

export function countMatching(c: CycleState, n: i32, sel: i32): i32 {
  if (pa(sel) != SelectorKind.Requirements) return 0;
  let count = 0;
  for (let p = ld(gFirstPod, n); p >= 0; p = ld(gPodNext, p)) {
    const rec = ld(gPodOff, p);
    if (pa(rec + PodRec.Namespace) != c.ns || (pa(rec + PodRec.Flags) & PodFlag.Terminating) != 0) continue;
    if (selectorMatches(sel, labelsOf(rec), labelCountOf(rec))) count++;
  }
  return count;
}

function hasAllKeys(offs: usize, count: i32, n: i32): bool {
  for (let i = 0; i < count; i++) if (label(pa(ld(offs, i) + Spread.KeyCol), n) < 0) return false;
  return true;
}

function included(c: CycleState, q: i32, n: i32): bool {
  if (pa(q + Spread.AffinityPolicy) == Policy.Honor && !matchesRequiredNodeAffinity(c, n)) return false;
  if (pa(q + Spread.TaintsPolicy) == Policy.Honor && firstUntoleratedTaint(c, n) >= 0) return false;
  return true;
}

function collect(c: CycleState, when: i32, offs: usize): i32 {
  let k = 0;
  let q = c.spreadOff;
  for (let i = 0; i < c.spreadCount; i++) {
    if (pa(q + Spread.When) == when) st(offs, k++, q);
    q += constraintWords(q);
  }
  return k;
}

@inline function plane(base: usize, i: i32, v: i32): usize {
  return base + ((<usize>i * <usize>gValueCap + <usize>v) << 2);
}

export function spreadPreFilter(c: CycleState): void {
  c.hardN = c.spreadCount == 0 ? 0 : collect(c, When.DoNotSchedule, c.hardOff);
  if (c.hardN == 0) return;
  const V = gValueCap;
  const rowBytes = <usize>V << 2;
  for (let i = 0; i < c.hardN; i++) memory.fill(gHardPlane + <usize>i * rowBytes, 0xff, rowBytes);
  memory.fill(c.hardMin, 0, <usize>c.hardN << 2);
  for (let j = 0; j < c.numNodes; j++) {
    const n = ld(gOrder, j);
    let bits = 0;
    if (hasAllKeys(c.hardOff, c.hardN, n)) {
      for (let i = 0; i < c.hardN; i++) {
        const q = ld(c.hardOff, i);
        if (!included(c, q, n)) continue;
        bits |= 1 << i;
        const at = plane(gHardPlane, i, label(pa(q + Spread.KeyCol), n));
        const cnt = countMatching(c, n, q + Spread.Selector);
        const cur = load<i32>(at);
        if (cur < 0) {
          store<i32>(at, cnt);
          st(c.hardMin, i, ld(c.hardMin, i) + 1);
        } else store<i32>(at, cur + cnt);
      }
    }
    st(gAux, n, bits);
  }
  for (let i = 0; i < c.hardN; i++) {
    const q = ld(c.hardOff, i);
    if (ld(c.hardMin, i) < pa(q + Spread.MinDomains)) {
      st(c.hardMin, i, 0);
      continue;
    }
    let min = 0x7fffffff;
    const col = pa(q + Spread.KeyCol);
    for (let j = 0; j < c.numNodes; j++) {
      const n = ld(gOrder, j);
      if ((ld(gAux, n) & (1 << i)) == 0) continue;
      const m = load<i32>(plane(gHardPlane, i, label(col, n)));
      if (m < min) min = m;
    }
    st(c.hardMin, i, min);
  }
}

export function spreadFilter(c: CycleState, n: i32): i32 {
  for (let i = 0; i < c.hardN; i++) {
    const q = ld(c.hardOff, i);
    const val = label(pa(q + Spread.KeyCol), n);
    if (val < 0) return Reason.SpreadMissingLabel;
    const counted = load<i32>(plane(gHardPlane, i, val));
    const matchNum = counted < 0 ? 0 : counted;
    if (matchNum + pa(q + Spread.SelfMatch) - ld(c.hardMin, i) > pa(q + Spread.MaxSkew)) return Reason.SpreadSkew;
  }
  return Reason.Pass;
}

@inline function ignoredForScore(c: CycleState, n: i32): bool {
  return (c.flags & PodFlag.SystemDefaultSpread) == 0 && !hasAllKeys(c.softOff, c.softN, n);
}

export function spreadPreScore(c: CycleState, feasible: usize, count: i32): void {
  c.softN = c.spreadCount == 0 ? 0 : collect(c, When.ScheduleAnyway, c.softOff);
  c.softActive = c.softN > 0 && count > 0 && c.numNodes > 0;
  if (!c.softActive) return;
  const rowBytes = <usize>gValueCap << 2;
  for (let i = 0; i < c.softN; i++) memory.fill(gSoftPlane + <usize>i * rowBytes, 0xff, rowBytes);
  memory.fill(c.softSize, 0, <usize>c.softN << 2);
  let ignored = 0;
  for (let j = 0; j < count; j++) {
    const n = ld(feasible, j);
    if (ignoredForScore(c, n)) {
      ignored++;
      continue;
    }
    for (let i = 0; i < c.softN; i++) {
      const q = ld(c.softOff, i);
      if (pa(q + Spread.IsHostname) != 0) continue;
      const val = label(pa(q + Spread.KeyCol), n);
      const at = plane(gSoftPlane, i, val < 0 ? EMPTY_VALUE : val);
      if (load<i32>(at) < 0) {
        store<i32>(at, 0);
        st(c.softSize, i, ld(c.softSize, i) + 1);
      }
    }
  }
  c.softIgnored = ignored;
  for (let i = 0; i < c.softN; i++) {
    const size = pa(ld(c.softOff, i) + Spread.IsHostname) != 0 ? count - ignored : ld(c.softSize, i);
    stf(c.softW, i, ldf(gLogw, size));
  }
  for (let j = 0; j < c.numNodes; j++) {
    const n = ld(gOrder, j);
    if (ignoredForScore(c, n)) continue;
    for (let i = 0; i < c.softN; i++) {
      const q = ld(c.softOff, i);
      if (pa(q + Spread.IsHostname) != 0 || !included(c, q, n)) continue;
      const val = label(pa(q + Spread.KeyCol), n);
      const at = plane(gSoftPlane, i, val < 0 ? EMPTY_VALUE : val);
      const cur = load<i32>(at);
      if (cur < 0) continue;
      store<i32>(at, cur + countMatching(c, n, q + Spread.Selector));
    }
  }
}

export function spreadScore(c: CycleState, n: i32): f64 {
  if (ignoredForScore(c, n)) return -1;
  let score: f64 = 0;
  for (let i = 0; i < c.softN; i++) {
    const q = ld(c.softOff, i);
    const val = label(pa(q + Spread.KeyCol), n);
    if (val < 0) continue;
    const cnt = pa(q + Spread.IsHostname) != 0 ? countMatching(c, n, q + Spread.Selector) : load<i32>(plane(gSoftPlane, i, val));
    score += <f64>cnt * ldf(c.softW, i) + <f64>(pa(q + Spread.MaxSkew) - 1);
  }
  return roundNonNegative(score);
}

export function spreadNormalize(scores: usize, count: i32): void {
  let min: f64 = 9007199254740991;
  let max: f64 = 0;
  for (let j = 0; j < count; j++) {
    const s = ldf(scores, j);
    if (s < 0) continue;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  for (let j = 0; j < count; j++) {
    const s = ldf(scores, j);
    if (s < 0) stf(scores, j, 0);
    else if (max == 0) stf(scores, j, <f64>MAX_NODE_SCORE);
    else stf(scores, j, idiv(<f64>MAX_NODE_SCORE * (max + min - s), max));
  }
}
