/**
 * What a URL asks for, decoded as the real server's RequestInfoFactory does:
 *
 *   /api/v1/pods                                   -> list pods in every namespace
 *   /api/v1/namespaces/default/pods/web/status     -> pods "web" in "default", subresource status
 *   /api/v1/namespaces/default                     -> namespaces "default" (a namespace is its own namespace)
 *   /api/v1/namespaces/default/finalize            -> namespaces "default", subresource finalize
 *   /apis/apps/v1/namespaces/ns/deployments/x/scale
 *
 * Discovery paths (/api, /apis, /apis/apps, /api/v1...) come back as their own kinds.
 */
export type RequestTarget =
  | { kind: 'discovery-root'; legacy: boolean }
  | { kind: 'discovery-group'; group: string }
  | { kind: 'discovery-version'; group: string; version: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      resource: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** Extra path after the subresource (e.g. proxy paths); unused by every served resource today. */
      rest?: string;
    }
  | { kind: 'unknown' };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** `path` without the query string; segments are percent-decoded. */
export function parseRequestTarget(path: string): RequestTarget {
  const raw = path.split('/').filter((s) => s.length > 0);
  let parts: string[];
  try {
    parts = path.includes('%') ? raw.map((s) => decodeURIComponent(s)) : raw;
  } catch {
    return { kind: 'unknown' };
  }
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'discovery-root', legacy: true };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'discovery-root', legacy: false };
    group = parts[1]!;
    if (parts.length === 2) return { kind: 'discovery-group', group };
    version = parts[2];
    rest = parts.slice(3);
  } else return { kind: 'unknown' };
  if (!version) return { kind: 'unknown' };
  if (rest.length === 0) return { kind: 'discovery-version', group, version };

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const [resource, name, subresource, ...tail] = rest;
  const target: RequestTarget = { kind: 'resource', group, version, resource: resource!, namespace };
  if (resource === 'namespaces' && namespace !== undefined && rest[0] === 'namespaces') {
    // /api/v1/namespaces/<name>[/status|finalize]: the namespace object itself.
    target.name = rest[1];
    target.subresource = rest[2];
    target.namespace = undefined;
    return target;
  }
  if (name !== undefined) target.name = name;
  if (subresource !== undefined) target.subresource = subresource;
  if (tail.length) target.rest = tail.join('/');
  return target;
}
