// Which status.loadBalancer.ingress a Service should have, as a pure function. Services of type LoadBalancer
// without a spec.loadBalancerClass (a class means another implementation owns them, as with k3s's ServiceLB)
// get the addresses of the nodes running a proxy, of the Service's IP families, sorted; every other Service
// without a class gets no ingress (a Service changed away from LoadBalancer loses the addresses it had).
import net from 'node:net';
import type { Service } from '../k8s/types.js';

export type Ingress = { ip: string }[];

/** Whether this proxy's status writer owns the Service's load-balancer status. */
export function ownsLoadBalancerStatus(svc: Service): boolean {
  return !svc.spec?.loadBalancerClass && svc.spec?.type !== 'ExternalName';
}

function serviceFamilies(svc: Service): Set<4 | 6> {
  const fromIPs = (svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : [])).map((ip) => net.isIP(ip)).filter((f) => f === 4 || f === 6);
  const declared = (svc.spec?.ipFamilies ?? []).map((f) => (f === 'IPv6' ? 6 : f === 'IPv4' ? 4 : 0)).filter((f) => f === 4 || f === 6);
  const all = fromIPs.length ? fromIPs : declared.length ? declared : [4];
  return new Set(all as (4 | 6)[]);
}

/** The ingress the Service should have, given the live proxies' node addresses. */
export function desiredIngress(svc: Service, nodeAddresses: Iterable<string>): Ingress {
  if (svc.spec?.type !== 'LoadBalancer') return [];
  const families = serviceFamilies(svc);
  const ips = [...new Set(nodeAddresses)].filter((a) => families.has(net.isIP(a) as 4 | 6));
  // Numeric order for IPv4 so 10.0.0.9 precedes 10.0.0.10; IPv6 after, by text.
  const key = (a: string) => (net.isIPv4(a) ? a.split('.').map((p) => p.padStart(3, '0')).join('.') : `~${a}`);
  return ips.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map((ip) => ({ ip }));
}

/** Whether the Service's ingress differs from `want` (hostnames count as differences: they are not ours). */
export function ingressDiffers(svc: Service, want: Ingress): boolean {
  const have = svc.status?.loadBalancer?.ingress ?? [];
  if (have.length !== want.length) return true;
  return have.some((h, i) => h.ip !== want[i]!.ip || !!h.hostname);
}
