/**
 * Admitting a new pod to a node under pressure, the eviction manager's rule in the kubelet:
 *
 *   no pressure condition                         admit
 *   a critical pod (see pod-priority.ts)          admit
 *   MemoryPressure alone                          admit, unless the pod is BestEffort and does not tolerate the
 *                                                 node.kubernetes.io/memory-pressure:NoSchedule taint
 *   DiskPressure or PIDPressure (with or without
 *   MemoryPressure)                               reject every pod
 *
 * A rejection's reason is "Evicted" and its message "The node had condition: [DiskPressure]. " (conditions listed
 * as the node reports them, space-separated).
 */
import { qosClassOf } from '../pods/container-resources.js';
import { isCriticalPod } from './pod-priority.js';
import { PRESSURE_CONDITIONS, type PressureCondition } from './signals.js';

export const EVICTED_REASON = 'Evicted';
export const MEMORY_PRESSURE_TAINT = 'node.kubernetes.io/memory-pressure';

export type AdmitResult = { admit: true } | { admit: false; reason: string; message: string };

/** Decides whether a pod new to this node may run on it. */
export interface PodAdmission {
  admit(pod: any): AdmitResult;
}

function toleratesMemoryPressure(tolerations: any[] | undefined): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== 'NoSchedule') return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== MEMORY_PRESSURE_TAINT) return false;
    return t.operator === 'Exists' || (t.value ?? '') === '';
  });
}

export function admitUnderPressure(pod: any, conditions: ReadonlySet<PressureCondition>): AdmitResult {
  if (conditions.size === 0 || isCriticalPod(pod)) return { admit: true };
  if (conditions.size === 1 && conditions.has('MemoryPressure')) {
    if (qosClassOf(pod.spec) !== 'BestEffort' || toleratesMemoryPressure(pod.spec?.tolerations)) return { admit: true };
  }
  const listed = PRESSURE_CONDITIONS.filter((c) => conditions.has(c));
  return { admit: false, reason: EVICTED_REASON, message: `The node had condition: [${listed.join(' ')}]. ` };
}
