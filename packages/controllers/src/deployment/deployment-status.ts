/**
 * A Deployment's status and its two conditions, as `kubectl rollout status` and `describe` read them.
 *
 *   replicas            pods of every RS (status.replicas summed: what exists, terminating ones excluded)
 *   updatedReplicas     pods of the new RS
 *   ready/available     summed over every RS; unavailable = spec.replicas - available (never negative)
 *   Available           True (MinimumReplicasAvailable) while available >= replicas - maxUnavailable
 *   Progressing         True while the rollout moves (ReplicaSetUpdated, NewReplicaSetCreated, FoundNewReplicaSet),
 *                       True with NewReplicaSetAvailable once complete, False with ProgressDeadlineExceeded when
 *                       nothing moved for progressDeadlineSeconds; Unknown while paused (DeploymentPaused).
 */
import type { Deployment, ReplicaSet } from '@skiff/api';
import { getCondition, rfc3339, setCondition, type Condition } from '../framework/conditions.js';
import { resolveFenceposts } from '../framework/int-or-percent.js';

export type DeploymentStatus = NonNullable<Deployment['status']>;

export const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
export const TIMED_OUT = 'ProgressDeadlineExceeded';

export function maxUnavailableOf(d: Deployment): number {
  if (d.spec?.strategy?.type === 'Recreate') return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec?.replicas ?? 1).unavailable;
}

export function maxSurgeOf(d: Deployment): number {
  if (d.spec?.strategy?.type === 'Recreate') return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec?.replicas ?? 1).surge;
}

function sum(rss: ReplicaSet[], f: (rs: ReplicaSet) => number | undefined): number {
  let n = 0;
  for (const rs of rss) n += f(rs) ?? 0;
  return n;
}

/** Counts and the Available condition; other conditions are carried over. */
export function calculateStatus(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const want = d.spec?.replicas ?? 1;
  const available = sum(allRSs, (rs) => rs.status?.availableReplicas);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: sum(allRSs, (rs) => rs.status?.replicas),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum(allRSs, (rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, want - available),
  };
  if (d.status?.collisionCount) status.collisionCount = d.status.collisionCount;
  let conditions = [...((d.status?.conditions ?? []) as Condition[])];
  const minAvailable = want - maxUnavailableOf(d);
  conditions = setCondition(
    conditions,
    available >= minAvailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    nowMs,
    true,
  );
  status.conditions = conditions as DeploymentStatus['conditions'];
  return status;
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s < 2147483647;
}

/** Every replica updated and available, none extra, and the spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = d.spec?.replicas ?? 1;
  return s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** Did anything move since the last status: more updated, fewer old, more ready or available? */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** Milliseconds until the progress deadline passes (<= 0: it has), from the Progressing condition's lastUpdateTime. */
export function msUntilDeadline(d: Deployment, s: DeploymentStatus, nowMs: number): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const c = getCondition(s.conditions as Condition[] | undefined, 'Progressing');
  if (!c || c.reason === NEW_RS_AVAILABLE || c.status !== 'True' || !c.lastUpdateTime) return undefined;
  return Date.parse(c.lastUpdateTime) + d.spec!.progressDeadlineSeconds! * 1000 - nowMs;
}

/**
 * The status with its Progressing condition brought up to date (syncRolloutStatus in Kubernetes). Returns also
 * when to look again if the deadline is still ahead.
 */
export function withProgress(d: Deployment, s: DeploymentStatus, newRS: ReplicaSet | undefined, nowMs: number): { status: DeploymentStatus; recheckInMs?: number } {
  let conditions = [...((s.conditions ?? []) as Condition[])];
  if (!hasProgressDeadline(d)) {
    conditions = conditions.filter((c) => c.type !== 'Progressing');
    return { status: { ...s, conditions: conditions as DeploymentStatus['conditions'] } };
  }
  const current = getCondition(conditions, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && current?.reason === NEW_RS_AVAILABLE;
  const rsName = newRS?.metadata?.name ?? '';
  if (!complete) {
    if (deploymentComplete(d, s)) {
      conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: NEW_RS_AVAILABLE, message: `ReplicaSet "${rsName}" has successfully progressed.` }, nowMs, true);
    } else if (deploymentProgressing(d, s)) {
      const message = `ReplicaSet "${rsName}" is progressing.`;
      // Progress resets the deadline: lastUpdateTime moves even when reason and message stay the same.
      const next: Condition = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message, lastUpdateTime: rfc3339(nowMs) };
      conditions = setCondition(conditions, next, nowMs, false);
    } else if (current && current.status === 'True') {
      const left = msUntilDeadline(d, { ...s, conditions: conditions as DeploymentStatus['conditions'] }, nowMs);
      if (left !== undefined && left <= 0) {
        conditions = setCondition(conditions, { type: 'Progressing', status: 'False', reason: TIMED_OUT, message: `ReplicaSet "${rsName}" has timed out progressing.` }, nowMs, true);
      }
    }
  }
  const status = { ...s, conditions: conditions as DeploymentStatus['conditions'] };
  const left = msUntilDeadline(d, status, nowMs);
  return { status, recheckInMs: left !== undefined && left > 0 ? left + 1000 : undefined };
}
