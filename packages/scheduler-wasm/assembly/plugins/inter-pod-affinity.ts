// InterPodAffinity over planes indexed [label column * values + value id] (mirror of
// src/plugins/inter-pod-affinity/kernel.ts).
import { Hdr, MAX_NODE_SCORE, PodFlag, PodRec, Prof, Reason, Section, Term } from '../codes';
import { CycleState, prof } from '../cycle-state';
import {
  gAffPlane, gAffPods, gAntiPlane, gAntiPods, gExistPlane, gFirstPod, gIpaPlane, gLabelCount, gOrder, gPodNext, gPodOff,
  gValueCap, hdr, label, ld, ldf, pa, st, stf,
} from '../layout';
import { labelCountOf, labelsOf, sectionCount, sectionOff, termMatches, termWords } from '../record';

/** Adds `col` to the key list (zeroing its plane row) unless present; returns the new list length. */
function touch(keys: usize, n: i32, col: i32, planeBase: usize, bytesPerEntry: i32): i32 {
  for (let i = 0; i < n; i++) if (ld(keys, i) == col) return n;
  st(keys, n, col);
  const row = <usize>gValueCap * <usize>bytesPerEntry;
  memory.fill(planeBase + <usize>col * row, 0, row);
  return n + 1;
}

@inline function cell(base: usize, col: i32, val: i32): usize {
  return base + ((<usize>col * <usize>gValueCap + <usize>val) << 2);
}

function matchesAllAffinityTerms(c: CycleState, rec: i32): bool {
  const ns = pa(rec + PodRec.Namespace);
  const lo = labelsOf(rec);
  const lc = labelCountOf(rec);
  let t = c.affReqOff;
  for (let i = 0; i < c.affReqCount; i++) {
    if (!termMatches(t, ns, lo, lc)) return false;
    t += termWords(t);
  }
  return true;
}

export function affinityPreFilter(c: CycleState): void {
  c.existKeyN = 0;
  const scanExisting = hdr(Hdr.AntiPods) > 0;
  for (let j = 0; scanExisting && j < c.numNodes; j++) {
    const n = ld(gOrder, j);
    if (ld(gAntiPods, n) == 0) continue;
    for (let p = ld(gFirstPod, n); p >= 0; p = ld(gPodNext, p)) {
      const rec = ld(gPodOff, p);
      if ((pa(rec + PodRec.Flags) & PodFlag.HasRequiredAntiAffinity) == 0) continue;
      let t = sectionOff(rec, Section.AntiAffinityRequired);
      const terms = sectionCount(rec, Section.AntiAffinityRequired);
      for (let i = 0; i < terms; i++) {
        if (termMatches(t, c.ns, c.lblOff, c.lblCount)) {
          const col = pa(t + Term.KeyCol);
          const val = label(col, n);
          if (val >= 0) {
            c.existKeyN = touch(c.existKeys, c.existKeyN, col, gExistPlane, 4);
            const at = cell(gExistPlane, col, val);
            const cur = load<i32>(at);
            if (cur == 0) c.existEntries++;
            store<i32>(at, cur + 1);
          }
        }
        t += termWords(t);
      }
    }
  }
  if (c.affReqCount > 0 || c.antiReqCount > 0) {
    let kn = 0;
    let t = c.affReqOff;
    for (let i = 0; i < c.affReqCount; i++) {
      kn = touch(c.ipaKeys, kn, pa(t + Term.KeyCol), gAffPlane, 4);
      t += termWords(t);
    }
    kn = 0;
    t = c.antiReqOff;
    for (let i = 0; i < c.antiReqCount; i++) {
      kn = touch(c.ipaKeys, kn, pa(t + Term.KeyCol), gAntiPlane, 4);
      t += termWords(t);
    }
    for (let j = 0; j < c.numNodes; j++) {
      const n = ld(gOrder, j);
      for (let p = ld(gFirstPod, n); p >= 0; p = ld(gPodNext, p)) {
        const rec = ld(gPodOff, p);
        if (c.affReqCount > 0 && matchesAllAffinityTerms(c, rec)) {
          t = c.affReqOff;
          for (let i = 0; i < c.affReqCount; i++) {
            const col = pa(t + Term.KeyCol);
            const val = label(col, n);
            if (val >= 0) {
              const at = cell(gAffPlane, col, val);
              const cur = load<i32>(at);
              if (cur == 0) c.affEntries++;
              store<i32>(at, cur + 1);
            }
            t += termWords(t);
          }
        }
        if (c.antiReqCount > 0) {
          const ns = pa(rec + PodRec.Namespace);
          const lo = labelsOf(rec);
          const lc = labelCountOf(rec);
          t = c.antiReqOff;
          for (let i = 0; i < c.antiReqCount; i++) {
            if (termMatches(t, ns, lo, lc)) {
              const col = pa(t + Term.KeyCol);
              const val = label(col, n);
              if (val >= 0) {
                const at = cell(gAntiPlane, col, val);
                const cur = load<i32>(at);
                if (cur == 0) c.antiEntries++;
                store<i32>(at, cur + 1);
              }
            }
            t += termWords(t);
          }
        }
      }
    }
  }
  c.ipaFilter = c.existEntries > 0 || c.affReqCount > 0 || c.antiReqCount > 0;
}

