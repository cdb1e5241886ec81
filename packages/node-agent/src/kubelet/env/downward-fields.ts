/**
 * The downward API: a pod's own fields (fieldRef) and its containers' requests and limits (resourceFieldRef), as
 * environment values and as downwardAPI volume files. Both read the same paths, so one resolver serves both.
 */
import { isValidQuantity, parseQuantity } from '@skiff/api';
import { NodeAgentError } from '../../errors.js';
import { milliOf, type ContainerResourcesSpec } from '../pods/container-resources.js';

/** What fieldRef may read besides the pod object: what only the node knows. */
export interface PodRuntimeFields {
  podIPs: string[];
  hostIPs: string[];
}

export interface NodeAllocatable {
  /** Millicores. */
  cpuMilli: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
}

/** `key="value"` lines, sorted by key, as the kubelet writes metadata.labels and metadata.annotations. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join('\n');
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/**
 * The value of `fieldPath` for `pod`. `volume` allows the whole label and annotation maps (only files may hold
 * them); an unsupported path throws, which the caller reports as CreateContainerConfigError.
 */
export function podFieldValue(pod: any, fieldPath: string, runtime: PodRuntimeFields, volume = false): string {
  const meta = pod.metadata ?? {};
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) return (meta[sub[1]!] ?? {})[sub[2]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
      return runtime.podIPs[0] ?? '';
    case 'status.podIPs':
      return runtime.podIPs.join(',');
    case 'status.hostIP':
      return runtime.hostIPs[0] ?? '';
    case 'status.hostIPs':
      return runtime.hostIPs.join(',');
    case 'metadata.labels':
    case 'metadata.annotations':
      if (volume) return formatMap(meta[fieldPath.slice('metadata.'.length)]);
      break;
  }
  throw new NodeAgentError('ContainerConfigInvalid', `unsupported fieldPath "${fieldPath}"`);
}

const RESOURCE_NAMES: Record<string, keyof NodeAllocatable> = {
  cpu: 'cpuMilli',
  memory: 'memoryBytes',
  'ephemeral-storage': 'ephemeralStorageBytes',
};

/**
 * A container's request or limit in units of `divisor` (default 1), rounded up as the kubelet does: a limit of
 * 250m cpu reads as "1", 64Mi memory with divisor 1Mi as "64". A limit the container does not set reads as the
 * node's allocatable amount; a missing request as 0.
 */
export function resourceFieldValue(
  resources: ContainerResourcesSpec | undefined,
  resource: string,
  divisor: string | number | undefined,
  allocatable: NodeAllocatable,
): string {
  const m = /^(limits|requests)\.(cpu|memory|ephemeral-storage)$/.exec(resource);
  if (!m) throw new NodeAgentError('ContainerConfigInvalid', `unsupported resource "${resource}" in resourceFieldRef`);
  const [, kind, name] = m as unknown as [string, 'limits' | 'requests', string];
  let milli = milliOf(resources?.[kind], name!);
  if (milli === undefined && kind === 'requests') milli = milliOf(resources?.limits, name!);
  if (milli === undefined) {
    const node = allocatable[RESOURCE_NAMES[name!]!];
    milli = name === 'cpu' ? node : node * 1000;
    if (kind === 'requests') milli = 0;
  }
  const divisorMilli = divisor !== undefined && isValidQuantity(divisor) && parseQuantity(divisor).nanos > 0n ? Number(parseQuantity(divisor).nanos / 1_000_000n) || 1 : 1000;
  return String(Math.ceil(milli / divisorMilli));
}
