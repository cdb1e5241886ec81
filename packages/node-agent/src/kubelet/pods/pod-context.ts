/**
 * Everything a pod worker needs from the node agent, in one place: the runtime (CRI), the managers shared by
 * all pods (probes, volumes, images, back-off), the node's facts, and the ways back to the API server (status,
 * events, the final delete). Workers get this and nothing else, so a test can assemble one directly.
 */
import type { Logger } from 'pino';
import type { CriClient } from '../../cri/cri-client.js';
import type { NodeAllocatable } from '../env/downward-fields.js';
import type { ObjectSource } from '../env/container-env.js';
import type { ServiceLike } from '../env/service-env.js';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { VolumeManager } from '../volumes/volume-manager.js';
import type { TokenSource } from '../volumes/volume-sources.js';
import type { Backoff } from './backoff.js';
import type { ImagePuller } from './image-puller.js';
import type { DnsSettings } from './sandbox-config.js';

export type EventType = 'Normal' | 'Warning';

export interface PodApi {
  /** Writes the pod's status (pods/status); resolves false when the pod is gone from the API server. */
  writeStatus(pod: any, status: any): Promise<boolean>;
  /** The kubelet's final delete: grace period 0, only if the uid still matches. */
  deletePod(pod: any): Promise<void>;
  event(pod: any, type: EventType, reason: string, message: string): void;
  services(): Iterable<ServiceLike>;
  objects: ObjectSource & TokenSource;
}

export interface PodMetrics {
  /** A pod reached Running: seconds since the node agent first saw it. (CRI calls are timed by the client.) */
  podStarted(seconds: number): void;
}

export interface PodContext {
  cri: CriClient;
  /** containerID prefix in statuses (the runtime's name). */
  runtimeName: string;
  probes: ProbeManager;
  volumes: VolumeManager;
  images: ImagePuller;
  restartBackoff: Backoff;
  api: PodApi;
  metrics: PodMetrics;
  logger: Logger;
  node: {
    name: string;
    hostIPs: string[];
    allocatable: NodeAllocatable;
    memoryCapacityBytes: number;
  };
  settings: {
    podLogsDir: string;
    dns: DnsSettings;
    cgroupParent: string;
    podPidsLimit: number;
    /** How often a running pod is synced even when nothing happened (status, volume contents). */
    resyncMs: number;
  };
}
