/**
 * Which pods a ReplicaSet deletes first when it scales down: the least valuable ones. In order, a pod goes
 * before another when it is
 *   1. not scheduled (no node) while the other is,
 *   2. in an earlier phase (Pending < Unknown < Running),
 *   3. not ready while the other is,
 *   4. ready for a shorter time,
 *   5. restarted more often,
 *   6. newer (created later).
 * Ties keep their input order, so the choice is stable for a given cache.
 */
import type { Pod } from '@skiff/api';
import { podReadyCondition } from '../framework/pod-state.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readySince(p: Pod): number {
  const c = podReadyCondition(p);
  if (c?.status !== 'True' || !c.lastTransitionTime) return Infinity;
  return Date.parse(c.lastTransitionTime);
}

function restarts(p: Pod): number {
  let n = 0;
  for (const s of p.status?.containerStatuses ?? []) n = Math.max(n, s.restartCount ?? 0);
  return n;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 1 : 0;
  const sb = b.spec?.nodeName ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const pa = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const pb = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = readySince(a);
  const rb = readySince(b);
  const readyA = ra !== Infinity ? 1 : 0;
  const readyB = rb !== Infinity ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  // Both ready: the one ready since later (for less time) goes first.
  if (readyA && ra !== rb) return rb - ra;
  const ca = restarts(a);
  const cb = restarts(b);
  if (ca !== cb) return cb - ca;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  return tb - ta;
}

/** The `n` pods to delete first. */
export function podsToDelete(pods: Pod[], n: number): Pod[] {
  return [...pods].sort(compareForDeletion).slice(0, n);
}
