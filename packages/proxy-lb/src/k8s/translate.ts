// Service + EndpointSlices -> the proxy's virtual services, as pure functions. One virtual service per
// (address, port, protocol): each cluster IP, external IP and load-balancer IP on the service port, and each
// node-port address on the node port. Rules, after kube-proxy:
//   - ready, non-terminating endpoints are backends; terminating ones are draining backends (the flows they
//     already have keep them, new flows do not go there); endpoints neither ready nor terminating are left out;
//   - internalTrafficPolicy: Local keeps only this node's endpoints for cluster IPs, externalTrafficPolicy:
//     Local does the same for node ports, external IPs and load-balancer IPs;
//   - an endpoint's first address is the one used (as the EndpointSlice API asks of consumers);
//   - the annotation skiff.dev/lb-scheduler picks the scheduler (else the configured default), and
//     skiff.dev/lb-hash-port: "true" makes sh/mh hash the client port too.
import net from 'node:net';
import { schedulerNames, type SchedulerName } from '../core.js';
import type { BackendSpec, VirtualServiceSpec } from '../proxy/virtual-service.js';
import { backendKey } from '../proxy/virtual-service.js';
import { type EndpointSlice, SERVICE_NAME_LABEL, type Service, type ServicePort } from './types.js';

export const SCHEDULER_ANNOTATION = 'skiff.dev/lb-scheduler';
export const HASH_PORT_ANNOTATION = 'skiff.dev/lb-hash-port';
/** Kubernetes' default ClientIP affinity timeout: 3 hours. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

export interface TranslateOptions {
  /** This node's name, for the Local traffic policies. */
  nodeName: string;
  /** Scheduler when the annotation is absent or invalid. Default rr, as kube-proxy's IPVS mode. */
  defaultScheduler?: SchedulerName;
  /** Where node ports listen. Default 0.0.0.0 for IPv4 and :: for IPv6. */
  nodePortAddresses?: string[];
}

export interface Translation {
  specs: VirtualServiceSpec[];
  /** Things skipped or defaulted, in words, for logs and events. */
  warnings: string[];
}

type Family = 'IPv4' | 'IPv6';

function familyOf(address: string): Family | undefined {
  if (net.isIPv4(address)) return 'IPv4';
  if (net.isIPv6(address)) return 'IPv6';
  return undefined;
}

function clusterIPs(svc: Service): string[] {
  const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

function families(svc: Service): Family[] {
  const fromIPs = clusterIPs(svc).map(familyOf).filter((f): f is Family => f !== undefined);
  return fromIPs.length ? fromIPs : (svc.spec.ipFamilies ?? ['IPv4']);
}

/** Backends for one service port and address family; `localOnly` keeps this node's endpoints only. */
export function backendsFor(
  port: ServicePort,
  slices: EndpointSlice[],
  family: Family,
  localOnly: boolean,
  nodeName: string,
): BackendSpec[] {
  const protocol = port.protocol ?? 'TCP';
  const found = new Map<string, BackendSpec>();
  for (const slice of slices) {
    if (slice.addressType !== family) continue;
    const target = slice.ports?.find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === protocol);
    if (target?.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const address = ep.addresses[0];
      if (!address || familyOf(address) !== family) continue;
      if (localOnly && ep.nodeName !== nodeName) continue;
      const terminating = ep.conditions?.terminating ?? false;
      const ready = ep.conditions?.ready ?? true;
      if (!terminating && !ready) continue;
      const backend: BackendSpec = { address, port: target.port, weight: 1, draining: terminating };
      const key = backendKey(backend);
      // The same endpoint can sit in two slices while they are rebalanced; the ready view wins.
      const seen = found.get(key);
      if (!seen || (seen.draining && !terminating)) found.set(key, backend);
    }
  }
  return [...found.values()].sort((a, b) => (backendKey(a) < backendKey(b) ? -1 : 1));
}

