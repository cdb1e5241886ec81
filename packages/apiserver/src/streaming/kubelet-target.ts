/**
 * Where a pod's streams are served: the node agent of the pod's node, at the node's address (InternalIP first)
 * and kubelet port (Node.status.daemonEndpoints.kubeletEndpoint.Port, 10250 when unset), under kubelet's paths.
 */
import { badRequest, notFound, type KubeObject } from '@skiff/api';
import type { ServerContext } from '../rest/server-context.js';

export interface KubeletTarget {
  host: string;
  port: number;
  pod: KubeObject;
  container: string;
}

const ADDRESS_PREFERENCE = ['InternalIP', 'ExternalIP', 'Hostname'];

/** The container a request means: the one named, the only one, or the pod's default-container annotation. */
export function pickContainer(pod: KubeObject, requested: string | null, all = false): string {
  const containers: any[] = [...(pod.spec?.containers ?? []), ...(all ? [...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])] : [])];
  const names = containers.map((c) => c.name as string);
  const name = pod.metadata.name!;
  if (requested) {
    const known = [...names, ...(pod.spec?.initContainers ?? []).map((c: any) => c.name), ...(pod.spec?.ephemeralContainers ?? []).map((c: any) => c.name)];
    if (!known.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length === 1) return names[0]!;
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
}

export async function kubeletTarget(ctx: ServerContext, namespace: string, name: string, container: string | null, needContainer = true): Promise<KubeletTarget> {
  const podsDef = ctx.registry.get('', 'v1', 'pods')!;
  const pod = (await ctx.storage(podsDef).get(namespace, name))?.obj;
  if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const nodesDef = ctx.registry.get('', 'v1', 'nodes')!;
  const node = (await ctx.storage(nodesDef).get(undefined, nodeName))?.obj;
  if (!node) throw notFound({ group: '', resource: 'nodes' }, nodeName);
  const at = nodeAgentAddress(node);
  if (!at) throw badRequest(`node ${nodeName} has no address to reach its node agent at`);
  return { host: at.host, port: at.port, pod, container: needContainer ? pickContainer(pod, container) : '' };
}

/** Where a node's agent listens: its first address by ADDRESS_PREFERENCE, and its kubelet port. */
export function nodeAgentAddress(node: KubeObject): { host: string; port: number } | undefined {
  const addresses: { type: string; address: string }[] = node.status?.addresses ?? [];
  const host = ADDRESS_PREFERENCE.map((t) => addresses.find((a) => a.type === t)?.address).find(Boolean);
  if (!host) return undefined;
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250 };
}
