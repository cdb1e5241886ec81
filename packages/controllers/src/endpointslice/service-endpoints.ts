/**
 * What a Service's endpoints are, shared by the EndpointSlice and the legacy Endpoints controllers.
 *
 *   - A pod backs a Service when the Service's selector matches its labels, it has an IP, and it has not
 *     finished (Succeeded/Failed).
 *   - Conditions: serving = the pod is Ready; terminating = it has a deletionTimestamp; ready = serving and not
 *     terminating, or always when the Service publishes not-ready addresses.
 *   - Ports: a numeric targetPort is used as is; a named one is looked up in the pod's containers (same name and
 *     protocol), so two pods may serve a Service on different port numbers. A pod without the named port is left
 *     out of that port. Pods are grouped by the ports they resolve to: each group becomes its own slices/subset.
 *   - Hostname: the pod's spec.hostname, only when its spec.subdomain is this Service's name (StatefulSet pods
 *     set both), so DNS answers `<hostname>.<service>.<ns>.svc` only for the Service the pod chose.
 */
import type { Pod, Service } from '@skiff/api';
import { LabelSelector } from '@skiff/api';
import { isPodReady } from '../framework/pod-state.js';

export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface PodEndpoint {
  pod: Pod;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  hostname?: string;
}

export interface EndpointGroup {
  /** Canonical key of the port set. */
  key: string;
  ports: EndpointPort[];
  endpoints: PodEndpoint[];
}

export function serviceSelector(svc: Service): LabelSelector | undefined {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0 || svc.spec?.type === 'ExternalName') return undefined;
  return new LabelSelector(Object.entries(sel).map(([key, v]) => ({ key, operator: 'Equals' as const, values: [v] })));
}

export function resolvePort(svcPort: NonNullable<NonNullable<Service['spec']>['ports']>[number], pod: Pod): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

export function portKey(ports: EndpointPort[]): string {
  return JSON.stringify([...ports].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port - b.port)).map((p) => [p.name, p.port, p.protocol, p.appProtocol ?? '']));
}

/** The Service's endpoint groups from candidate pods (any order; output sorted by pod name). */
export function endpointGroups(svc: Service, candidates: Pod[]): EndpointGroup[] {
  const selector = serviceSelector(svc);
  if (!selector) return [];
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, EndpointGroup>();
  const pods = candidates
    .filter((p) => selector.matches(p.metadata?.labels) && p.status?.podIP && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed')
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
  for (const pod of pods) {
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = resolvePort(sp, pod);
      if (port === undefined) continue;
      const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      ports.push(ep);
    }
    const serving = isPodReady(pod);
    const terminating = !!pod.metadata?.deletionTimestamp;
    const key = portKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, ports, endpoints: [] }));
    const ep: PodEndpoint = { pod, ip: pod.status!.podIP!, serving, terminating, ready: publishNotReady || (serving && !terminating) };
    const hostname = endpointHostname(svc, pod);
    if (hostname) ep.hostname = hostname;
    g.endpoints.push(ep);
  }
  return [...groups.values()];
}

export function endpointHostname(svc: Service, pod: Pod): string | undefined {
  const hostname = pod.spec?.hostname;
  if (!hostname || pod.spec?.subdomain !== svc.metadata?.name || pod.metadata?.namespace !== svc.metadata?.namespace) return undefined;
  return hostname;
}
