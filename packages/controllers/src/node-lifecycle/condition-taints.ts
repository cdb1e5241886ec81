/**
 * TaintNodesByCondition: the NoSchedule taints the node lifecycle controller keeps in step with a node's
 * conditions, so the scheduler sends no new pods to a node that could not take them (pods that tolerate the taint,
 * such as DaemonSet pods, still go):
 *
 *   MemoryPressure True      node.kubernetes.io/memory-pressure:NoSchedule
 *   DiskPressure True        node.kubernetes.io/disk-pressure:NoSchedule
 *   PIDPressure True         node.kubernetes.io/pid-pressure:NoSchedule
 *   NetworkUnavailable True  node.kubernetes.io/network-unavailable:NoSchedule
 *
 * A condition that is False or Unknown (a silent node: the kubelet cannot say) wants no taint. Only the NoSchedule
 * taints with these keys are this controller's to add and remove; any other taint is left as it is. (Ready's
 * not-ready and unreachable taints are handled with their NoExecute twins in node-lifecycle-controller.ts.)
 */
import type { Taint } from './taint-eviction.js';

export const CONDITION_TAINT_KEYS: Readonly<Record<string, string>> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};

const MANAGED_KEYS = new Set(Object.values(CONDITION_TAINT_KEYS));

/** The condition taints a node's conditions call for, in the order of its conditions. */
export function conditionTaints(conditions: readonly { type?: string; status?: string }[] | undefined): Taint[] {
  const out: Taint[] = [];
  for (const c of conditions ?? []) {
    const key = c.type ? CONDITION_TAINT_KEYS[c.type] : undefined;
    if (key && c.status === 'True' && !out.some((t) => t.key === key)) out.push({ key, effect: 'NoSchedule' });
  }
  return out;
}

/** `current` with its condition taints made `wanted`: existing ones kept in place, missing ones appended. */
export function withConditionTaints(current: readonly Taint[], wanted: readonly Taint[]): Taint[] {
  const isManaged = (t: Taint) => t.effect === 'NoSchedule' && MANAGED_KEYS.has(t.key);
  const kept = current.filter((t) => !isManaged(t) || wanted.some((w) => w.key === t.key));
  return [...kept, ...wanted.filter((w) => !kept.some((t) => isManaged(t) && t.key === w.key))];
}
