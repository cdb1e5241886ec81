/**
 * startNodeAgent's options and their defaults. Everything that identifies the node or sizes it is configurable,
 * so several agents can share one machine (each with its own name, port, capacity, root and cgroup parent), and
 * every period is, so tests can run the same code faster.
 */
import os from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig } from '@skiff/client';
import type { Logger } from 'pino';
import { resolveEvictionConfig, type EvictionConfig, type EvictionOptions } from './eviction/eviction-config.js';
import type { EvictionStatsSource } from './eviction/stats-source.js';

export interface NodeAgentOptions {
  nodeName: string;
  /** The API server: a kubeconfig file, or the connection itself. */
  kubeconfig?: string;
  cluster?: ClusterConfig;
  /** The CRI runtime's unix socket (skiff-cri, or containerd's). */
  criSocket: string;
  /** Where pod volumes live (`<root>/pods/<uid>`); default /var/lib/skiff/node-agent/<nodeName>. */
  root?: string;
  /** Where container logs go (`<dir>/<ns>_<name>_<uid>/<container>/<n>.log`); default <root>/pod-logs. */
  podLogsDir?: string;
  /** Listen address of the kubelet API (default 0.0.0.0) and port (default 10250; 0 picks a free one). */
  address?: string;
  port?: number;
  /** The node's InternalIP (default: the first non-internal IPv4 address, else 127.0.0.1). */
  nodeIP?: string;
  hostname?: string;
  capacity?: { cpu?: string; memory?: string; ephemeralStorage?: string; pods?: number };
  /** Subtracted from capacity to give allocatable, e.g. { cpu: '100m', memory: '256Mi' }. */
  systemReserved?: Record<string, string>;
  /** A pod CIDR to use when the node lifecycle controller assigns none. */
  podCidr?: string;
  labels?: Record<string, string>;
  taints?: any[];
  clusterDns?: string[];
  clusterDomain?: string;
  /** The cgroup every pod's cgroup goes under (default /skiff/<nodeName>). */
  cgroupParent?: string;
  /** pids.max of each pod (the kubelet's --pod-max-pids); 0 or less: none. */
  podPidsLimit?: number;
  /** CrashLoopBackOff: 10 s doubling to 300 s; a container up for resetAfterMs (2 * max) starts over. */
  crashLoopBackoff?: { initialMs?: number; maxMs?: number; resetAfterMs?: number };
  imagePullBackoff?: { initialMs?: number; maxMs?: number };
  leaseDurationSeconds?: number;
  leaseRenewMs?: number;
  nodeStatusUpdateMs?: number;
  nodeStatusReportMs?: number;
  /** How often the CPU and memory of pods are sampled for /stats/summary (`kubectl top`); the CPU window. */
  resourceSampleMs?: number;
  /** A directory of static pod manifests (the kubelet's --pod-manifest-path); none when absent. */
  staticPodPath?: string;
  /** How often the static pod directory is reread (besides on changes the directory reports); default 20 s. */
  fileCheckFrequencyMs?: number;
  /** The runtime relist period (the kubelet's PLEG), and the resync period of every pod. */
  relistMs?: number;
  resyncMs?: number;
  /** Node-pressure eviction: the kubelet's --eviction-* flags (eviction/eviction-config.ts). */
  eviction?: EvictionOptions;
  tls?: { key: Buffer | string; cert: Buffer | string };
  logger?: Logger;
}

export type ResolvedOptions = Required<
  Omit<NodeAgentOptions, 'kubeconfig' | 'cluster' | 'tls' | 'logger' | 'podCidr' | 'staticPodPath' | 'capacity' | 'crashLoopBackoff' | 'imagePullBackoff' | 'eviction'>
> & {
  capacity: NonNullable<NodeAgentOptions['capacity']>;
  podCidr?: string;
  staticPodPath?: string;
  crashLoopBackoff: { initialMs: number; maxMs: number; resetAfterMs?: number };
  imagePullBackoff: { initialMs: number; maxMs: number };
  eviction: EvictionConfig & { stats?: Partial<EvictionStatsSource> };
};

export function defaultNodeIP(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}

export function resolveOptions(o: NodeAgentOptions): ResolvedOptions {
  const root = o.root ?? join('/var/lib/skiff/node-agent', o.nodeName);
  return {
    nodeName: o.nodeName,
    criSocket: o.criSocket,
    root,
    podLogsDir: o.podLogsDir ?? join(root, 'pod-logs'),
    address: o.address ?? '0.0.0.0',
    port: o.port ?? 10250,
    nodeIP: o.nodeIP ?? defaultNodeIP(),
    hostname: o.hostname ?? o.nodeName,
    capacity: o.capacity ?? {},
    systemReserved: o.systemReserved ?? {},
    podCidr: o.podCidr,
    labels: o.labels ?? {},
    taints: o.taints ?? [],
    clusterDns: o.clusterDns ?? [],
    clusterDomain: o.clusterDomain ?? 'cluster.local',
    cgroupParent: o.cgroupParent ?? `/skiff/${o.nodeName}`,
    podPidsLimit: o.podPidsLimit ?? 0,
    crashLoopBackoff: { initialMs: 10_000, maxMs: 300_000, ...o.crashLoopBackoff },
    imagePullBackoff: { initialMs: 10_000, maxMs: 300_000, ...o.imagePullBackoff },
    leaseDurationSeconds: o.leaseDurationSeconds ?? 40,
    leaseRenewMs: o.leaseRenewMs ?? 10_000,
    nodeStatusUpdateMs: o.nodeStatusUpdateMs ?? 10_000,
    nodeStatusReportMs: o.nodeStatusReportMs ?? 5 * 60_000,
    resourceSampleMs: o.resourceSampleMs ?? 10_000,
    staticPodPath: o.staticPodPath,
    fileCheckFrequencyMs: o.fileCheckFrequencyMs ?? 20_000,
    relistMs: o.relistMs ?? 1000,
    resyncMs: o.resyncMs ?? 60_000,
    eviction: { ...resolveEvictionConfig(o.eviction), stats: o.eviction?.stats },
  };
}
