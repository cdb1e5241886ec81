/** Core kinds other than pods. */
import type { KubeObject } from '@skiff/api';
import { ageColumn, mapSelectorString, nameColumn } from './common-columns.js';
import { age } from './human-duration.js';
import type { Column } from './table.js';

export const namespaceColumns: Column[] = [
  nameColumn,
  { name: 'Status', description: 'The lifecycle phase of the namespace.', cell: (o) => o.status?.phase ?? '' },
  ageColumn,
];

function externalIp(o: KubeObject): string {
  const spec = o.spec ?? {};
  const ext: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
    case undefined:
      return ext.length ? ext.join(',') : '<none>';
    case 'ExternalName':
      return spec.externalName ?? '<none>';
    case 'LoadBalancer': {
      const ingress: string[] = ((o.status?.loadBalancer?.ingress ?? []) as any[]).map((i) => i.ip || i.hostname).filter(Boolean);
      const all = [...ingress, ...ext];
      return all.length ? all.join(',') : '<pending>';
    }
    default:
      return '<unknown>';
  }
}

function ports(o: KubeObject): string {
  const list: any[] = o.spec?.ports ?? [];
  if (!list.length) return '<none>';
  return list.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

export const serviceColumns: Column[] = [
  nameColumn,
  { name: 'Type', description: 'How the service is exposed.', cell: (o) => o.spec?.type ?? 'ClusterIP' },
  { name: 'Cluster-IP', description: 'The IP address of the service inside the cluster.', cell: (o) => o.spec?.clusterIP || '<none>' },
  { name: 'External-IP', description: 'Addresses the service is reachable at from outside.', cell: externalIp },
  { name: 'Port(s)', description: 'The ports the service exposes.', cell: ports },
  ageColumn,
  { name: 'Selector', description: 'The pods the service routes to.', priority: 1, cell: (o) => mapSelectorString(o.spec?.selector) },
];

function endpointsCell(o: KubeObject): string {
  const out: string[] = [];
  let total = 0;
  for (const s of (o.subsets ?? []) as any[]) {
    const ports: any[] = s.ports?.length ? s.ports : [undefined];
    for (const a of (s.addresses ?? []) as any[]) {
      for (const p of ports) {
        total++;
        if (out.length < 3) out.push(p ? `${a.ip}:${p.port}` : a.ip);
      }
    }
  }
  if (!total) return '<none>';
  return total > 3 ? `${out.join(',')} + ${total - 3} more...` : out.join(',');
}

export const endpointsColumns: Column[] = [
  nameColumn,
  { name: 'Endpoints', description: 'Addresses and ports of the ready endpoints.', cell: endpointsCell },
  ageColumn,
];

function nodeStatus(o: KubeObject): string {
  const ready = ((o.status?.conditions ?? []) as any[]).find((c) => c.type === 'Ready');
  // As kubectl's node printer: a Ready condition that is not True (False, or Unknown once the node stopped
  // reporting) is NotReady; only a node with no Ready condition at all is Unknown.
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v as string);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(o: KubeObject, type: string): string {
  const a = ((o.status?.addresses ?? []) as any[]).find((x) => x.type === type);
  return a?.address ?? '<none>';
}

export const nodeColumns: Column[] = [
  nameColumn,
  { name: 'Status', description: 'Whether the node is ready and schedulable.', cell: nodeStatus },
  { name: 'Roles', description: 'The roles of the node.', cell: nodeRoles },
  ageColumn,
  { name: 'Version', description: 'The kubelet version the node reports.', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
  { name: 'Internal-IP', description: 'The node address of type InternalIP.', priority: 1, cell: (o) => nodeAddress(o, 'InternalIP') },
  { name: 'External-IP', description: 'The node address of type ExternalIP.', priority: 1, cell: (o) => nodeAddress(o, 'ExternalIP') },
  { name: 'OS-Image', description: 'The operating system image.', priority: 1, cell: (o) => o.status?.nodeInfo?.osImage || '<unknown>' },
  { name: 'Kernel-Version', description: 'The kernel version.', priority: 1, cell: (o) => o.status?.nodeInfo?.kernelVersion || '<unknown>' },
  { name: 'Container-Runtime', description: 'The container runtime and its version.', priority: 1, cell: (o) => o.status?.nodeInfo?.containerRuntimeVersion || '<unknown>' },
];

export const configMapColumns: Column[] = [
  nameColumn,
  { name: 'Data', type: 'integer', description: 'Number of keys.', cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length },
  ageColumn,
];

export const secretColumns: Column[] = [
  nameColumn,
  { name: 'Type', description: 'The type of the secret.', cell: (o) => o.type ?? 'Opaque' },
  { name: 'Data', type: 'integer', description: 'Number of keys.', cell: (o) => Object.keys(o.data ?? {}).length },
  ageColumn,
];

export const serviceAccountColumns: Column[] = [
  nameColumn,
  { name: 'Secrets', type: 'integer', description: 'Secrets referenced by the service account.', cell: (o) => (o.secrets ?? []).length },
  ageColumn,
];

function involved(o: KubeObject): string {
  const io = o.involvedObject ?? o.regarding ?? {};
  return `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`;
}

function lastSeen(o: KubeObject, now: number): string {
  const t = o.series?.lastObservedTime ?? o.lastTimestamp ?? o.deprecatedLastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp;
  return age(t, now);
}

export const eventColumns: Column[] = [
  { name: 'Last Seen', description: 'When the event was last seen.', cell: lastSeen },
  { name: 'Type', description: 'Normal or Warning.', cell: (o) => o.type ?? '' },
  { name: 'Reason', description: 'Why the event happened, in one word.', cell: (o) => o.reason ?? '' },
  { name: 'Object', description: 'The object the event is about.', cell: involved },
  { name: 'Subobject', description: 'The part of the object the event is about.', priority: 1, cell: (o) => (o.involvedObject ?? o.regarding)?.fieldPath ?? '' },
  { name: 'Source', description: 'The component that reported the event.', priority: 1, cell: (o) => o.source?.component ?? o.reportingController ?? o.reportingComponent ?? '' },
  { name: 'Message', description: 'What happened.', cell: (o) => o.message ?? o.note ?? '' },
  { name: 'First Seen', description: 'When the event was first seen.', priority: 1, cell: (o, now) => age(o.firstTimestamp ?? o.deprecatedFirstTimestamp ?? o.eventTime, now) },
  { name: 'Count', type: 'integer', description: 'How many times the event happened.', priority: 1, cell: (o) => o.count ?? o.series?.count ?? 1 },
  { ...nameColumn, priority: 1 },
];

export const priorityClassColumns: Column[] = [
  nameColumn,
  { name: 'Value', type: 'integer', description: 'The priority of pods of this class.', cell: (o) => o.value ?? 0 },
  { name: 'Global-Default', type: 'boolean', description: 'Whether pods without a class get this one.', cell: (o) => o.globalDefault === true },
  ageColumn,
  { name: 'PreemptionPolicy', description: 'Whether pods of this class may preempt lower-priority pods.', cell: (o) => o.preemptionPolicy ?? '' },
];

export const leaseColumns: Column[] = [
  nameColumn,
  { name: 'Holder', description: 'Who holds the lease.', cell: (o) => o.spec?.holderIdentity ?? '' },
  ageColumn,
];

export const endpointSliceColumns: Column[] = [
  nameColumn,
  { name: 'AddressType', description: 'The kind of addresses in the slice.', cell: (o) => o.addressType ?? '' },
  {
    name: 'Ports',
    description: 'The ports of the slice.',
    cell: (o) => ((o.ports ?? []) as any[]).map((p) => String(p.port ?? '')).join(',') || '<unset>',
  },
  {
    name: 'Endpoints',
    description: 'Addresses of the endpoints.',
    cell: (o) => {
      const all = ((o.endpoints ?? []) as any[]).flatMap((e) => e.addresses ?? []);
      if (!all.length) return '<unset>';
      return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
    },
  },
  ageColumn,
];
