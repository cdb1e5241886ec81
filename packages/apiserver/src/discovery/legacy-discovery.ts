/** The classic discovery documents: APIVersions, APIGroupList, APIGroup, APIResourceList. */
import { groupVersionOf, type ResourceDefinition, type ResourceRegistry } from '@skiff/api';

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: { name: string; versions: string[]; preferredVersion: string }): Record<string, unknown> {
  return {
    name: g.name,
    versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.name}/${g.preferredVersion}`, version: g.preferredVersion },
  };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map(apiGroup) };
}

export function apiGroupDocument(registry: ResourceRegistry, group: string): unknown | undefined {
  const g = registry.groups().find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

function resourceEntries(def: ResourceDefinition): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
  };
  if (def.shortNames.length) main.shortNames = def.shortNames;
  if (def.categories.length) main.categories = def.categories;
  const subs = def.subresources.map((s) => {
    const e: Record<string, unknown> = { name: `${def.resource}/${s.name}`, singularName: '', namespaced: def.namespaced, kind: s.kind, verbs: s.verbs };
    if (s.group !== def.group || s.version !== def.version) {
      e.group = s.group;
      e.version = s.version;
    }
    return e;
  });
  return [main, ...subs];
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const gv = group ? `${group}/${version}` : version;
  const defs = registry.resourcesOf(gv);
  if (!defs.length) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionOf(defs[0]!), resources: defs.flatMap(resourceEntries) };
}
