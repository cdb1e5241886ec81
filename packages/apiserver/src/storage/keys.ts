/**
 * Storage keys, as DESIGN.md fixes them:
 *
 *   namespaced:      /registry/<resource>/<namespace>/<name>     e.g. /registry/pods/default/web
 *   cluster-scoped:  /registry/<resource>/<name>                 e.g. /registry/nodes/n1
 *
 * A collection is every key under `/registry/<resource>/` (all namespaces) or `/registry/<resource>/<ns>/`.
 * A resource stored in another resource's form (storage-conversion.ts: events.k8s.io/v1 Events are stored as core
 * Events) uses that resource's keys.
 */
import type { ResourceDefinition } from '@skiff/api';
import { storageConversionFor } from './storage-conversion.js';

export const REGISTRY_PREFIX = '/registry/';

/** Keys are made on every request; a definition's storage segment is looked up once. */
const segments = new WeakMap<object, string>();

/** The storage segment of a resource: its plural name, or that of the resource it is stored as. */
export function storageResource(def: Pick<ResourceDefinition, 'group' | 'version' | 'resource'>): string {
  let segment = segments.get(def);
  if (segment === undefined) segments.set(def, (segment = storageConversionFor(def)?.storedResource ?? def.resource));
  return segment;
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
