import { Hdr, MAX_NODE_SCORE, PodFlag, PodRec, Prof, Reason, Section, Term } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';
import { sectionCount, sectionOff, termMatches, termWords } from '../../ts/record.js';

/**
 * InterPodAffinity over planes indexed [label column * values + value id]: affPlane and antiPlane count existing
 * pods matching the incoming pod's required (anti-)affinity per topology pair, existPlane counts existing pods whose
 * required anti-affinity matches the incoming pod, ipaPlane sums preference weights. A row is zeroed the first
 * time a cycle touches its column.
 */
function touch(keys: Int32Array, n: number, col: number, plane: Int32Array | Float64Array, V: number): number {
  for (let i = 0; i < n; i++) if (keys[i] === col) return n;
  keys[n] = col;
  plane.fill(0, col * V, (col + 1) * V);
  return n + 1;
}

function labelsOf(a: Int32Array, rec: number): number {
  return rec + a[rec + PodRec.Sections + 2 * Section.Labels]!;
}

function labelCountOf(a: Int32Array, rec: number): number {
  return a[rec + PodRec.Sections + 2 * Section.Labels + 1]!;
}

/** podMatchesAllAffinityTerms: the existing pod matches every one of the incoming pod's required affinity terms. */
function matchesAllAffinityTerms(c: Cycle, rec: number): boolean {
  const a = c.a;
  const ns = a[rec + PodRec.Namespace]!;
  const lo = labelsOf(a, rec);
  const lc = labelCountOf(a, rec);
  let t = c.affReqOff;
  for (let i = 0; i < c.affReqCount; i++) {
    if (!termMatches(a, t, ns, lo, lc)) return false;
    t += termWords(a, t);
  }
  return true;
}

export function affinityPreFilter(c: Cycle): void {
  const v = c.v;
  const a = c.a;
  const V = c.values;
  const myLabels = c.lblOff;
  c.existKeyN = 0;
  // Existing pods whose required anti-affinity terms match the incoming pod.
  const scanExisting = v.hdr[Hdr.AntiPods]! > 0;
  for (let j = 0; scanExisting && j < c.numNodes; j++) {
    const n = v.order[j]!;
    if (v.antiPods[n] === 0) continue;
    for (let p = v.firstPod[n]!; p >= 0; p = v.podNext[p]!) {
      const rec = v.podOff[p]!;
      if ((a[rec + PodRec.Flags]! & PodFlag.HasRequiredAntiAffinity) === 0) continue;
      let t = sectionOff(a, rec, Section.AntiAffinityRequired);
      const terms = sectionCount(a, rec, Section.AntiAffinityRequired);
      for (let i = 0; i < terms; i++) {
        if (termMatches(a, t, c.ns, myLabels, c.lblCount)) {
          const col = a[t + Term.KeyCol]!;
          const val = c.label(col, n);
          if (val >= 0) {
            c.existKeyN = touch(c.existKeys, c.existKeyN, col, v.existPlane, V);
            if (v.existPlane[col * V + val]!++ === 0) c.existEntries++;
          }
        }
        t += termWords(a, t);
      }
    }
  }
  // Existing pods matching the incoming pod's required terms.
  if (c.affReqCount > 0 || c.antiReqCount > 0) {
    const keys = c.ipaKeys; // scratch: which rows this cycle zeroed
    let kn = 0;
    let t = c.affReqOff;
    for (let i = 0; i < c.affReqCount; i++, t += termWords(a, t)) kn = touch(keys, kn, a[t + Term.KeyCol]!, v.affPlane, V);
    kn = 0;
    t = c.antiReqOff;
    for (let i = 0; i < c.antiReqCount; i++, t += termWords(a, t)) kn = touch(keys, kn, a[t + Term.KeyCol]!, v.antiPlane, V);
    for (let j = 0; j < c.numNodes; j++) {
      const n = v.order[j]!;
      for (let p = v.firstPod[n]!; p >= 0; p = v.podNext[p]!) {
        const rec = v.podOff[p]!;
        if (c.affReqCount > 0 && matchesAllAffinityTerms(c, rec)) {
          t = c.affReqOff;
          for (let i = 0; i < c.affReqCount; i++, t += termWords(a, t)) {
            const col = a[t + Term.KeyCol]!;
            const val = c.label(col, n);
            if (val >= 0 && v.affPlane[col * V + val]!++ === 0) c.affEntries++;
          }
        }
        if (c.antiReqCount > 0) {
          const ns = a[rec + PodRec.Namespace]!;
          const lo = labelsOf(a, rec);
          const lc = labelCountOf(a, rec);
          t = c.antiReqOff;
          for (let i = 0; i < c.antiReqCount; i++, t += termWords(a, t)) {
            if (!termMatches(a, t, ns, lo, lc)) continue;
            const col = a[t + Term.KeyCol]!;
            const val = c.label(col, n);
            if (val >= 0 && v.antiPlane[col * V + val]!++ === 0) c.antiEntries++;
          }
        }
      }
    }
  }
  c.ipaFilter = c.existEntries > 0 || c.affReqCount > 0 || c.antiReqCount > 0;
}

