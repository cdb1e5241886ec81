/**
 * The cluster's DNS: every node's proxy serves it (skiff-proxy --cluster-dns) on the cluster IP of the
 * kube-system/kube-dns Service, the address kubeadm gives it (the tenth of the service range, 10.96.0.10 by
 * default), and the node agents write that address into pods' resolv.conf. The Service has no selector and no
 * endpoints: it holds the address, so no other Service is given it, and it names the cluster DNS as kubectl shows it.
 */
import type { Service } from '@skiff/api';
import type { Client } from '@skiff/client';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_SERVICE = 'kube-dns';

/** The tenth address of an IPv4 CIDR (10.96.0.0/12 -> 10.96.0.10). */
export function clusterDnsAddress(serviceCidr: string): string {
  const [ip, bits] = serviceCidr.split('/');
  const parts = (ip ?? '').split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255) || !(Number(bits) <= 28)) {
    throw new Error(`the service CIDR "${serviceCidr}" is not an IPv4 CIDR of /28 or wider, so it has no tenth address for the cluster DNS`);
  }
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const base = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) & mask;
  const n = (base + 10) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function dnsService(clusterIP?: string): Service {
  return {
    metadata: { name: DNS_SERVICE, namespace: DNS_NAMESPACE, labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'SkiffDNS' } },
    spec: {
      ...(clusterIP ? { clusterIP } : {}),
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    },
  } as Service;
}

/**
 * The kube-dns Service's cluster IP, creating the Service if it is missing: at the tenth address of the range, or
 * wherever the API server puts it when a Service of a user's already holds that address.
 */
export async function ensureClusterDnsService(client: Client, serviceCidr: string): Promise<string> {
  const services = client.resource<Service>('v1/services').namespace(DNS_NAMESPACE);
  const existing = await services.get(DNS_SERVICE).catch((e: { code?: number }) => {
    if (e.code === 404) return undefined;
    throw e;
  });
  if (existing?.spec?.clusterIP) return existing.spec.clusterIP;
  let created: Service;
  try {
    created = await services.create(dnsService(clusterDnsAddress(serviceCidr)));
  } catch (e) {
    if ((e as { code?: number }).code !== 422) throw e;
    created = await services.create(dnsService());
  }
  return created.spec!.clusterIP!;
}
