// Service + EndpointSlices -> the proxy's virtual services, as pure functions. One virtual service per
// (address, port, protocol): each cluster IP, external IP and load-balancer IP on the service port, and each
// node-port address on the node port. Rules, after kube-proxy:
//   - ready, non-terminating endpoints are backends; terminating ones are draining backends (the flows they
//     already have keep them, new flows do not go there); endpoints neither ready nor terminating are left out;
//   - internalTrafficPolicy: Local keeps only this node's endpoints for cluster IPs, externalTrafficPolicy:
//     Local does the same for node ports, external IPs and load-balancer IPs;
//   - under the Cluster policies, topology hints narrow the endpoints as kube-proxy does: when every ready
//     endpoint carries node hints and one names this node, only those; else when every ready endpoint carries
//     zone hints and one names this node's zone, only those; else all of them;
//   - an endpoint's first address is the one used (as the EndpointSlice API asks of consumers);
//   - the annotation skiff.dev/lb-scheduler picks the scheduler (else the configured default), and
//     skiff.dev/lb-hash-port: "true" makes sh/mh hash the client port too.
import net from 'node:net';
import { schedulerNames, type SchedulerName } from '../core.js';
import type { BackendSpec, VirtualServiceSpec } from '../proxy/virtual-service.js';
import { backendKey } from '../proxy/virtual-service.js';
import { type Endpoint, type EndpointSlice, SERVICE_NAME_LABEL, type Service, type ServicePort } from './types.js';

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
  /** This node's zone (its topology.kubernetes.io/zone label), for zone hints. */
  zone?: string;
  /** Cluster IPs the node serves itself (the cluster DNS address): not proxied. */
  servedLocally?: string[];
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
  const spec = svc.spec ?? {};
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

function families(svc: Service): Family[] {
  const fromIPs = clusterIPs(svc).map(familyOf).filter((f): f is Family => f !== undefined);
  if (fromIPs.length) return fromIPs;
  const declared = (svc.spec?.ipFamilies ?? []).filter((f): f is Family => f === 'IPv4' || f === 'IPv6');
  return declared.length ? declared : ['IPv4'];
}

/** Where topology hints send this node's traffic: its own name, its zone, or anywhere (undefined). */
type TopologyScope = { node: string } | { zone: string } | undefined;

function topologyScope(ready: Endpoint[], nodeName: string, zone: string | undefined): TopologyScope {
  if (ready.length === 0) return undefined;
  const hinted = (ep: Endpoint, kind: 'forNodes' | 'forZones', name: string | undefined) =>
    name !== undefined && name !== '' && (ep.hints?.[kind] ?? []).some((h) => h.name === name);
  if (ready.every((ep) => ep.hints?.forNodes?.length) && ready.some((ep) => hinted(ep, 'forNodes', nodeName))) return { node: nodeName };
  if (ready.every((ep) => ep.hints?.forZones?.length) && ready.some((ep) => hinted(ep, 'forZones', zone))) return { zone: zone! };
  return undefined;
}

function inScope(ep: Endpoint, scope: TopologyScope): boolean {
  if (scope === undefined) return true;
  if ('node' in scope) return (ep.hints?.forNodes ?? []).some((h) => h.name === scope.node);
  return (ep.hints?.forZones ?? []).some((h) => h.name === scope.zone);
}

/**
 * Backends for one service port and address family. `localOnly` keeps this node's endpoints only (the Local
 * policies, which ignore topology hints); otherwise hints narrow the set (see the top of this file), with
 * `zone` this node's zone.
 */
export function backendsFor(
  port: ServicePort,
  slices: EndpointSlice[],
  family: Family,
  localOnly: boolean,
  nodeName: string,
  zone?: string,
): BackendSpec[] {
  const protocol = port.protocol ?? 'TCP';
  const candidates: { ep: Endpoint; backend: BackendSpec }[] = [];
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
      candidates.push({ ep, backend: { address, port: target.port, weight: 1, draining: terminating } });
    }
  }
  const scope = localOnly ? undefined : topologyScope(candidates.filter((c) => !c.backend.draining).map((c) => c.ep), nodeName, zone);
  const found = new Map<string, BackendSpec>();
  for (const { ep, backend } of candidates) {
    if (!inScope(ep, scope)) continue;
    const key = backendKey(backend);
    // The same endpoint can sit in two slices while they are rebalanced; the ready view wins.
    const seen = found.get(key);
    if (!seen || (seen.draining && !backend.draining)) found.set(key, backend);
  }
  return [...found.values()].sort((a, b) => (backendKey(a) < backendKey(b) ? -1 : 1));
}

function schedulerOf(svc: Service, opts: TranslateOptions, warnings: string[]): SchedulerName {
  const fallback = opts.defaultScheduler ?? 'rr';
  const wanted = svc.metadata?.annotations?.[SCHEDULER_ANNOTATION];
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
  const id = serviceKey(svc);
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName' || !svc.metadata?.name) return { specs, warnings };
  const scheduler = schedulerOf(svc, opts, warnings);
  const hashPort = svc.metadata.annotations?.[HASH_PORT_ANNOTATION] === 'true';
  const affinityTimeoutSeconds =
    spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  const internalLocal = spec.internalTrafficPolicy === 'Local';
  const externalLocal = spec.externalTrafficPolicy === 'Local';
  const external = [...(spec.externalIPs ?? [])];
  if (type === 'LoadBalancer') {
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (ing.ip) external.push(ing.ip);
  }

  for (const port of spec.ports ?? []) {
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
      if (opts.servedLocally?.includes(ip)) continue;
      const family = familyOf(ip);
      if (!family) {
        warnings.push(`cluster IP "${ip}" is not an IP address`);
        continue;
      }
      add('cluster-ip', ip, port.port, backendsFor(port, slices, family, internalLocal, opts.nodeName, opts.zone));
    }
    for (const ip of external) {
      const family = familyOf(ip);
      if (!family) {
        warnings.push(`external address "${ip}" is not an IP address`);
        continue;
      }
      const kind = spec.externalIPs?.includes(ip) ? 'external-ip' : 'load-balancer';
      add(kind, ip, port.port, backendsFor(port, slices, family, externalLocal, opts.nodeName, opts.zone));
    }
    if ((type === 'NodePort' || type === 'LoadBalancer') && port.nodePort) {
      for (const family of families(svc)) {
        const backends = backendsFor(port, slices, family, externalLocal, opts.nodeName, opts.zone);
        for (const address of nodePortAddresses(opts, family)) add('node-port', address, port.nodePort, backends);
      }
    }
  }
  return { specs, warnings };
}

/** `namespace/name` of a Service: the prefix of its virtual services' names (then `:`). */
export function serviceKey(svc: Service): string {
  return `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`;
}

/** `namespace/name` of the Service an EndpointSlice belongs to (its kubernetes.io/service-name label), if any. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata?.namespace ?? 'default'}/${name}` : undefined;
}

/** Every Service's virtual services, its slices found by the kubernetes.io/service-name label. */
export function translateAll(services: Service[], slices: EndpointSlice[], opts: TranslateOptions): Translation {
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const key = sliceServiceKey(s);
    if (!key) continue;
    const list = bySvc.get(key);
    if (list) list.push(s);
    else bySvc.set(key, [s]);
  }
  const out: Translation = { specs: [], warnings: [] };
  for (const svc of services) {
    const key = serviceKey(svc);
    const t = translateService(svc, bySvc.get(key) ?? [], opts);
    out.specs.push(...t.specs);
    out.warnings.push(...t.warnings.map((w) => `${key}: ${w}`));
  }
  return out;
}
