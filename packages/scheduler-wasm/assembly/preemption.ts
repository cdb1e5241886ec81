// DefaultPreemption's dry run inside the kernel (mirror of TsKernel.preempt): per node, take the lower-priority
// pods off, check the pod fits, then put them back most important first while it still fits; the rest are the
// victims. The table is restored after every node.
import { NO_VICTIMS_REASON, PodRec, PreOut, Reason, Res } from './codes';
import { linkPod, unlinkPod } from './assume';
import { evaluate } from './cycle';
import { gBatch, gDetail, gFirstPod, gPodNext, gPodOff, gPreOut, gRes, gVictims, ld, pa, paf, st } from './layout';

@inline function priorityOf(p: i32): i32 {
  return pa(ld(gPodOff, p) + PodRec.Priority);
}

@inline function startOf(p: i32): f64 {
  return paf(ld(gPodOff, p) + PodRec.StartTime);
}

/** Stable insertion sort of the first k victims: higher priority, then earlier start. */
function sortVictims(k: i32): void {
  for (let j = 1; j < k; j++) {
    const p = ld(gVictims, j);
    const pp = priorityOf(p);
    const ps = startOf(p);
    let m = j - 1;
    for (; m >= 0; m--) {
      const q = ld(gVictims, m);
      const qp = priorityOf(q);
      if (qp > pp || (qp == pp && startOf(q) <= ps)) break;
      st(gVictims, m + 1, q);
    }
    st(gVictims, m + 1, p);
  }
}

export function dryRun(slot: i32, profile: i32, count: i32, wanted: i32): void {
  const priority = priorityOf(slot);
  let at = 0;
  let examined = 0;
  let candidates = 0;
  for (let i = 0; i < count && candidates < wanted; i++) {
    const n = ld(gBatch, i);
    examined++;
    let k = 0;
    for (let p = ld(gFirstPod, n); p >= 0; p = ld(gPodNext, p)) if (priorityOf(p) < priority) st(gVictims, k++, p);
    st(gPreOut, at + PreOut.Node, n);
    st(gPreOut, at + PreOut.Detail, 0);
    st(gPreOut, at + PreOut.Victims, 0);
    if (k == 0) {
      st(gPreOut, at + PreOut.Reason, NO_VICTIMS_REASON);
      at += PreOut.Slots;
      continue;
    }
    for (let j = 0; j < k; j++) unlinkPod(ld(gVictims, j));
    const r = evaluate(slot, profile, n);
    if (r != Reason.Pass) {
      st(gPreOut, at + PreOut.Reason, r);
      st(gPreOut, at + PreOut.Detail, ld(gDetail, n));
      for (let j = 0; j < k; j++) linkPod(ld(gVictims, j), n);
      at += PreOut.Slots;
      continue;
    }
    sortVictims(k);
    let nv = 0;
    for (let j = 0; j < k; j++) {
      const p = ld(gVictims, j);
      linkPod(p, n);
      if (evaluate(slot, profile, n) != Reason.Pass) {
        unlinkPod(p);
        st(gPreOut, at + PreOut.Slots + nv++, p);
      }
    }
    for (let m = 0; m < nv; m++) linkPod(ld(gPreOut, at + PreOut.Slots + m), n);
    st(gPreOut, at + PreOut.Reason, nv > 0 ? Reason.Pass : NO_VICTIMS_REASON);
    st(gPreOut, at + PreOut.Victims, nv);
    at += PreOut.Slots + nv;
    if (nv > 0) candidates++;
  }
  st(gRes, Res.BatchDone, examined);
  st(gRes, Res.Chosen, pickCandidate(examined));
}

/** pickOneNodeForPreemption over the candidates (mirror of TsKernel.pickCandidate); preOut offset or -1. */
function pickCandidate(examined: i32): i32 {
  let best = -1;
  let bTop = 0;
  let bSum: f64 = 0;
  let bCount = 0;
  let bStart: f64 = 0;
  let at = 0;
  for (let i = 0; i < examined; i++) {
    const count = ld(gPreOut, at + PreOut.Victims);
    if (ld(gPreOut, at + PreOut.Reason) == Reason.Pass && count > 0) {
      const top = priorityOf(ld(gPreOut, at + PreOut.Slots));
      let sum: f64 = 0;
      let start: f64 = Infinity;
      for (let k = 0; k < count; k++) {
        const p = ld(gPreOut, at + PreOut.Slots + k);
        const pr = priorityOf(p);
        sum += <f64>pr + 2147483648;
        const s = startOf(p);
        if (pr == top && s < start) start = s;
      }
      const better =
        best < 0 ||
        top < bTop ||
        (top == bTop && (sum < bSum || (sum == bSum && (count < bCount || (count == bCount && start > bStart)))));
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