function schedulerOf(svc: Service, opts: TranslateOptions, warnings: string[]): SchedulerName {
  const fallback = opts.defaultScheduler ?? 'rr';
  const wanted = svc.metadata.annotations?.[SCHEDULER_ANNOTATION];
  if (wanted === undefined) return fallback;
  if ((schedulerNames as readonly string[]).includes(wanted)) return wanted as SchedulerName;
  warnings.push(`${SCHEDULER_ANNOTATION}: "${wanted}" is not one of ${schedulerNames.join(', ')}; using ${fallback}`);
  return fallback;
}

function nodePortAddresses(opts: TranslateOptions, family: Family): string[] {
  const all = opts.nodePortAddresses ?? ['0.0.0.0', '::'];
  return all.filter((a) => familyOf(a) === family);
}

/** The virtual services for one Service and the EndpointSlices that belong to it. */
export function translateService(svc: Service, slices: EndpointSlice[], opts: TranslateOptions): Translation {
  const warnings: string[] = [];
  const specs: VirtualServiceSpec[] = [];
  const id = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
  const type = svc.spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return { specs, warnings };
  const scheduler = schedulerOf(svc, opts, warnings);
  const hashPort = svc.metadata.annotations?.[HASH_PORT_ANNOTATION] === 'true';
  const affinityTimeoutSeconds =
    svc.spec.sessionAffinity === 'ClientIP' ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  const internalLocal = svc.spec.internalTrafficPolicy === 'Local';
  const externalLocal = svc.spec.externalTrafficPolicy === 'Local';
  const external = [...(svc.spec.externalIPs ?? [])];
  if (type === 'LoadBalancer') {
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (ing.ip) external.push(ing.ip);
  }

  for (const port of svc.spec.ports ?? []) {
    const protocol = port.protocol ?? 'TCP';
    const portId = port.name || String(port.port);
    if (protocol === 'SCTP') {
      warnings.push(`port ${portId}: SCTP is not proxied`);
      continue;
    }
    const base = {
      protocol: protocol === 'UDP' ? ('udp' as const) : ('tcp' as const),
      scheduler,
      hashPort,
      ...(affinityTimeoutSeconds !== undefined ? { affinityTimeoutSeconds } : {}),
    };
    const add = (kind: string, address: string, listenPort: number, backends: BackendSpec[]) =>
      specs.push({ ...base, name: `${id}:${portId}/${kind}/${address}`, address, port: listenPort, backends });

    for (const ip of clusterIPs(svc)) {
      const family = familyOf(ip);
      if (!family) {
        warnings.push(`cluster IP "${ip}" is not an IP address`);
        continue;
      }
      add('cluster-ip', ip, port.port, backendsFor(port, slices, family, internalLocal, opts.nodeName));
    }
    for (const ip of external) {
      const family = familyOf(ip);
      if (!family) {
        warnings.push(`external address "${ip}" is not an IP address`);
        continue;
      }
      add(svc.spec.externalIPs?.includes(ip) ? 'external-ip' : 'load-balancer', ip, port.port, backendsFor(port, slices, family, externalLocal, opts.nodeName));
    }
    if ((type === 'NodePort' || type === 'LoadBalancer') && port.nodePort) {
      for (const family of families(svc)) {
        const backends = backendsFor(port, slices, family, externalLocal, opts.nodeName);
        for (const address of nodePortAddresses(opts, family)) add('node-port', address, port.nodePort, backends);
      }
    }
  }
  return { specs, warnings };
}

/** Every Service's virtual services, its slices found by the kubernetes.io/service-name label. */
export function translateAll(services: Service[], slices: EndpointSlice[], opts: TranslateOptions): Translation {
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!name) continue;
    const key = `${s.metadata.namespace ?? 'default'}/${name}`;
    const list = bySvc.get(key);
    if (list) list.push(s);
    else bySvc.set(key, [s]);
  }
  const out: Translation = { specs: [], warnings: [] };
  for (const svc of services) {
    const key = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
    const t = translateService(svc, bySvc.get(key) ?? [], opts);
    out.specs.push(...t.specs);
    out.warnings.push(...t.warnings.map((w) => `${key}: ${w}`));
  }
  return out;
}
