import { Hdr, PodFlag, PodRec, REQ_ENTRY_WORDS, Section } from './codes.js';
import type { CoreTable } from './core-table.js';

/**
 * Placing a pod on a node and taking it off again: the node's pod list (doubly linked through podNext/podPrev,
 * newest first) and the per-node aggregates the filters read (requested resources, non-zero requests, pod count,
 * and counts of pods with host ports or affinity). Both are exact inverses: quantities are integers below 2^53,
 * so f64 sums do not depend on order. assembly/assume.ts does the same inside the WASM kernel.
 */
export function linkPod(t: CoreTable, slot: number, node: number): void {
  const v = t.v;
  const cap = t.layout.nodeStride;
  const head = v.firstPod[node]!;
  v.podNode[slot] = node;
  v.podPrev[slot] = -1;
  v.podNext[slot] = head;
  if (head >= 0) v.podPrev[head] = slot;
  v.firstPod[node] = slot;
  adjust(t, slot, node, cap, 1);
}

export function unlinkPod(t: CoreTable, slot: number): void {
  const v = t.v;
  const node = v.podNode[slot]!;
  if (node < 0) return;
  const cap = t.layout.nodeStride;
  const prev = v.podPrev[slot]!;
  const next = v.podNext[slot]!;
  if (prev >= 0) v.podNext[prev] = next;
  else v.firstPod[node] = next;
  if (next >= 0) v.podPrev[next] = prev;
  v.podNode[slot] = -1;
  v.podNext[slot] = -1;
  v.podPrev[slot] = -1;
  adjust(t, slot, node, cap, -1);
}

function adjust(t: CoreTable, slot: number, node: number, cap: number, sign: 1 | -1): void {
  const v = t.v;
  t.touchNode(node);
  const rec = v.podOff[slot]!;
  const a = v.podArena;
  const flags = a[rec + PodRec.Flags]!;
  v.podCount[node] += sign;
  if (flags & PodFlag.HasPorts) v.portPods[node] += sign;
  if (flags & PodFlag.HasAffinity) {
    v.affPods[node] += sign;
    v.hdr[Hdr.AffinityPods] += sign;
  }
  if (flags & PodFlag.HasRequiredAntiAffinity) {
    v.antiPods[node] += sign;
    v.hdr[Hdr.AntiPods] += sign;
  }
  const f = v.f64All;
  v.nz[node] += sign * f[t.arenaF64('podArena', rec + PodRec.NzCpu)]!;
  v.nz[cap + node] += sign * f[t.arenaF64('podArena', rec + PodRec.NzMem)]!;
  const off = rec + a[rec + PodRec.Sections + 2 * Section.Requests]!;
  const n = a[rec + PodRec.Sections + 2 * Section.Requests + 1]!;
  for (let i = 0; i < n; i++) {
    const e = off + i * REQ_ENTRY_WORDS;
    v.req[a[e]! * cap + node] += sign * f[t.arenaF64('podArena', e + 2)]!;
  }
}