export function affinityFilter(c: Cycle, n: number): number {
  const a = c.a;
  const v = c.v;
  const V = c.values;
  let podsExist = true;
  let t = c.affReqOff;
  for (let i = 0; i < c.affReqCount; i++, t += termWords(a, t)) {
    const col = a[t + Term.KeyCol]!;
    const val = c.label(col, n);
    if (val < 0) return Reason.PodAffinity;
    if (v.affPlane[col * V + val]! <= 0) podsExist = false;
  }
  if (!podsExist && !(c.affEntries === 0 && (c.flags & PodFlag.SelfAffinity) !== 0)) return Reason.PodAffinity;
  if (c.antiEntries > 0) {
    t = c.antiReqOff;
    for (let i = 0; i < c.antiReqCount; i++, t += termWords(a, t)) {
      const col = a[t + Term.KeyCol]!;
      const val = c.label(col, n);
      if (val >= 0 && v.antiPlane[col * V + val]! > 0) return Reason.PodAntiAffinity;
    }
  }
  if (c.existEntries > 0) {
    for (let i = 0; i < c.existKeyN; i++) {
      const col = c.existKeys[i]!;
      const val = c.label(col, n);
      if (val >= 0 && v.existPlane[col * V + val]! > 0) return Reason.ExistingAntiAffinity;
    }
  }
  return Reason.Pass;
}

function add(c: Cycle, col: number, n: number, delta: number): void {
  const val = c.label(col, n);
  if (val < 0) return;
  c.ipaKeyN = touch(c.ipaKeys, c.ipaKeyN, col, c.v.ipaPlane, c.values);
  c.v.ipaPlane[col * c.values + val] += delta;
}

/** Adds ±weight for each of `count` weighted terms at `t` that match the pod (ns, labels). */
function weighted(c: Cycle, t: number, count: number, ns: number, lo: number, lc: number, n: number, sign: number): void {
  const a = c.a;
  for (let i = 0; i < count; i++, t += termWords(a, t)) {
    if (termMatches(a, t, ns, lo, lc)) add(c, a[t + Term.KeyCol]!, n, sign * a[t + Term.Weight]!);
  }
}

/** PreScore: preferences both ways between the incoming pod and existing pods, summed per topology pair. */
export function affinityPreScore(c: Cycle): void {
  const has = c.affPrefCount > 0 || c.antiPrefCount > 0;
  c.ipaKeyN = 0;
  c.ipaScore = false;
  if (!has && (c.prof(Prof.IgnorePreferredOfExisting) !== 0 || c.v.hdr[Hdr.AffinityPods] === 0)) return;
  const hard = c.prof(Prof.HardAffinityWeight);
  const v = c.v;
  const a = c.a;
  for (let j = 0; j < c.numNodes; j++) {
    const n = v.order[j]!;
    if ((!has && v.affPods[n] === 0) || v.labelCount[n] === 0) continue;
    for (let p = v.firstPod[n]!; p >= 0; p = v.podNext[p]!) {
      const rec = v.podOff[p]!;
      const flags = a[rec + PodRec.Flags]!;
      if (!has && (flags & PodFlag.HasAffinity) === 0) continue;
      const ns = a[rec + PodRec.Namespace]!;
      const lo = labelsOf(a, rec);
      const lc = labelCountOf(a, rec);
      weighted(c, c.affPrefOff, c.affPrefCount, ns, lo, lc, n, 1);
      weighted(c, c.antiPrefOff, c.antiPrefCount, ns, lo, lc, n, -1);
      if ((flags & PodFlag.HasAffinity) === 0) continue;
      if (hard > 0) {
        let t = sectionOff(a, rec, Section.AffinityRequired);
        const terms = sectionCount(a, rec, Section.AffinityRequired);
        for (let i = 0; i < terms; i++, t += termWords(a, t)) {
          if (termMatches(a, t, c.ns, c.lblOff, c.lblCount)) add(c, a[t + Term.KeyCol]!, n, hard);
        }
      }
      weighted(c, sectionOff(a, rec, Section.AffinityPreferred), sectionCount(a, rec, Section.AffinityPreferred), c.ns, c.lblOff, c.lblCount, n, 1);
      weighted(c, sectionOff(a, rec, Section.AntiAffinityPreferred), sectionCount(a, rec, Section.AntiAffinityPreferred), c.ns, c.lblOff, c.lblCount, n, -1);
    }
  }
  c.ipaScore = c.ipaKeyN > 0;
}

export function affinityScore(c: Cycle, n: number): number {
  let s = 0;
  for (let i = 0; i < c.ipaKeyN; i++) {
    const col = c.ipaKeys[i]!;
    const val = c.label(col, n);
    if (val >= 0) s += c.v.ipaPlane[col * c.values + val]!;
  }
  return s;
}

/** Min-max scaling onto 0-100, truncated; all equal scores become 0. */
export function affinityNormalize(scores: Float64Array, base: number, count: number): void {
  let min = Infinity;
  let max = -Infinity;
  for (let j = 0; j < count; j++) {
    const s = scores[base + j]!;
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const diff = max - min;
  for (let j = 0; j < count; j++) {
    scores[base + j] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[base + j]! - min) / diff)) : 0;
  }
}
