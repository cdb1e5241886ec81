/**
 * The two CRI services as method tables: for each RPC, its request and response message. The client and the server
 * are both generated from these tables, so a method exists in one exactly when it exists in the other.
 */
import type * as M from './cri-messages.js';
import type { PartialMessage } from './cri-types.js';

/** Unary RPCs of runtime.v1.RuntimeService, keyed by the lowerCamelCase form of the RPC name. */
export interface RuntimeServiceMethods {
  version: [M.VersionRequest, M.VersionResponse];
  runPodSandbox: [M.RunPodSandboxRequest, M.RunPodSandboxResponse];
  stopPodSandbox: [M.PodSandboxIdRequest, M.Empty];
  removePodSandbox: [M.PodSandboxIdRequest, M.Empty];
  podSandboxStatus: [M.PodSandboxStatusRequest, M.PodSandboxStatusResponse];
  listPodSandbox: [M.ListPodSandboxRequest, M.ListPodSandboxResponse];
  createContainer: [M.CreateContainerRequest, M.CreateContainerResponse];
  startContainer: [M.ContainerIdRequest, M.Empty];
  stopContainer: [M.StopContainerRequest, M.Empty];
  removeContainer: [M.ContainerIdRequest, M.Empty];
  listContainers: [M.ListContainersRequest, M.ListContainersResponse];
  containerStatus: [M.ContainerStatusRequest, M.ContainerStatusResponse];
  updateContainerResources: [M.UpdateContainerResourcesRequest, M.Empty];
  reopenContainerLog: [M.ContainerIdRequest, M.Empty];
  execSync: [M.ExecSyncRequest, M.ExecSyncResponse];
  exec: [M.ExecRequest, M.UrlResponse];
  attach: [M.AttachRequest, M.UrlResponse];
  portForward: [M.PortForwardRequest, M.UrlResponse];
  containerStats: [M.ContainerIdRequest, M.ContainerStatsResponse];
  listContainerStats: [M.ListContainerStatsRequest, M.ListContainerStatsResponse];
  podSandboxStats: [M.PodSandboxIdRequest, M.PodSandboxStatsResponse];
  listPodSandboxStats: [M.ListPodSandboxStatsRequest, M.ListPodSandboxStatsResponse];
  updateRuntimeConfig: [M.UpdateRuntimeConfigRequest, M.Empty];
  status: [M.StatusRequest, M.StatusResponse];
  checkpointContainer: [M.CheckpointContainerRequest, M.Empty];
  listMetricDescriptors: [M.Empty, M.ListMetricDescriptorsResponse];
  listPodSandboxMetrics: [M.Empty, M.ListPodSandboxMetricsResponse];
  runtimeConfig: [M.Empty, M.RuntimeConfigResponse];
}

/** Unary RPCs of runtime.v1.ImageService. */
export interface ImageServiceMethods {
  listImages: [M.ListImagesRequest, M.ListImagesResponse];
  imageStatus: [M.ImageStatusRequest, M.ImageStatusResponse];
  pullImage: [M.PullImageRequest, M.PullImageResponse];
  removeImage: [M.RemoveImageRequest, M.Empty];
  imageFsInfo: [M.Empty, M.ImageFsInfoResponse];
}

export type CriMethods = RuntimeServiceMethods & ImageServiceMethods;
export type CriMethodName = keyof CriMethods;

export const runtimeServiceMethods: readonly (keyof RuntimeServiceMethods)[] = [
  'version', 'runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'podSandboxStatus', 'listPodSandbox',
  'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'listContainers', 'containerStatus',
  'updateContainerResources', 'reopenContainerLog', 'execSync', 'exec', 'attach', 'portForward', 'containerStats',
  'listContainerStats', 'podSandboxStats', 'listPodSandboxStats', 'updateRuntimeConfig', 'status',
  'checkpointContainer', 'listMetricDescriptors', 'listPodSandboxMetrics', 'runtimeConfig',
];

export const imageServiceMethods: readonly (keyof ImageServiceMethods)[] = [
  'listImages', 'imageStatus', 'pullImage', 'removeImage', 'imageFsInfo',
];

/** `runPodSandbox` -> `RunPodSandbox`, the name on the wire. */
export function rpcName(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1);
}

/** A server-side implementation: any subset of the RPCs; the rest answer UNIMPLEMENTED. */
export type CriHandlers = {
  [K in CriMethodName]?: (request: CriMethods[K][0]) => Promise<PartialMessage<CriMethods[K][1]>>;
};