export function affinityFilter(c: CycleState, n: i32): i32 {
  let podsExist = true;
  let t = c.affReqOff;
  for (let i = 0; i < c.affReqCount; i++) {
    const col = pa(t + Term.KeyCol);
    const val = label(col, n);
    if (val < 0) return Reason.PodAffinity;
    if (load<i32>(cell(gAffPlane, col, val)) <= 0) podsExist = false;
    t += termWords(t);
  }
  if (!podsExist && !(c.affEntries == 0 && (c.flags & PodFlag.SelfAffinity) != 0)) return Reason.PodAffinity;
  if (c.antiEntries > 0) {
    t = c.antiReqOff;
    for (let i = 0; i < c.antiReqCount; i++) {
      const col = pa(t + Term.KeyCol);
      const val = label(col, n);
      if (val >= 0 && load<i32>(cell(gAntiPlane, col, val)) > 0) return Reason.PodAntiAffinity;
      t += termWords(t);
    }
  }
  if (c.existEntries > 0) {
    for (let i = 0; i < c.existKeyN; i++) {
      const col = ld(c.existKeys, i);
      const val = label(col, n);
      if (val >= 0 && load<i32>(cell(gExistPlane, col, val)) > 0) return Reason.ExistingAntiAffinity;
    }
  }
  return Reason.Pass;
}

function add(c: CycleState, col: i32, n: i32, delta: f64): void {
  const val = label(col, n);
  if (val < 0) return;
  c.ipaKeyN = touch(c.ipaKeys, c.ipaKeyN, col, gIpaPlane, 8);
  const i = col * gValueCap + val;
  stf(gIpaPlane, i, ldf(gIpaPlane, i) + delta);
}

function weighted(c: CycleState, t: i32, count: i32, ns: i32, lo: i32, lc: i32, n: i32, sign: f64): void {
  for (let i = 0; i < count; i++) {
    if (termMatches(t, ns, lo, lc)) add(c, pa(t + Term.KeyCol), n, sign * <f64>pa(t + Term.Weight));
    t += termWords(t);
  }
}

export function affinityPreScore(c: CycleState): void {
  const has = c.affPrefCount > 0 || c.antiPrefCount > 0;
  c.ipaKeyN = 0;
  c.ipaScore = false;
  if (!has && (prof(c, Prof.IgnorePreferredOfExisting) != 0 || hdr(Hdr.AffinityPods) == 0)) return;
  const hard = <f64>prof(c, Prof.HardAffinityWeight);
  for (let j = 0; j < c.numNodes; j++) {
    const n = ld(gOrder, j);
    if ((!has && ld(gAffPods, n) == 0) || ld(gLabelCount, n) == 0) continue;
    for (let p = ld(gFirstPod, n); p >= 0; p = ld(gPodNext, p)) {
      const rec = ld(gPodOff, p);
      const flags = pa(rec + PodRec.Flags);
      if (!has && (flags & PodFlag.HasAffinity) == 0) continue;
      const ns = pa(rec + PodRec.Namespace);
      const lo = labelsOf(rec);
      const lc = labelCountOf(rec);
      weighted(c, c.affPrefOff, c.affPrefCount, ns, lo, lc, n, 1);
      weighted(c, c.antiPrefOff, c.antiPrefCount, ns, lo, lc, n, -1);
      if ((flags & PodFlag.HasAffinity) == 0) continue;
      if (hard > 0) {
        let t = sectionOff(rec, Section.AffinityRequired);
        const terms = sectionCount(rec, Section.AffinityRequired);
        for (let i = 0; i < terms; i++) {
          if (termMatches(t, c.ns, c.lblOff, c.lblCount)) add(c, pa(t + Term.KeyCol), n, hard);
          t += termWords(t);
        }
      }
      weighted(c, sectionOff(rec, Section.AffinityPreferred), sectionCount(rec, Section.AffinityPreferred), c.ns, c.lblOff, c.lblCount, n, 1);
      weighted(c, sectionOff(rec, Section.AntiAffinityPreferred), sectionCount(rec, Section.AntiAffinityPreferred), c.ns, c.lblOff, c.lblCount, n, -1);
    }
  }
  c.ipaScore = c.ipaKeyN > 0;
}

export function affinityScore(c: CycleState, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < c.ipaKeyN; i++) {
    const col = ld(c.ipaKeys, i);
    const val = label(col, n);
    if (val >= 0) s += ldf(gIpaPlane, col * gValueCap + val);
  }
  return s;
}

export function affinityNormalize(scores: usize, count: i32): void {
  let min = Infinity;
  let max = -Infinity;
  for (let j = 0; j < count; j++) {
    const s = ldf(scores, j);
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const diff = max - min;
  for (let j = 0; j < count; j++) {
    stf(scores, j, diff > 0 ? Math.trunc(<f64>MAX_NODE_SCORE * ((ldf(scores, j) - min) / diff)) : 0);
  }
}
