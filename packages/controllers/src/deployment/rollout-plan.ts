/**
 * The arithmetic of rollouts, as pure functions over ReplicaSets (no writes), so each step can be checked with
 * tables. A plan is a list of ReplicaSets and the replicas each should have; the controller applies it.
 *
 * Rolling update, one sync:
 *   1. Scale the new RS up, keeping every RS's replicas within replicas + maxSurge.
 *   2. Otherwise scale old RSs down, keeping available pods at or above replicas - maxUnavailable: first the old
 *      pods that are not available anyway (they cost no availability), then available ones, oldest RS first.
 */
import type { Deployment, ReplicaSet } from '@skiff/api';
import { maxSurgeOf, maxUnavailableOf } from './deployment-status.js';
import { byCreation, replicasOf } from './replica-sets.js';

export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
}

const spec = (rs: ReplicaSet) => rs.spec?.replicas ?? 0;
const available = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;

/** Replicas the new RS should have now (NewRSNewReplicas in Kubernetes); `newRS` undefined means not yet created. */
export function newReplicaSetReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const want = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type === 'Recreate') return want;
  const current = newRS ? spec(newRS) : 0;
  const maxTotal = want + maxSurgeOf(d);
  const all = replicasOf(allRSs);
  if (all >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - all, want - current));
}

/** Step 2 of a rolling update: how far each old RS goes down now. */
export function planOldScaleDown(d: Deployment, oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): ScaleStep[] {
  const want = d.spec?.replicas ?? 1;
  const olds = [...oldRSs].sort(byCreation).map((rs) => ({ rs, replicas: spec(rs) }));
  const oldCount = olds.reduce((n, o) => n + o.replicas, 0);
  if (oldCount === 0) return [];
  const allCount = oldCount + (newRS ? spec(newRS) : 0);
  const minAvailable = want - maxUnavailableOf(d);
  const newUnavailable = newRS ? spec(newRS) - available(newRS) : 0;
  const maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  // Unhealthy old pods first: removing them costs no availability.
  let cleaned = 0;
  for (const o of olds) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = o.replicas - available(o.rs);
    if (o.replicas === 0 || unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    o.replicas -= n;
    cleaned += n;
  }

  // Then available ones, as long as availability stays at minAvailable.
  const availableNow = olds.reduce((n, o) => n + available(o.rs), 0) + (newRS ? available(newRS) : 0);
  if (availableNow > minAvailable) {
    const total = availableNow - minAvailable;
    let done = 0;
    for (const o of olds) {
      if (done >= total) break;
      if (o.replicas === 0) continue;
      const n = Math.min(o.replicas, total - done);
      o.replicas -= n;
      done += n;
    }
  }
  return olds.filter((o) => o.replicas !== spec(o.rs));
}

/** Whether the Deployment's replicas changed since its active RSs were last sized (a scaling event, not a rollout). */
export function isScalingEvent(d: Deployment, rss: ReplicaSet[]): boolean {
  const want = String(d.spec?.replicas ?? 1);
  for (const rs of rss) {
    if (spec(rs) === 0) continue;
    const desired = rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'];
    if (desired !== undefined && desired !== want) return true;
  }
  return false;
}

/**
 * Resizing without a template change (kubectl scale, or a paused Deployment): one active RS takes the new size;
 * several share it in proportion to their size (by their max-replicas annotation), leftovers to the largest.
 * A saturated new RS (all replicas there and available) sends the old ones to zero.
 */
export function planProportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ScaleStep[] {
  const want = d.spec?.replicas ?? 1;
  const all = newRS ? [newRS, ...oldRSs] : [...oldRSs];
  const active = all.filter((rs) => spec(rs) > 0);
  let only: ReplicaSet | undefined;
  if (active.length === 1) only = active[0];
  else if (active.length === 0 && all.length) only = newRS ?? [...oldRSs].sort(byCreation).at(-1);
  if (only) return spec(only) === want ? [] : [{ rs: only, replicas: want }];

  if (newRS && spec(newRS) === want && available(newRS) === want && newRS.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'] === String(want)) {
    return oldRSs.filter((rs) => spec(rs) > 0).map((rs) => ({ rs, replicas: 0 }));
  }
  if (d.spec?.strategy?.type === 'Recreate') return [];
  const allowed = want > 0 ? want + maxSurgeOf(d) : 0;
  const toAdd = allowed - replicasOf(active);
  if (toAdd === 0) return [];
  // Larger first; ties: newer first when growing, older first when shrinking.
  const sorted = [...active].sort((a, b) => spec(b) - spec(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of sorted) {
    let share = 0;
    if (added !== toAdd) {
      const fraction = replicaSetFraction(rs, d);
      const left = toAdd - added;
      share = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    }
    sizes.set(rs, spec(rs) + share);
    added += share;
  }
  const first = sorted[0]!;
  sizes.set(first, Math.max(0, sizes.get(first)! + (toAdd - added)));
  return sorted.filter((rs) => sizes.get(rs) !== spec(rs)).map((rs) => ({ rs, replicas: sizes.get(rs)! }));
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const want = d.spec?.replicas ?? 1;
  if (want === 0) return -spec(rs);
  const target = want + maxSurgeOf(d);
  const annotated = Number(rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'] ?? d.status?.replicas ?? 0) || 0;
  if (annotated === 0) return 0;
  return Math.round((spec(rs) * target) / annotated) - spec(rs);
}
