/**
 * The Node object as this agent registers and reports it: well-known labels, capacity and allocatable (each
 * configurable so several agents can share one machine without claiming it twice), addresses, the kubelet
 * endpoint the API server proxies logs and exec to, nodeInfo, and the images the runtime holds.
 */
import { canonicalQuantity, parseQuantity, quantityMilli } from '@skiff/api';
import type { Image } from '../../cri/cri-image-types.js';
import type { MachineInfo } from './host-stats.js';

export const KUBELET_VERSION = 'v1.32.0';

export interface NodeResources {
  /** Quantities as strings: cpu "2", memory "4Gi", ephemeral-storage "20Gi", pods "110". */
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
}

export interface NodeIdentity {
  name: string;
  /** InternalIP addresses (the first is where the API server reaches the agent). */
  addresses: string[];
  hostname: string;
  port: number;
  labels: Record<string, string>;
  taints: any[];
  podCidr?: string;
}

export function nodeLabels(identity: { name: string; labels: Record<string, string> }, machine: MachineInfo): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': machine.architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': machine.architecture,
    'kubernetes.io/hostname': identity.name,
    'kubernetes.io/os': 'linux',
    ...identity.labels,
  };
}

/** Capacity from options or the machine; allocatable is capacity minus what is reserved for the system. */
export function nodeResources(
  machine: MachineInfo,
  diskBytes: number,
  options: { cpu?: string; memory?: string; ephemeralStorage?: string; maxPods: number; reserved?: Record<string, string> },
): NodeResources {
  const capacity: Record<string, string> = {
    cpu: canonicalQuantity(options.cpu ?? String(machine.cpus)),
    memory: canonicalQuantity(options.memory ?? `${Math.floor(machine.memoryBytes / 1024)}Ki`),
    'ephemeral-storage': canonicalQuantity(options.ephemeralStorage ?? `${Math.floor(diskBytes / 1024)}Ki`),
    pods: String(options.maxPods),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  };
  const allocatable = { ...capacity };
  for (const [name, reserved] of Object.entries(options.reserved ?? {})) {
    if (!(name in capacity)) continue;
    const left = quantityMilli(parseQuantity(capacity[name]!)) - quantityMilli(parseQuantity(reserved));
    const milli = left > 0n ? left : 0n;
    const whole = (milli + 999n) / 1000n;
    // keep byte amounts binary (4Gi - 1Gi is 3Gi, not 3221225472), as the kubelet's quantity arithmetic does
    allocatable[name] = canonicalQuantity(name === 'cpu' ? `${milli}m` : name === 'pods' || whole % 1024n !== 0n ? String(whole) : `${whole / 1024n}Ki`);
  }
  return { capacity, allocatable };
}

export function nodeImages(images: Image[]): any[] {
  return images
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }))
    .filter((i) => i.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, 50);
}

export function nodeInfo(machine: MachineInfo, runtime: { name: string; version: string }): any {
  return {
    machineID: machine.machineID,
    systemUUID: machine.systemUUID,
    bootID: machine.bootID,
    kernelVersion: machine.kernelVersion,
    osImage: machine.osImage,
    containerRuntimeVersion: `${runtime.name}://${runtime.version}`,
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: KUBELET_VERSION,
    operatingSystem: 'linux',
    architecture: machine.architecture,
  };
}

export function nodeAddresses(identity: NodeIdentity): any[] {
  return [...identity.addresses.map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: identity.hostname }];
}

/** The object first created for this node. */
export function initialNode(identity: NodeIdentity, machine: MachineInfo): any {
  const spec: any = {};
  if (identity.podCidr) {
    spec.podCIDR = identity.podCidr;
    spec.podCIDRs = [identity.podCidr];
  }
  if (identity.taints.length) spec.taints = identity.taints;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: identity.name,
      labels: nodeLabels(identity, machine),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec,
  };
}
