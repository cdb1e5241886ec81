/**
 * The objects a fake node shows the cluster, shaped as a kubelet would write them: its Node (capacity, Ready
 * condition, addresses, node info), its Lease in kube-node-lease, and the status of a pod it "runs". Like kwok,
 * fake pods go Running with every container started and ready, and stay so until deleted; nothing executes.
 */
import type { Lease, Node, Pod } from '@skiff/api';

export const FAKE_NODE_LABEL = 'node.skiff.dev/fake';
export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

export interface FakeNodeShape {
  cpu: string;
  memory: string;
  pods: string;
}

export const DEFAULT_SHAPE: FakeNodeShape = { cpu: '32', memory: '256Gi', pods: '110' };

export function fakeNode(name: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        [FAKE_NODE_LABEL]: 'true',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {},
  };
}

export function fakeNodeStatus(name: string, shape: FakeNodeShape, address: string, now: string, since: string): Node['status'] {
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: shape.pods, 'ephemeral-storage': '1Ti' };
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
  });
  return {
    capacity: resources,
    allocatable: resources,
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'fake node has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'fake node has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'fake node has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'fake node is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: name,
      systemUUID: name,
      bootID: name,
      kernelVersion: 'fake',
      osImage: 'Skiff fake node',
      containerRuntimeVersion: 'fake://0.1.0',
      kubeletVersion: 'v1.32.0-skiff-fake',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

export function fakeLease(name: string, renewTime: string): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: LEASE_NAMESPACE },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
  };
}

/** Whether a pod needs the fake node's attention: bound to it, not terminating, and not yet shown Running with an IP. */
export function needsStart(pod: Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const status = pod.status;
  return status?.phase !== 'Running' || !status.podIP || (status.containerStatuses ?? []).length !== (pod.spec?.containers ?? []).length;
}

/** The status of a pod the fake node at `hostIP` started at `now`, with address `podIP`. */
export function runningPodStatus(pod: Pod, podIP: string, hostIP: string, now: string): Pod['status'] {
  const spec = pod.spec!;
  const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
  const containerStatus = (c: { name: string; image?: string }) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: `fake://${c.image ?? ''}`,
    containerID: `fake://${pod.metadata?.uid ?? pod.metadata?.name}/${c.name}`,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: now } },
  });
  const initStatus = (c: { name: string; image?: string }) => ({
    ...containerStatus(c),
    ready: true,
    started: false,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } },
  });
  return {
    ...pod.status,
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: pod.status?.startTime ?? now,
    containerStatuses: spec.containers.map(containerStatus),
    ...(spec.initContainers?.length ? { initContainerStatuses: spec.initContainers.map(initStatus) } : {}),
  };
}
