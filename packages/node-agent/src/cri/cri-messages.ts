/**
 * Requests and responses of every runtime.v1 RPC, in the decoded shape described in `cri-types.ts`.
 */
import type {
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStatus,
  Labels,
  LinuxContainerResources,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
} from './cri-types.js';
import type {
  ContainerStats,
  ContainerStatsFilter,
  FilesystemUsage,
  PodSandboxStats,
  PodSandboxStatsFilter,
} from './cri-stats-types.js';
import type { AuthConfig, Image, ImageSpecInput } from './cri-image-types.js';

export type Empty = Record<string, never>;

export interface VersionRequest {
  version: string;
}
export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface RuntimeCondition {
  /** "RuntimeReady" and "NetworkReady" are required by the kubelet. */
  type: string;
  status: boolean;
  reason: string;
  message: string;
}
export interface StatusRequest {
  verbose: boolean;
}
export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: Labels;
  runtimeHandlers: { name: string; features: { recursiveReadOnlyMounts: boolean; userNamespaces: boolean } | null }[];
  features: { supplementalGroupsPolicy: boolean } | null;
}
export interface UpdateRuntimeConfigRequest {
  runtimeConfig: { networkConfig: { podCidr: string } | null } | null;
}
export interface RuntimeConfigResponse {
  linux: { cgroupDriver: 'SYSTEMD' | 'CGROUPFS' } | null;
}

export interface RunPodSandboxRequest {
  config: PodSandboxConfig | null;
  runtimeHandler: string;
}
export interface RunPodSandboxResponse {
  podSandboxId: string;
}
export interface PodSandboxIdRequest {
  podSandboxId: string;
}
export interface PodSandboxStatusRequest {
  podSandboxId: string;
  verbose: boolean;
}
export interface PodSandboxStatusResponse {
  status: PodSandboxStatus | null;
  info: Labels;
  containersStatuses: ContainerStatus[];
  timestamp: number;
}
export interface ListPodSandboxRequest {
  filter: PodSandboxFilter | null;
}
export interface ListPodSandboxResponse {
  items: PodSandbox[];
}

export interface CreateContainerRequest {
  podSandboxId: string;
  config: ContainerConfig | null;
  sandboxConfig: PodSandboxConfig | null;
}
export interface CreateContainerResponse {
  containerId: string;
}
export interface ContainerIdRequest {
  containerId: string;
}
export interface StopContainerRequest {
  containerId: string;
  /** Seconds to wait after the stop signal before SIGKILL; 0 kills at once. */
  timeout: number;
}
export interface ListContainersRequest {
  filter: ContainerFilter | null;
}
export interface ListContainersResponse {
  containers: Container[];
}
export interface ContainerStatusRequest {
  containerId: string;
  verbose: boolean;
}
export interface ContainerStatusResponse {
  status: ContainerStatus | null;
  info: Labels;
}
export interface UpdateContainerResourcesRequest {
  containerId: string;
  linux: LinuxContainerResources | null;
  annotations: Labels;
}

export interface ExecSyncRequest {
  containerId: string;
  cmd: string[];
  /** Seconds; 0 runs without a limit. */
  timeout: number;
}
export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}
export interface ExecRequest {
  containerId: string;
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}
export interface AttachRequest {
  containerId: string;
  stdin: boolean;
  tty: boolean;
  stdout: boolean;
  stderr: boolean;
}
export interface PortForwardRequest {
  podSandboxId: string;
  port: number[];
}
export interface UrlResponse {
  url: string;
}

export interface ContainerStatsResponse {
  stats: ContainerStats | null;
}
export interface ListContainerStatsRequest {
  filter: ContainerStatsFilter | null;
}
export interface ListContainerStatsResponse {
  stats: ContainerStats[];
}
export interface PodSandboxStatsResponse {
  stats: PodSandboxStats | null;
}
export interface ListPodSandboxStatsRequest {
  filter: PodSandboxStatsFilter | null;
}
export interface ListPodSandboxStatsResponse {
  stats: PodSandboxStats[];
}

export interface CheckpointContainerRequest {
  containerId: string;
  location: string;
  timeout: number;
}

export type ContainerEventType =
  | 'CONTAINER_CREATED_EVENT'
  | 'CONTAINER_STARTED_EVENT'
  | 'CONTAINER_STOPPED_EVENT'
  | 'CONTAINER_DELETED_EVENT';
export interface ContainerEventResponse {
  containerId: string;
  containerEventType: ContainerEventType;
  createdAt: number;
  podSandboxStatus: PodSandboxStatus | null;
  containersStatuses: ContainerStatus[];
}

export interface ListMetricDescriptorsResponse {
  descriptors: { name: string; help: string; labelKeys: string[] }[];
}
export interface ListPodSandboxMetricsResponse {
  podMetrics: unknown[];
}

export interface ListImagesRequest {
  filter: { image: ImageSpecInput | null } | null;
}
export interface ListImagesResponse {
  images: Image[];
}
export interface ImageStatusRequest {
  image: ImageSpecInput | null;
  verbose: boolean;
}
export interface ImageStatusResponse {
  /** null when the image is not present. */
  image: Image | null;
  info: Labels;
}
export interface PullImageRequest {
  image: ImageSpecInput | null;
  auth: AuthConfig | null;
  sandboxConfig: PodSandboxConfig | null;
}
export interface PullImageResponse {
  imageRef: string;
}
export interface RemoveImageRequest {
  image: ImageSpecInput | null;
}
export interface ImageFsInfoResponse {
  imageFilesystems: FilesystemUsage[];
  containerFilesystems: FilesystemUsage[];
}
