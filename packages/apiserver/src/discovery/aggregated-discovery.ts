/**
 * Aggregated discovery (apidiscovery.k8s.io/v2): every resource of every group in one document, so kubectl
 * needs two requests (/api and /apis) instead of one per group/version. Served only when the Accept header asks
 * for it, with the exact content type kubectl checks (see media-types.ts).
 */
import type { ResourceDefinition, ResourceRegistry } from '@skiff/api';

function resource(def: ResourceDefinition): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: def.resource,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
  };
  if (def.shortNames.length) r.shortNames = def.shortNames;
  if (def.categories.length) r.categories = def.categories;
  if (def.subresources.length) {
    r.subresources = def.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group, version: s.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return r;
}

function groupItem(registry: ResourceRegistry, name: string, versions: string[]): Record<string, unknown> {
  return {
    metadata: { name, creationTimestamp: null },
    versions: versions.map((v) => ({
      version: v,
      resources: registry.resourcesOf(name ? `${name}/${v}` : v).map(resource),
      freshness: 'Current',
    })),
  };
}

/** `legacy` true: the core group only (GET /api); false: every named group (GET /apis). */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean): unknown {
  const items = legacy ? [groupItem(registry, '', ['v1'])] : registry.groups().map((g) => groupItem(registry, g.name, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
