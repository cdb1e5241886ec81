import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ClusterEvent } from './interface.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The kinds of change between two versions of a node (nodeSchedulingPropertiesChange). */
export function nodeUpdateEvents(old: V1Node, cur: V1Node): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  const ev = (action: ClusterEvent['action']): void => void out.push({ resource: 'Node', action });
  if (!same(old.status?.allocatable, cur.status?.allocatable)) ev('UpdateNodeAllocatable');
  if (!same(old.metadata?.labels, cur.metadata?.labels)) ev('UpdateNodeLabel');
  if (!same(old.spec?.taints, cur.spec?.taints) || (old.spec?.unschedulable ?? false) !== (cur.spec?.unschedulable ?? false)) ev('UpdateNodeTaint');
  if (!same(old.status?.conditions, cur.status?.conditions)) ev('UpdateNodeCondition');
  return out;
}

/** The kinds of change between two versions of an assigned pod. */
export function podUpdateEvents(old: V1Pod, cur: V1Pod): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!same(old.metadata?.labels, cur.metadata?.labels)) out.push({ resource: 'Pod', action: 'UpdatePodLabel' });
  if (!same(old.spec?.containers?.map((c) => c.resources?.requests), cur.spec?.containers?.map((c) => c.resources?.requests))) {
    out.push({ resource: 'Pod', action: 'UpdatePodScaleDown' });
  }
  return out;
}
