/**
 * Columns of the kinds served for manifests' sake (storage, networking, autoscaling, policy, RBAC), as the real
 * server prints them.
 */
import type { KubeObject } from '@skiff/api';
import { ageColumn, nameColumn, selectorString } from './common-columns.js';
import type { Column } from './table.js';

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

function accessModes(modes: string[] | undefined): string {
  return (modes ?? []).map((m) => ACCESS_MODES[m] ?? m).join(',');
}

const createdAt: Column = {
  name: 'Created At',
  type: 'date',
  description: 'When the object was created.',
  cell: (o) => o.metadata?.creationTimestamp ?? '',
};

const text = (v: unknown, empty = '<none>') => (v === undefined || v === null || v === '' ? empty : String(v));

export const persistentVolumeClaimColumns: Column[] = [
  nameColumn,
  { name: 'Status', description: 'The phase of the claim.', cell: (o) => o.status?.phase ?? '' },
  { name: 'Volume', description: 'The volume bound to the claim.', cell: (o) => o.spec?.volumeName ?? '' },
  { name: 'Capacity', description: 'The bound volume\'s capacity.', cell: (o) => o.status?.capacity?.storage ?? '' },
  { name: 'Access Modes', description: 'The bound volume\'s access modes.', cell: (o) => accessModes(o.status?.accessModes) },
  { name: 'StorageClass', description: 'The storage class of the claim.', cell: (o) => text(o.spec?.storageClassName) },
  { name: 'VolumeAttributesClass', description: 'The volume attributes class of the claim.', cell: (o) => text(o.spec?.volumeAttributesClassName, '<unset>') },
  ageColumn,
  { name: 'VolumeMode', description: 'Filesystem or Block.', priority: 1, cell: (o) => o.spec?.volumeMode ?? 'Filesystem' },
];

export const persistentVolumeColumns: Column[] = [
  nameColumn,
  { name: 'Capacity', description: 'The volume\'s capacity.', cell: (o) => o.spec?.capacity?.storage ?? '' },
  { name: 'Access Modes', description: 'The volume\'s access modes.', cell: (o) => accessModes(o.spec?.accessModes) },
  { name: 'Reclaim Policy', description: 'What happens to the volume when its claim is released.', cell: (o) => o.spec?.persistentVolumeReclaimPolicy ?? '' },
  { name: 'Status', description: 'The phase of the volume.', cell: (o) => o.status?.phase ?? '' },
  {
    name: 'Claim',
    description: 'The claim bound to the volume.',
    cell: (o) => (o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : ''),
  },
  { name: 'StorageClass', description: 'The storage class of the volume.', cell: (o) => o.spec?.storageClassName ?? '' },
  { name: 'VolumeAttributesClass', description: 'The volume attributes class of the volume.', cell: (o) => text(o.spec?.volumeAttributesClassName, '<unset>') },
  { name: 'Reason', description: 'Why the volume is in its phase.', cell: (o) => o.status?.reason ?? '' },
  ageColumn,
  { name: 'VolumeMode', description: 'Filesystem or Block.', priority: 1, cell: (o) => o.spec?.volumeMode ?? 'Filesystem' },
];

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

export const storageClassColumns: Column[] = [
  { ...nameColumn, cell: (o) => `${o.metadata?.name ?? ''}${o.metadata?.annotations?.[DEFAULT_CLASS] === 'true' ? ' (default)' : ''}` },
  { name: 'Provisioner', description: 'What provisions volumes of the class.', cell: (o) => (o as any).provisioner ?? '' },
  { name: 'ReclaimPolicy', description: 'What happens to released volumes.', cell: (o) => (o as any).reclaimPolicy ?? 'Delete' },
  { name: 'VolumeBindingMode', description: 'When claims are bound.', cell: (o) => (o as any).volumeBindingMode ?? 'Immediate' },
  { name: 'AllowVolumeExpansion', description: 'Whether claims may grow.', cell: (o) => String((o as any).allowVolumeExpansion ?? false) },
  ageColumn,
];

function ingressHosts(o: KubeObject): string {
  const hosts = ((o.spec?.rules ?? []) as any[]).map((r) => r.host).filter(Boolean);
  return hosts.length ? hosts.join(',') : '*';
}

export const ingressColumns: Column[] = [
  nameColumn,
  { name: 'Class', description: 'The ingress class.', cell: (o) => text(o.spec?.ingressClassName) },
  { name: 'Hosts', description: 'The hosts the ingress serves.', cell: ingressHosts },
  {
    name: 'Address',
    description: 'Where the ingress is reachable.',
    cell: (o) => ((o.status?.loadBalancer?.ingress ?? []) as any[]).map((i) => i.ip || i.hostname).filter(Boolean).join(','),
  },
  { name: 'Ports', description: 'The ports the ingress serves.', cell: (o) => ((o.spec?.tls ?? []).length ? '80, 443' : '80') },
  ageColumn,
];

