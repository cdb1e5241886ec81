import type { ContainerStats } from '../cri/cri-stats-types.js';
import type { Container, ContainerState, ContainerStatus, Labels, PartialMessage, PodSandbox, PodSandboxStatus } from '../cri/cri-types.js';
import type { ContainerUsage } from './backend.js';
import type { ContainerRecord, SandboxRecord } from './records.js';

/**
 * CRI messages built from the runtime's records: what ListPodSandbox, PodSandboxStatus, ListContainers,
 * ContainerStatus and the stats RPCs answer.
 */
const containerStates: Record<ContainerRecord['phase'], ContainerState> = {
  created: 'CONTAINER_CREATED',
  running: 'CONTAINER_RUNNING',
  exited: 'CONTAINER_EXITED',
  unknown: 'CONTAINER_UNKNOWN',
};

export function containerState(record: ContainerRecord): ContainerState {
  return containerStates[record.phase];
}

export function sandboxState(record: SandboxRecord): 'SANDBOX_READY' | 'SANDBOX_NOTREADY' {
  return record.phase === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
}

/** MatchLabels semantics: every selector pair must be present. */
export function labelsMatch(labels: Labels, selector: Labels | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

export function sandboxItem(record: SandboxRecord): PartialMessage<PodSandbox> {
  return {
    id: record.id,
    metadata: record.config.metadata,
    state: sandboxState(record),
    createdAt: record.createdAt,
    labels: record.config.labels,
    annotations: record.config.annotations,
    runtimeHandler: record.runtimeHandler,
  };
}

export function sandboxStatus(record: SandboxRecord): PartialMessage<PodSandboxStatus> {
  const options = record.config.linux?.securityContext?.namespaceOptions;
  return {
    ...sandboxItem(record),
    network: { ip: record.network.ip ?? '', additionalIps: [] },
    linux: { namespaces: { options: { network: options?.network ?? 'POD', pid: options?.pid ?? 'CONTAINER', ipc: options?.ipc ?? 'POD', targetId: '' } } },
  };
}

export function containerItem(record: ContainerRecord): PartialMessage<Container> {
  return {
    id: record.id,
    podSandboxId: record.sandboxId,
    metadata: record.config.metadata,
    image: { image: record.imageName, annotations: record.config.image?.annotations ?? {}, userSpecifiedImage: record.config.image?.userSpecifiedImage ?? '' },
    imageRef: record.imageRef,
    imageId: record.imageId,
    state: containerState(record),
    createdAt: record.createdAt,
    labels: record.config.labels,
    annotations: record.config.annotations,
  };
}

export function containerStatus(record: ContainerRecord): PartialMessage<ContainerStatus> {
  return {
    id: record.id,
    metadata: record.config.metadata,
    state: containerState(record),
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    exitCode: record.exitCode,
    image: { image: record.imageName, annotations: record.config.image?.annotations ?? {}, userSpecifiedImage: record.config.image?.userSpecifiedImage ?? '' },
    imageRef: record.imageRef,
    imageId: record.imageId,
    reason: record.reason,
    message: record.message,
    labels: record.config.labels,
    annotations: record.config.annotations,
    mounts: record.config.mounts,
    logPath: record.logPath,
    resources: record.resources ? { linux: record.resources } : null,
    user: { linux: { uid: record.user.uid, gid: record.user.gid, supplementalGroups: record.user.additionalGids } },
  };
}

const wrap = (value: number | undefined) => (value === undefined ? null : { value });

export function containerStats(record: ContainerRecord, usage: ContainerUsage): PartialMessage<ContainerStats> {
  const available =
    usage.memoryLimitBytes !== undefined && usage.memoryWorkingSetBytes !== undefined
      ? Math.max(0, usage.memoryLimitBytes - usage.memoryWorkingSetBytes)
      : undefined;
  return {
    attributes: { id: record.id, metadata: record.config.metadata, labels: record.config.labels, annotations: record.config.annotations },
    cpu: { timestamp: usage.timestamp, usageCoreNanoSeconds: wrap(usage.cpuUsageNs), usageNanoCores: null },
    memory: {
      timestamp: usage.timestamp,
      workingSetBytes: wrap(usage.memoryWorkingSetBytes),
      availableBytes: wrap(available),
      usageBytes: wrap(usage.memoryUsageBytes),
      rssBytes: wrap(usage.memoryRssBytes),
      pageFaults: wrap(usage.pageFaults),
      majorPageFaults: wrap(usage.majorPageFaults),
    },
    writableLayer:
      usage.writableLayerBytes === undefined
        ? null
        : {
            timestamp: usage.timestamp,
            fsId: { mountpoint: usage.writableLayerMountpoint ?? '' },
            usedBytes: wrap(usage.writableLayerBytes),
            inodesUsed: wrap(usage.writableLayerInodes),
          },
    swap: { timestamp: usage.timestamp, swapUsageBytes: wrap(usage.swapUsageBytes), swapAvailableBytes: null },
  };
}
