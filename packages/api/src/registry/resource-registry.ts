import { groupVersionOf, type ResourceDefinition } from './resource-definition.js';
import { builtinResources } from './resources.js';

export interface GroupVersion {
  group: string;
  version: string;
}

/** The group/versions in the order discovery lists them (core first, then groups as first defined). */
export interface GroupDefinition {
  name: string;
  versions: string[];
  preferredVersion: string;
}

/**
 * Lookups over a fixed set of resource definitions. Built once; every lookup is a map access, because the request
 * router asks on every request.
 */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceDefinition>();
  private readonly byGvk = new Map<string, ResourceDefinition>();
  private readonly byGv = new Map<string, ResourceDefinition[]>();
  readonly all: readonly ResourceDefinition[];

  constructor(definitions: ResourceDefinition[] = builtinResources) {
    this.all = definitions;
    for (const d of definitions) {
      this.byPath.set(`${d.group}/${d.version}/${d.resource}`, d);
      this.byGvk.set(`${groupVersionOf(d)}/${d.kind}`, d);
      const gv = groupVersionOf(d);
      const list = this.byGv.get(gv) ?? [];
      list.push(d);
      this.byGv.set(gv, list);
    }
  }

  /** The resource served at /api(s)/<group>/<version>/<resource>, if any. */
  get(group: string, version: string, resource: string): ResourceDefinition | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** By `apiVersion` (`apps/v1`, `v1`) and kind. */
  byKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
    return this.byGvk.get(`${apiVersion}/${kind}`);
  }

  /** Every resource of one group/version (`v1`, `apps/v1`), empty when the group/version is not served. */
  resourcesOf(groupVersion: string): ResourceDefinition[] {
    return this.byGv.get(groupVersion) ?? [];
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.byGv.has(group ? `${group}/${version}` : version);
  }

  /** Named groups (not core), in definition order. */
  groups(): GroupDefinition[] {
    const out = new Map<string, GroupDefinition>();
    for (const d of this.all) {
      if (!d.group) continue;
      const g = out.get(d.group) ?? { name: d.group, versions: [], preferredVersion: d.version };
      if (!g.versions.includes(d.version)) g.versions.push(d.version);
      out.set(d.group, g);
    }
    return [...out.values()];
  }

  /** Group/versions in discovery order: `v1` first, then each group's versions. */
  groupVersions(): GroupVersion[] {
    const gvs: GroupVersion[] = [];
    if (this.byGv.has('v1')) gvs.push({ group: '', version: 'v1' });
    for (const g of this.groups()) for (const v of g.versions) gvs.push({ group: g.name, version: v });
    return gvs;
  }
}
