// Placing a pod on its chosen node inside a batch (mirror of src/core/pod-links.ts linkPod).
import { Hdr, PodFlag, PodRec, REQ_ENTRY_WORDS, Section } from './codes';
import {
  gAffPods, gAntiPods, gFirstPod, gNodeGen, gNodeStride, gNz, gPodCount, gPodNext, gPodNode, gPodOff, gPodPrev, gPortPods, gReq, hdr, ld, ldf,
  pa, paf, setHdr, st, stf,
} from './layout';

export function linkPod(slot: i32, node: i32): void {
  st(gNodeGen, node, ld(gNodeGen, node) + 1);
  const head = ld(gFirstPod, node);
  st(gPodNode, slot, node);
  st(gPodPrev, slot, -1);
  st(gPodNext, slot, head);
  if (head >= 0) st(gPodPrev, head, slot);
  st(gFirstPod, node, slot);
  const rec = ld(gPodOff, slot);
  const flags = pa(rec + PodRec.Flags);
  st(gPodCount, node, ld(gPodCount, node) + 1);
  if (flags & PodFlag.HasPorts) st(gPortPods, node, ld(gPortPods, node) + 1);
  if (flags & PodFlag.HasAffinity) {
    st(gAffPods, node, ld(gAffPods, node) + 1);
    setHdr(Hdr.AffinityPods, hdr(Hdr.AffinityPods) + 1);
  }
  if (flags & PodFlag.HasRequiredAntiAffinity) {
    st(gAntiPods, node, ld(gAntiPods, node) + 1);
    setHdr(Hdr.AntiPods, hdr(Hdr.AntiPods) + 1);
  }
  stf(gNz, node, ldf(gNz, node) + paf(rec + PodRec.NzCpu));
  stf(gNz, gNodeStride + node, ldf(gNz, gNodeStride + node) + paf(rec + PodRec.NzMem));
  const off = rec + pa(rec + PodRec.Sections + 2 * Section.Requests);
  const n = pa(rec + PodRec.Sections + 2 * Section.Requests + 1);
  for (let i = 0; i < n; i++) {
    const e = off + i * REQ_ENTRY_WORDS;
    const idx = pa(e) * gNodeStride + node;
    stf(gReq, idx, ldf(gReq, idx) + paf(e + 2));
  }
}

/** Takes a pod off its node (mirror of src/core/pod-links.ts unlinkPod); used by the preemption dry run. */
export function unlinkPod(slot: i32): void {
  const node = ld(gPodNode, slot);
  if (node < 0) return;
  st(gNodeGen, node, ld(gNodeGen, node) + 1);
  const prev = ld(gPodPrev, slot);
  const next = ld(gPodNext, slot);
  if (prev >= 0) st(gPodNext, prev, next);
  else st(gFirstPod, node, next);
  if (next >= 0) st(gPodPrev, next, prev);
  st(gPodNode, slot, -1);
  st(gPodNext, slot, -1);
  st(gPodPrev, slot, -1);
  const rec = ld(gPodOff, slot);
  const flags = pa(rec + PodRec.Flags);
  st(gPodCount, node, ld(gPodCount, node) - 1);
  if (flags & PodFlag.HasPorts) st(gPortPods, node, ld(gPortPods, node) - 1);
  if (flags & PodFlag.HasAffinity) {
    st(gAffPods, node, ld(gAffPods, node) - 1);
    setHdr(Hdr.AffinityPods, hdr(Hdr.AffinityPods) - 1);
  }
  if (flags & PodFlag.HasRequiredAntiAffinity) {
    st(gAntiPods, node, ld(gAntiPods, node) - 1);
    setHdr(Hdr.AntiPods, hdr(Hdr.AntiPods) - 1);
  }
  stf(gNz, node, ldf(gNz, node) - paf(rec + PodRec.NzCpu));
  stf(gNz, gNodeStride + node, ldf(gNz, gNodeStride + node) - paf(rec + PodRec.NzMem));
  const off = rec + pa(rec + PodRec.Sections + 2 * Section.Requests);
  const n = pa(rec + PodRec.Sections + 2 * Section.Requests + 1);
  for (let i = 0; i < n; i++) {
    const e = off + i * REQ_ENTRY_WORDS;
    const idx = pa(e) * gNodeStride + node;
    stf(gReq, idx, ldf(gReq, idx) - paf(e + 2));
  }
}
