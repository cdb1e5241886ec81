// What the proxy is asked to serve: virtual services (an address, port and protocol) and their backends. The
// translation from Kubernetes objects (k8s/translate.ts) produces these; so can any other caller.
import type { Protocol, SchedulerName } from '../core.js';

export interface BackendSpec {
  address: string;
  port: number;
  /** 0 to 65535, default 1. */
  weight?: number;
  /** Terminating: flows it already has keep it, new flows go elsewhere. */
  draining?: boolean;
}

export interface VirtualServiceSpec {
  /** Unique key of the virtual service (the translation uses namespace/name:port/kind/address). */
  name: string;
  /** Address to listen on: a cluster IP, an external IP, or 0.0.0.0 / :: for node ports. */
  address: string;
  /** Port to listen on; 0 picks a free port (tests), readable from the proxy's status. */
  port: number;
  protocol: Protocol;
  scheduler: SchedulerName;
  /** IPVS's sh-port/mh-port: hash the client's port as well as its address. Default false. */
  hashPort?: boolean;
  /** mh only: prime table size, default 65537. */
  maglevTableSize?: number;
  /** ClientIP session affinity, in seconds since the client last opened a flow. Absent or 0: off. */
  affinityTimeoutSeconds?: number;
  /** UDP only: idle time after which a client's flow is forgotten, ms. Default 300,000. */
  udpFlowTimeoutMs?: number;
  backends: BackendSpec[];
}

export function backendKey(b: { address: string; port: number }): string {
  return b.address.includes(':') ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`;
}

/** Why a client got nothing: reported in `rejected` events. */
export type RejectReason = 'no-backend' | 'table-full' | 'all-refused';

export interface ProxyEvents {
  /** A backend refused (or timed out) a connection; the proxy tried another. */
  'backend-refused': [info: { service: string; backend: string; code: string }];
  /** A client's connection was reset or its datagram dropped. */
  rejected: [info: { service: string; client: string; reason: RejectReason }];
}

export interface BackendStatus {
  address: string;
  port: number;
  weight: number;
  draining: boolean;
  /** Removed from the spec, kept (draining) until its active connections end. */
  leaving: boolean;
  activeFlows: number;
  inactiveFlows: number;
}

export interface VirtualServiceStatus {
  name: string;
  address: string;
  /** The port actually bound (differs from the spec when it asked for 0). */
  port: number;
  protocol: Protocol;
  scheduler: SchedulerName;
  /** Who forwards new flows: nftables rules in the kernel, or the proxy's listener. */
  dataPath: 'kernel' | 'userspace';
  /** In the kernel data path the flows are the kernel's (conntrack): the counts here see only userspace flows. */
  backends: BackendStatus[];
}
