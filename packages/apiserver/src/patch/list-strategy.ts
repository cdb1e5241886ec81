/**
 * How each list of the built-in kinds merges, from the Kubernetes API's patch strategies and list types. A strategic
 * merge patch merges keyed lists item by item (by the first key) and sets as unions; server-side apply tracks
 * ownership of keyed items by all their keys. Every other list is atomic: replaced whole.
 *
 * A list is found by its field name and the field names above it (indices dropped), e.g. the ports of a container
 * inside a deployment are at [..., 'containers', 'ports'].
 */
export type ListStrategy = { kind: 'map'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

const ATOMIC: ListStrategy = { kind: 'atomic' };
const SET: ListStrategy = { kind: 'set' };
const map = (...keys: string[]): ListStrategy => ({ kind: 'map', keys });

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** `path` is the field names from the object root to the list, the list's own name last. */
export function listStrategy(path: readonly string[], kind?: string): ListStrategy {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return map('name');
    case 'volumeMounts':
      return map('mountPath');
    case 'volumeDevices':
      return map('devicePath');
    case 'ports':
      if (parent && CONTAINER_LISTS.has(parent)) return map('containerPort', 'protocol');
      if (kind === 'Service' && path.length === 2 && path[0] === 'spec') return map('port', 'protocol');
      return ATOMIC;
    case 'conditions':
      return path[0] === 'status' ? map('type') : ATOMIC;
    case 'addresses':
      return kind === 'Node' && path[0] === 'status' ? map('type') : ATOMIC;
    case 'ownerReferences':
      return map('uid');
    case 'finalizers':
      return path.length === 2 && path[0] === 'metadata' ? SET : ATOMIC;
    case 'hostAliases':
      return map('ip');
    case 'podIPs':
    case 'hostIPs':
      return map('ip');
    case 'topologySpreadConstraints':
      return map('topologyKey', 'whenUnsatisfiable');
    case 'secrets':
      return kind === 'ServiceAccount' && path.length === 1 ? map('name') : ATOMIC;
    case 'resizePolicy':
      return map('resourceName');
    default:
      return ATOMIC;
  }
}

/**
 * Defaults of list-map key fields: an item that omits one is keyed by the default, so an applied
 * `{containerPort: 80}` is the same item as the stored `{containerPort: 80, protocol: TCP}`.
 */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

export function keyValue(item: Record<string, unknown>, key: string): unknown {
  const v = item[key];
  return v === undefined ? KEY_DEFAULTS[key] : v;
}
