import { NO_VICTIMS_REASON, PodRec, PreOut, Reason, Res } from '../core/codes.js';
import type { CoreTable } from '../core/core-table.js';
import { linkPod, unlinkPod } from '../core/pod-links.js';

/**
 * DefaultPreemption's dry run over the node slots in the batch region (mirror of assembly/preemption.ts): per
 * node, take the lower-priority pods off, check the pod fits (`fits` runs PreFilter and Filter), then put them
 * back most important first while it still fits; the rest are the victims. The table is restored after every
 * node. Results go to preOut, the nodes examined to Res.BatchDone and the picked candidate to Res.Chosen.
 */
export function dryRun(t: CoreTable, slot: number, count: number, wanted: number, fits: (node: number) => number): void {
  const v = t.v;
  const a = v.podArena;
  const f = v.f64All;
  const podF = t.layout.regions.podArena.byteOffset >> 3;
  const priorityOf = (p: number): number => a[v.podOff[p]! + PodRec.Priority]!;
  const startOf = (p: number): number => f[podF + ((v.podOff[p]! + PodRec.StartTime) >> 1)]!;
  const priority = priorityOf(slot);
  const out = v.preOut;
  const victims = v.victims;
  let at = 0;
  let examined = 0;
  let candidates = 0;
  for (let i = 0; i < count && candidates < wanted; i++) {
    const n = v.batch[i]!;
    examined++;
    let k = 0;
    for (let p = v.firstPod[n]!; p >= 0; p = v.podNext[p]!) if (priorityOf(p) < priority) victims[k++] = p;
    out[at + PreOut.Node] = n;
    out[at + PreOut.Detail] = 0;
    out[at + PreOut.Victims] = 0;
    if (k === 0) {
      out[at + PreOut.Reason] = NO_VICTIMS_REASON;
      at += PreOut.Slots;
      continue;
    }
    for (let j = 0; j < k; j++) unlinkPod(t, victims[j]!);
    const r = fits(n);
    if (r !== Reason.Pass) {
      out[at + PreOut.Reason] = r;
      out[at + PreOut.Detail] = v.detail[n]!;
      for (let j = 0; j < k; j++) linkPod(t, victims[j]!, n);
      at += PreOut.Slots;
      continue;
    }
    // Most important first: higher priority, then earlier start (stable insertion sort).
    for (let j = 1; j < k; j++) {
      const p = victims[j]!;
      const pp = priorityOf(p);
      const ps = startOf(p);
      let m = j - 1;
      for (; m >= 0; m--) {
        const q = victims[m]!;
        const qp = priorityOf(q);
        if (qp > pp || (qp === pp && startOf(q) <= ps)) break;
        victims[m + 1] = q;
      }
      victims[m + 1] = p;
    }
    let nv = 0;
    for (let j = 0; j < k; j++) {
      const p = victims[j]!;
      linkPod(t, p, n);
      if (fits(n) !== Reason.Pass) {
        unlinkPod(t, p);
        out[at + PreOut.Slots + nv++] = p;
      }
    }
    for (let m = 0; m < nv; m++) linkPod(t, out[at + PreOut.Slots + m]!, n);
    out[at + PreOut.Reason] = nv > 0 ? Reason.Pass : NO_VICTIMS_REASON;
    out[at + PreOut.Victims] = nv;
    at += PreOut.Slots + nv;
    if (nv > 0) candidates++;
  }
  v.res[Res.BatchDone] = examined;
  v.res[Res.Chosen] = pickCandidate(t, examined, priorityOf, startOf);
}

/**
 * pickOneNodeForPreemption over the dry run's candidates (none violate a PDB here): the lowest most important
 * victim, then the smallest sum of shifted priorities, then the fewest victims, then the latest start among
 * the most important victims; ties go to the first. Returns the candidate's preOut offset or -1.
 */
function pickCandidate(t: CoreTable, examined: number, priorityOf: (p: number) => number, startOf: (p: number) => number): number {
  const out = t.v.preOut;
  let best = -1;
  let bTop = 0;
  let bSum = 0;
  let bCount = 0;
  let bStart = 0;
  for (let i = 0, at = 0; i < examined; i++) {
    const count = out[at + PreOut.Victims]!;
    if (out[at + PreOut.Reason] === Reason.Pass && count > 0) {
      const top = priorityOf(out[at + PreOut.Slots]!);
      let sum = 0;
      let start = Infinity;
      for (let k = 0; k < count; k++) {
        const p = out[at + PreOut.Slots + k]!;
        const pr = priorityOf(p);
        sum += pr + 2147483648;
        const s = startOf(p);
        if (pr === top && s < start) start = s;
      }
      const better = best < 0 || top < bTop || (top === bTop && (sum < bSum || (sum === bSum && (count < bCount || (count === bCount && start > bStart)))));
      if (better) {
        best = at;
        bTop = top;
        bSum = sum;
        bCount = count;
        bStart = start;
      }
    }
    at += PreOut.Slots + count;
  }
  return best;
}
