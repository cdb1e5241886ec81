/**
 * Which container instance a kubelet API request means: the pod by namespace and name (as this node knows it),
 * then the container's newest instance (or the one before, for `previous`), found through the CRI by labels.
 * Failures are the kubelet's messages, as Status errors the handlers send back.
 */
import type { CriClient } from '../../cri/cri-client.js';
import type { Container } from '../../cri/cri-types.js';
import { CONTAINER_NAME, POD_UID, restartCountOf } from '../cri-labels.js';

export class RequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function statusBody(code: number, message: string): string {
  const reason = code === 404 ? 'NotFound' : code === 400 ? 'BadRequest' : code === 503 ? 'ServiceUnavailable' : 'InternalError';
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

export interface PodLookup {
  pod(namespace: string, name: string): any | undefined;
}

export function findPod(lookup: PodLookup, namespace: string, name: string): any {
  const pod = lookup.pod(namespace, name);
  if (!pod) throw new RequestError(404, `pod "${name}" not found in namespace "${namespace}" on this node`);
  return pod;
}

/** Instances of a pod's container, newest first. */
/** Whether the pod's spec has a container of that name, in any of its three lists. */
function specHas(pod: any, container: string): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].some((c: any) => c.name === container);
}

export async function containerInstances(cri: CriClient, pod: any, container: string): Promise<Container[]> {
  const { containers } = await cri.listContainers({ filter: { labelSelector: { [POD_UID]: pod.metadata.uid, [CONTAINER_NAME]: container } } });
  return containers.sort((a, b) => restartCountOf(b.annotations) - restartCountOf(a.annotations) || b.createdAt - a.createdAt);
}

function waitingMessage(pod: any, container: string): string {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const reason: string = statuses.find((s: any) => s.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
  const why = reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason === 'ErrImageNeverPull' ? "image can't be pulled" : reason;
  return `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`;
}

export async function logTarget(cri: CriClient, pod: any, container: string, previous: boolean): Promise<Container> {
  const known = specHas(pod, container);
  if (!known) throw new RequestError(400, `container ${container} is not valid for pod ${pod.metadata.name}`);
  const instances = await containerInstances(cri, pod, container);
  if (previous) {
    if (!instances[1]) throw new RequestError(400, `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    return instances[1];
  }
  if (!instances[0] || instances[0].state === 'CONTAINER_CREATED') throw new RequestError(400, waitingMessage(pod, container));
  return instances[0];
}

export async function runningContainer(cri: CriClient, pod: any, container: string): Promise<Container> {
  const known = specHas(pod, container);
  if (!known) throw new RequestError(400, `container ${container} is not valid for pod ${pod.metadata.name}`);
  const latest = (await containerInstances(cri, pod, container))[0];
  if (!latest || latest.state !== 'CONTAINER_RUNNING') throw new RequestError(400, `container not found ("${container}")`);
  return latest;
}
