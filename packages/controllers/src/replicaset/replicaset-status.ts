/**
 * A ReplicaSet's status from the pods it owns. Counts are of active pods; available means ready for
 * minReadySeconds, so the status also says when the next ready pod will cross that line (for a requeue).
 * A failed create or delete shows as the ReplicaFailure condition until a sync manages without error.
 */
import type { Pod, ReplicaSet } from '@skiff/api';
import { removeCondition, setCondition, type Condition } from '../framework/conditions.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../framework/pod-state.js';

export function replicaSetStatus(rs: ReplicaSet, pods: Pod[], nowMs: number, manageError?: unknown): { status: NonNullable<ReplicaSet['status']>; nextAvailableInMs: number } {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  let next = 0;
  for (const p of pods) {
    const labels = p.metadata?.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (!isPodReady(p)) continue;
    ready++;
    if (isPodAvailable(p, minReady, nowMs)) available++;
    else {
      const wait = msUntilAvailable(p, minReady, nowMs);
      if (wait > 0 && (next === 0 || wait < next)) next = wait;
    }
  }
  let conditions = (rs.status?.conditions ?? []) as Condition[];
  if (manageError) {
    const reason = (rs.spec?.replicas ?? 1) > pods.length ? 'FailedCreate' : 'FailedDelete';
    conditions = setCondition(conditions, { type: 'ReplicaFailure', status: 'True', reason, message: (manageError as Error).message }, nowMs);
  } else conditions = removeCondition(conditions, 'ReplicaFailure');
  const status: NonNullable<ReplicaSet['status']> = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata?.generation ?? 0,
  };
  if (conditions.length) status.conditions = conditions as NonNullable<ReplicaSet['status']>['conditions'];
  return { status, nextAvailableInMs: next };
}
