import type { ContainerConfig, LinuxContainerResources, PodSandboxConfig } from '../cri/cri-types.js';

/**
 * What the runtime persists about each sandbox and container (one JSON file each), enough to answer every status
 * RPC and to adopt running containers after a restart. Timestamps are nanoseconds since the epoch.
 */
export type SandboxPhase = 'ready' | 'notready';

export interface SandboxNetwork {
  /** Network namespace file (bind mount under /run/netns), absent for host-network pods. */
  netnsPath?: string;
  netnsName?: string;
  ip?: string;
  /** The exact CNI configurations ADD was called with, replayed for DEL. */
  attachments: { ifname: string; config: Record<string, unknown> }[];
}

export interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  runtimeHandler: string;
  createdAt: number;
  phase: SandboxPhase;
  hostNetwork: boolean;
  network: SandboxNetwork;
  /** Directory holding the sandbox's generated /etc files (hosts, hostname, resolv.conf). */
  dir: string;
  backend: string;
}

export type ContainerPhase = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  /** The image as the request named it, normalized. */
  imageName: string;
  /** `sha256:<config digest>`. */
  imageId: string;
  /** `<repository>@sha256:<manifest digest>`, or the image ID when the image has no repository. */
  imageRef: string;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  phase: ContainerPhase;
  /** Absolute path of the CRI log file, or empty when the kubelet asked for none. */
  logPath: string;
  /** Host PID of the container's first process while it runs. */
  pid: number;
  /** PID of the shim watching the container (see shim.ts). */
  shimPid: number;
  resources: LinuxContainerResources | null;
  user: ContainerUser;
  /** Signal the image asks to be stopped with (StopSignal), e.g. SIGTERM. */
  stopSignal: string;
  backend: string;
  /** Backend-specific facts (runc: cgroup path, rootfs mount point). */
  backendState: Record<string, string>;
}
