/**
 * The PodSandboxConfig of a pod: its identity (the labels the kubelet finds it by again), hostname, log directory,
 * DNS (dnsPolicy), host ports, namespaces (hostNetwork, hostPID, hostIPC) and cgroup parent.
 */
import { join } from 'node:path';
import type { DNSConfig, PartialMessage, PodSandboxConfig } from '../../cri/cri-types.js';
import { sandboxLabels } from '../cri-labels.js';

export interface DnsSettings {
  /** Cluster DNS servers; with none, ClusterFirst falls back to the node's resolv.conf as the kubelet does. */
  clusterDns: string[];
  clusterDomain: string;
}

/** Where a pod's container logs go: `<podLogsDir>/<namespace>_<name>_<uid>` (the kubelet's layout). */
export function podLogDirectory(podLogsDir: string, pod: any): string {
  const m = pod.metadata;
  return join(podLogsDir, `${m.namespace}_${m.name}_${m.uid}`);
}

/** The pod's hostname: spec.hostname, or its name cut to 63 characters without a trailing dot or dash. */
export function podHostname(pod: any): string {
  const name: string = pod.spec?.hostname || pod.metadata.name;
  return name.slice(0, 63).replace(/[-.]+$/, '');
}

export function dnsConfigFor(pod: any, dns: DnsSettings): PartialMessage<DNSConfig> | null {
  const spec = pod.spec ?? {};
  let policy: string = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  else if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  const custom = spec.dnsConfig ?? {};
  const extra = {
    servers: custom.nameservers ?? [],
    searches: custom.searches ?? [],
    options: (custom.options ?? []).map((o: { name: string; value?: string }) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name)),
  };
  if (policy === 'None') return extra;
  if (policy === 'ClusterFirst' && dns.clusterDns.length > 0) {
    const ns = pod.metadata.namespace;
    const d = dns.clusterDomain;
    return {
      servers: [...dns.clusterDns, ...extra.servers],
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...extra.searches],
      options: ['ndots:5', ...extra.options],
    };
  }
  // Default (and ClusterFirst without cluster DNS): the node's resolv.conf, which the runtime uses for an empty config
  return extra.servers.length || extra.searches.length || extra.options.length ? extra : null;
}

export function sandboxConfig(pod: any, options: { attempt: number; podLogsDir: string; dns: DnsSettings; cgroupParent: string }): PartialMessage<PodSandboxConfig> {
  const m = pod.metadata;
  const spec = pod.spec ?? {};
  const ports = (spec.containers ?? []).flatMap((c: any) => c.ports ?? []).filter((p: any) => p.hostPort);
  const security = spec.securityContext ?? {};
  return {
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, attempt: options.attempt },
    hostname: podHostname(pod),
    logDirectory: podLogDirectory(options.podLogsDir, pod),
    dnsConfig: dnsConfigFor(pod, options.dns),
    portMappings: ports.map((p: any) => ({ protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIP ?? '' })),
    labels: sandboxLabels({ name: m.name, namespace: m.namespace, uid: m.uid }, m.labels ?? {}),
    annotations: m.annotations ?? {},
    linux: {
      cgroupParent: options.cgroupParent,
      sysctls: Object.fromEntries((security.sysctls ?? []).map((s: { name: string; value: string }) => [s.name, s.value])),
      securityContext: {
        namespaceOptions: {
          network: spec.hostNetwork ? 'NODE' : 'POD',
          pid: spec.hostPID ? 'NODE' : spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
          ipc: spec.hostIPC ? 'NODE' : 'POD',
        },
        runAsUser: security.runAsUser !== undefined ? { value: security.runAsUser } : null,
        runAsGroup: security.runAsGroup !== undefined ? { value: security.runAsGroup } : null,
        supplementalGroups: security.supplementalGroups ?? [],
      },
    },
  };
}
