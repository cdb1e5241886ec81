/**
 * Storage keys, as DESIGN.md fixes them:
 *
 *   namespaced:      /registry/<resource>/<namespace>/<name>     e.g. /registry/pods/default/web
 *   cluster-scoped:  /registry/<resource>/<name>                 e.g. /registry/nodes/n1
 *
 * A collection is every key under `/registry/<resource>/` (all namespaces) or `/registry/<resource>/<ns>/`.
 * A resource whose plural another group already uses is stored under `/registry/<group>/<resource>/`:
 * events.k8s.io/v1 Events live apart from core Events (the real server converts between the two; we do not yet).
 */
import type { ResourceDefinition } from '@skiff/api';

export const REGISTRY_PREFIX = '/registry/';

const SHARED_PLURALS = new Set(['events.k8s.io/events']);

/** The storage segment of a resource: its plural name (prefixed by its group when the plural is taken). */
export function storageResource(def: Pick<ResourceDefinition, 'group' | 'resource'>): string {
  return SHARED_PLURALS.has(`${def.group}/${def.resource}`) ? `${def.group}/${def.resource}` : def.resource;
}

export function objectKey(def: ResourceDefinition, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${REGISTRY_PREFIX}${storageResource(def)}/${namespace}/${name}` : `${REGISTRY_PREFIX}${storageResource(def)}/${name}`;
}

/** The prefix every key of the collection starts with; `namespace` undefined means every namespace. */
export function collectionPrefix(def: ResourceDefinition, namespace?: string): string {
  if (def.namespaced && namespace) return `${REGISTRY_PREFIX}${storageResource(def)}/${namespace}/`;
  return `${REGISTRY_PREFIX}${storageResource(def)}/`;
}

/** Namespace and name back from a key of this resource (namespace '' for cluster-scoped). */
export function parseKey(def: ResourceDefinition, key: string): { namespace: string; name: string } {
  const rest = key.slice(REGISTRY_PREFIX.length + storageResource(def).length + 1);
  if (!def.namespaced) return { namespace: '', name: rest };
  const slash = rest.indexOf('/');
  return { namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}