export const ingressClassColumns: Column[] = [
  nameColumn,
  { name: 'Controller', description: 'The controller that implements the class.', cell: (o) => o.spec?.controller ?? '' },
  {
    name: 'Parameters',
    description: 'The class\'s parameters object.',
    cell: (o) => (o.spec?.parameters ? `${o.spec.parameters.kind}/${o.spec.parameters.name}` : '<none>'),
  },
  ageColumn,
];

export const networkPolicyColumns: Column[] = [
  nameColumn,
  { name: 'Pod-Selector', description: 'The pods the policy applies to.', cell: (o) => selectorString(o.spec?.podSelector) },
  ageColumn,
];

/** One metric as `kubectl get hpa` shows it: "cpu: 40%/50%", "<unknown>/10 (avg)", ... */
function hpaTarget(m: any, status: any): string {
  const unknown = '<unknown>';
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      const src = m[key] ?? {};
      const cur = status?.[key]?.current;
      if (src.target?.averageValue !== undefined) return `${src.name}: ${cur?.averageValue ?? unknown}/${src.target.averageValue}`;
      const now = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : unknown;
      const target = src.target?.averageUtilization !== undefined ? `${src.target.averageUtilization}%` : '<auto>';
      return `${src.name}: ${now}/${target}`;
    }
    case 'Pods':
      return `${status?.pods?.current?.averageValue ?? unknown}/${m.pods?.target?.averageValue ?? ''}`;
    case 'Object':
    case 'External': {
      const key = m.type === 'Object' ? 'object' : 'external';
      const target = m[key]?.target ?? {};
      const cur = status?.[key]?.current;
      if (target.averageValue !== undefined) return `${cur?.averageValue ?? unknown}/${target.averageValue} (avg)`;
      return `${cur?.value ?? unknown}/${target.value ?? ''}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The Targets column: the first two metrics, then how many more. */
export function hpaTargets(o: KubeObject): string {
  const metrics: any[] = o.spec?.metrics ?? [];
  if (!metrics.length) return '<none>';
  const current: any[] = o.status?.currentMetrics ?? [];
  const shown = metrics.slice(0, 2).map((m, i) => hpaTarget(m, current[i]));
  return metrics.length > 2 ? `${shown.join(', ')} + ${metrics.length - 2} more...` : shown.join(', ');
}

export const horizontalPodAutoscalerColumns: Column[] = [
  nameColumn,
  { name: 'Reference', description: 'The scaled object.', cell: (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}` },
  { name: 'Targets', description: 'Current and target metric values.', cell: hpaTargets },
  { name: 'MinPods', type: 'integer', description: 'The fewest replicas.', cell: (o) => o.spec?.minReplicas ?? 1 },
  { name: 'MaxPods', type: 'integer', description: 'The most replicas.', cell: (o) => o.spec?.maxReplicas ?? 0 },
  { name: 'Replicas', type: 'integer', description: 'The current replicas.', cell: (o) => o.status?.currentReplicas ?? 0 },
  ageColumn,
];

export const podDisruptionBudgetColumns: Column[] = [
  nameColumn,
  { name: 'Min Available', description: 'Pods that must stay available.', cell: (o) => text(o.spec?.minAvailable, 'N/A') },
  { name: 'Max Unavailable', description: 'Pods that may be unavailable.', cell: (o) => text(o.spec?.maxUnavailable, 'N/A') },
  { name: 'Allowed Disruptions', type: 'integer', description: 'Evictions allowed now.', cell: (o) => o.status?.disruptionsAllowed ?? 0 },
  ageColumn,
];

export const roleColumns: Column[] = [nameColumn, createdAt];

function subjects(kind: string) {
  return (o: KubeObject) =>
    ((o as any).subjects ?? [])
      .filter((s: any) => s.kind === kind)
      .map((s: any) => (kind === 'ServiceAccount' ? `${s.namespace ?? o.metadata?.namespace ?? ''}/${s.name}` : s.name))
      .join(', ');
}

export const roleBindingColumns: Column[] = [
  nameColumn,
  { name: 'Role', description: 'The bound role.', cell: (o) => `${(o as any).roleRef?.kind ?? ''}/${(o as any).roleRef?.name ?? ''}` },
  ageColumn,
  { name: 'Users', description: 'Bound users.', priority: 1, cell: subjects('User') },
  { name: 'Groups', description: 'Bound groups.', priority: 1, cell: subjects('Group') },
  { name: 'ServiceAccounts', description: 'Bound service accounts.', priority: 1, cell: subjects('ServiceAccount') },
];

export const limitRangeColumns: Column[] = [nameColumn, createdAt];
