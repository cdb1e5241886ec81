// Options of startServiceProxy, their defaults (kube-proxy's where it has the same knob) and their checks.
import net from 'node:net';
import type { Client } from '@skiff/client';
import type { Logger } from 'pino';
import { schedulerNames, type EngineKind, type SchedulerName } from '../core.js';
import { LbError } from '../errors.js';
import { validTableName } from '../kernel/nft-ruleset.js';
import type { ServiceProxyOptions } from '../proxy/service-proxy.js';
import type { LeaderElectionTiming } from './lb-status-writer.js';

export interface StartServiceProxyOptions {
  /** This node's name (Local traffic policies, node hints, the presence lease). */
  nodeName: string;
  /** A client to use (not closed by the proxy); else one from `kubeconfig` (a path; default: $KUBECONFIG, ~/.kube/config). */
  client?: Client;
  kubeconfig?: string;
  /** Node addresses: where NodePorts listen, what load-balancer ingress names. Default: the host's, detected. */
  nodeAddresses?: string[];
  /**
   * Interface holding cluster, external and load-balancer IPs so they can be bound (kube-ipvs0, as IPVS mode).
   * Default 'kube-ipvs0' as root, none otherwise; null: none (those addresses must be local already).
   */
  clusterIpInterface?: string | null;
  /** Least time between two syncs; changes made meanwhile are applied together. Default 0 (as IPVS mode). */
  minSyncPeriodMs?: number;
  /** Full resync period. Default 30 s. */
  syncPeriodMs?: number;
  /** Scheduler of Services without the skiff.dev/lb-scheduler annotation. Default rr. */
  defaultScheduler?: SchedulerName;
  /** host:port of /metrics and /healthz; none by default (the bin defaults to 127.0.0.1:10249). */
  metricsBindAddress?: string;
  /** Write status.loadBalancer of LoadBalancer Services when elected. Default true. */
  loadBalancerStatus?: boolean;
  election?: LeaderElectionTiming;
  /** Presence lease duration, s (default 40) and renewal period, ms (default 10,000). */
  presenceLeaseSeconds?: number;
  presenceRenewMs?: number;
  engine?: EngineKind;
  /** A pino logger; else a new one at `logLevel` (default info). */
  logger?: Logger;
  logLevel?: string;
  /**
   * Serve the cluster's DNS on this address (the kube-dns Service's cluster IP, which the node agents give pods as
   * their nameserver) instead of proxying that Service: names in the zone from this proxy's view of Services and
   * EndpointSlices, other names forwarded to `upstreams` (default: the nameservers of /etc/resolv.conf).
   */
  clusterDns?: { address: string; port?: number; domain?: string; upstreams?: string[] };
  /**
   * userspace (default): every Service through the proxy's listeners. nftables: what the kernel can serve (see
   * ServiceProxyOptions.kernelDataPath) as nftables DNAT rules in table inet `nftablesTable` (default skiff_proxy),
   * as kube-proxy's nftables mode; the rest through the listeners. Needs root.
   */
  proxyMode?: ProxyMode;
  nftablesTable?: string;
  /** Data-path settings passed to the ServiceProxy. */
  dataPath?: Pick<ServiceProxyOptions, 'maxFlows' | 'connectTimeoutMs' | 'maxAttempts' | 'sweepIntervalMs'>;
}

export type ProxyMode = 'userspace' | 'nftables';

export interface ResolvedOptions {
  nodeName: string;
  nodeAddresses: string[] | undefined;
  clusterIpInterface: string | undefined;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  defaultScheduler: SchedulerName;
  proxyMode: ProxyMode;
}

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Checks the options and fills defaults; throws InvalidArgument with what is wrong. */
export function resolveOptions(o: StartServiceProxyOptions): ResolvedOptions {
  const bad = (what: string) => new LbError('InvalidArgument', what);
  if (!NODE_NAME.test(o.nodeName ?? '')) throw bad(`node name "${o.nodeName}" is not a DNS subdomain`);
  for (const a of o.nodeAddresses ?? []) if (!net.isIP(a)) throw bad(`node address "${a}" is not an IP address`);
  for (const [name, v] of [['minSyncPeriodMs', o.minSyncPeriodMs], ['syncPeriodMs', o.syncPeriodMs]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw bad(`${name} must be a non-negative number of ms`);
  }
  if (o.syncPeriodMs === 0) throw bad('syncPeriodMs must be above 0');
  if (o.defaultScheduler !== undefined && !schedulerNames.includes(o.defaultScheduler)) {
    throw bad(`scheduler "${o.defaultScheduler}" is not one of ${schedulerNames.join(', ')}`);
  }
  let iface: string | undefined;
  if (o.clusterDns) {
    if (!net.isIP(o.clusterDns.address)) throw bad(`cluster DNS address "${o.clusterDns.address}" is not an IP address`);
    const port = o.clusterDns.port;
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw bad(`cluster DNS port ${port} is not a port number`);
    if (o.clusterDns.domain !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(o.clusterDns.domain)) {
      throw bad(`cluster domain "${o.clusterDns.domain}" is not a DNS domain`);
    }
  }
  const proxyMode = o.proxyMode ?? 'userspace';
  if (proxyMode !== 'userspace' && proxyMode !== 'nftables') throw bad(`proxy mode "${String(proxyMode)}" is not one of userspace, nftables`);
  if (proxyMode === 'nftables' && !isRoot()) throw bad('proxy mode nftables writes kernel rules and needs root (CAP_NET_ADMIN); run as root or in userspace mode');
  if (o.nftablesTable !== undefined && !validTableName(o.nftablesTable)) throw bad(`nftables table "${o.nftablesTable}" is not a valid name (letters, digits, _; at most 32)`);
  if (o.clusterIpInterface === undefined) iface = isRoot() ? 'kube-ipvs0' : undefined;
  else if (o.clusterIpInterface !== null) {
    if (!isRoot()) throw bad(`the cluster-IP interface "${o.clusterIpInterface}" needs root (run without one, or as root)`);
    iface = o.clusterIpInterface;
  }
  return {
    nodeName: o.nodeName,
    nodeAddresses: o.nodeAddresses?.length ? [...new Set(o.nodeAddresses)] : undefined,
    clusterIpInterface: iface,
    minSyncPeriodMs: o.minSyncPeriodMs ?? 0,
    syncPeriodMs: o.syncPeriodMs ?? 30_000,
    defaultScheduler: o.defaultScheduler ?? 'rr',
    proxyMode,
  };
}
