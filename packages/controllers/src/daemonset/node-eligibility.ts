/**
 * Which nodes a DaemonSet runs on, and the scheduling terms its pods carry.
 *
 *   shouldRun            a new pod belongs here: nodeSelector and required node affinity match, and every
 *                        NoSchedule and NoExecute taint is tolerated;
 *   shouldContinueRunning an existing pod may stay: the same, but only NoExecute taints count.
 *
 * Tolerations are the template's plus the ones every DaemonSet pod gets (not-ready and unreachable NoExecute
 * without a time limit, the node-pressure and unschedulable NoSchedule taints, network-unavailable for host
 * network pods): a daemon keeps running on a sick node, which is usually what it is there for.
 */
import type { DaemonSet, Node, Pod } from '@skiff/api';
import { tolerates, type Taint, type Toleration } from '../node-lifecycle/taint-eviction.js';

export function daemonTolerations(spec: Pod['spec'] | undefined): Toleration[] {
  const extra: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec?.hostNetwork) extra.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const own = (spec?.tolerations ?? []) as Toleration[];
  return [...own, ...extra.filter((e) => !own.some((t) => t.key === e.key && t.effect === e.effect))];
}

type Requirement = { key: string; operator: string; values?: string[] };

function requirementMatches(r: Requirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number(value);
      const bound = Number(r.values?.[0]);
      return value !== undefined && Number.isFinite(n) && (r.operator === 'Gt' ? n > bound : n < bound);
    }
    default:
      return false;
  }
}

/** nodeSelector and required node affinity (terms OR-ed, requirements within a term AND-ed). */
export function nodeMatches(spec: Pod['spec'] | undefined, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return true;
  return terms.some(
    (t) =>
      (t.matchExpressions ?? []).every((r) => requirementMatches(r as Requirement, labels[r.key])) &&
      (t.matchFields ?? []).every((r) => requirementMatches(r as Requirement, r.key === 'metadata.name' ? node.metadata?.name : undefined)),
  );
}

export function eligibility(ds: DaemonSet, node: Node): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = ds.spec?.template?.spec;
  if (!nodeMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(spec);
  const taints = (node.spec?.taints ?? []) as Taint[];
  const untolerated = (effects: string[]) => taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
  return { shouldRun: !untolerated(['NoSchedule', 'NoExecute']), shouldContinueRunning: !untolerated(['NoExecute']) };
}

/** The node a DaemonSet pod is meant for: its nodeName, or the metadata.name its affinity pins. */
export function targetNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const t of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = (t.matchFields ?? []).find((r) => r.key === 'metadata.name' && r.operator === 'In' && r.values?.length === 1);
    if (f) return f.values![0];
  }
  return undefined;
}

/** The pod spec with its required node affinity pinned to one node (other affinity kept), as Kubernetes does it. */
export function pinToNode(spec: NonNullable<Pod['spec']>, nodeName: string): void {
  const affinity = (spec.affinity ??= {});
  const na = (affinity.nodeAffinity ??= {});
  na.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
}
