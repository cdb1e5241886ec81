/**
 * The labels and annotations the kubelet puts on CRI sandboxes and containers. They are the kubelet's memory: after
 * a restart it finds its pods' sandboxes and containers by these labels alone (the runtime keeps them), so the keys
 * are the real kubelet's, and everything a later sync needs (restart count, spec hash, grace period) rides along.
 */
import type { Labels } from '../cri/cri-types.js';

export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
/** Marks sandboxes and containers this node agent made, so it never touches anyone else's. */
export const MANAGED_BY = 'io.skiff.managed-by';
export const MANAGER = 'skiff-node-agent';

export const CONTAINER_HASH = 'io.kubernetes.container.hash';
export const RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const TERMINATION_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
export const TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
/** init | sidecar | regular | ephemeral: which list of the pod spec the container came from. */
export const CONTAINER_KIND = 'io.skiff.container.kind';

export type ContainerKind = 'init' | 'sidecar' | 'regular' | 'ephemeral';

export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
}

export function sandboxLabels(pod: PodRef, podLabels: Labels = {}): Labels {
  return { ...podLabels, [POD_NAME]: pod.name, [POD_NAMESPACE]: pod.namespace, [POD_UID]: pod.uid, [MANAGED_BY]: MANAGER };
}

export function containerLabels(pod: PodRef, container: string): Labels {
  return { [POD_NAME]: pod.name, [POD_NAMESPACE]: pod.namespace, [POD_UID]: pod.uid, [CONTAINER_NAME]: container, [MANAGED_BY]: MANAGER };
}

/** The pod a labelled CRI object belongs to, or undefined when the labels are not ours. */
export function podRefOf(labels: Labels): PodRef | undefined {
  if (labels[MANAGED_BY] !== MANAGER) return undefined;
  const uid = labels[POD_UID];
  const name = labels[POD_NAME];
  const namespace = labels[POD_NAMESPACE];
  if (!uid || !name || !namespace) return undefined;
  return { uid, name, namespace };
}

export function restartCountOf(annotations: Labels): number {
  const n = Number(annotations[RESTART_COUNT]);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function containerKindOf(annotations: Labels): ContainerKind {
  const kind = annotations[CONTAINER_KIND];
  return kind === 'init' || kind === 'sidecar' || kind === 'ephemeral' ? kind : 'regular';
}
