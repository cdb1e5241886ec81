/**
 * Naming a resource: a registry definition, or a string.
 *
 *   'pods'                            a plural the registry knows (the first match: core before groups)
 *   'v1/pods'                         core group, version, plural
 *   'apps/v1/deployments'             group, version, plural
 *   'coordination.k8s.io/v1/leases'
 *
 * Paths follow the API server's layout: /api/v1/... for core, /apis/<group>/<version>/... for the rest; namespaced
 * resources without a namespace address every namespace (list, watch, deletecollection across the cluster).
 */
import { ResourceRegistry, type ResourceDefinition } from '@skiff/api';
import { ClientError } from '../errors.js';

export type ResourceRef = string | ResourceDefinition;

const defaultRegistry = new ResourceRegistry();

export function resolveResource(ref: ResourceRef, registry: ResourceRegistry = defaultRegistry): ResourceDefinition {
  if (typeof ref !== 'string') return ref;
  const parts = ref.split('/');
  let def: ResourceDefinition | undefined;
  if (parts.length === 1) def = registry.all.find((d) => d.resource === parts[0]);
  else if (parts.length === 2) def = registry.get('', parts[0]!, parts[1]!);
  else if (parts.length === 3) def = registry.get(parts[0]!, parts[1]!, parts[2]!);
  if (!def) throw new ClientError('UnknownResource', `no resource "${ref}" in the registry`);
  return def;
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

/** The URL path of a collection, an object, or one of its subresources. */
export function resourcePath(def: ResourceDefinition, namespace?: string, name?: string, subresource?: string): string {
  let p = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  if (def.namespaced && namespace) p += `/namespaces/${seg(namespace)}`;
  else if (!def.namespaced && namespace) {
    throw new ClientError('BadRequest', `${def.resource} is cluster-scoped; no namespace may be given (got "${namespace}")`);
  }
  p += `/${def.resource}`;
  if (name !== undefined) {
    if (!name) throw new ClientError('BadRequest', `a ${def.kind} name is required`);
    if (def.namespaced && !namespace) throw new ClientError('BadRequest', `${def.resource} is namespaced; a namespace is required for "${name}"`);
    p += `/${seg(name)}`;
    if (subresource) p += `/${subresource}`;
  }
  return p;
}

export function apiVersionOf(def: ResourceDefinition): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
