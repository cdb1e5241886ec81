/**
 * The HPA's target through its scale subresource (autoscaling/v1 Scale): spec.scaleTargetRef's apiVersion and kind
 * are mapped to a resource by discovery (GET /apis/{group}/{version}, which also says whether `{resource}/scale`
 * exists), so any scalable kind works; if discovery cannot be read, the built-in scalable kinds are known by name.
 * Discovery answers are kept for a while (the HPA asks every sync period).
 */
import type { ResourceDefinition } from '@skiff/api';
import { isConflict, isNotFound, resourcePath, type Client } from '@skiff/client';
import type { ScaleObject } from './hpa-types.js';

export interface ScaleTarget {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

export type ResolvedTarget = { ok: true; target: ScaleTarget } | { ok: false; error: string };

/** The built-in kinds with a scale subresource, by group and kind. */
const BUILTIN_SCALABLE: Record<string, { version: string; resource: string }> = {
  'apps/Deployment': { version: 'v1', resource: 'deployments' },
  'apps/ReplicaSet': { version: 'v1', resource: 'replicasets' },
  'apps/StatefulSet': { version: 'v1', resource: 'statefulsets' },
  '/ReplicationController': { version: 'v1', resource: 'replicationcontrollers' },
};

interface DiscoveryList {
  resources?: { name: string; kind: string; namespaced?: boolean }[];
}

/** `apps/v1` -> apps, v1; `v1` -> core. */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  return undefined;
}

const noMatch = (kind: string, group: string) => `no matches for kind "${kind}" in group "${group}"`;

export class ScaleTargets {
  private readonly discovered = new Map<string, { list?: DiscoveryList; atMs: number }>();

  constructor(
    private readonly client: Client,
    private readonly now: () => number,
    /** How long a discovery answer is trusted (ms). */
    private readonly discoveryTtlMs = 60_000,
  ) {}

  private async discovery(group: string, version: string): Promise<DiscoveryList | undefined | 'unreadable'> {
    const key = `${group}/${version}`;
    const hit = this.discovered.get(key);
    if (hit && this.now() - hit.atMs < this.discoveryTtlMs) return hit.list;
    try {
      const list = await this.client.raw<DiscoveryList>(group ? `/apis/${group}/${version}` : `/api/${version}`);
      this.discovered.set(key, { list, atMs: this.now() });
      return list;
    } catch (e) {
      if (!isNotFound(e)) return 'unreadable';
      this.discovered.set(key, { list: undefined, atMs: this.now() });
      return undefined;
    }
  }

  async resolve(apiVersion: string | undefined, kind: string | undefined): Promise<ResolvedTarget> {
    const gv = parseGroupVersion(apiVersion ?? '');
    if (!gv) return { ok: false, error: `unexpected GroupVersion string: ${apiVersion}` };
    const k = kind ?? '';
    const list = await this.discovery(gv.group, gv.version);
    if (list === 'unreadable') {
      const known = BUILTIN_SCALABLE[`${gv.group}/${k}`];
      return known ? { ok: true, target: { group: gv.group, version: known.version, resource: known.resource, kind: k } } : { ok: false, error: noMatch(k, gv.group) };
    }
    const found = list?.resources?.find((r) => r.kind === k && !r.name.includes('/'));
    if (!found) return { ok: false, error: noMatch(k, gv.group) };
    if (!list?.resources?.some((r) => r.name === `${found.name}/scale`)) return { ok: false, error: `${found.name}.${gv.group || 'core'} has no scale subresource` };
    return { ok: true, target: { group: gv.group, version: gv.version, resource: found.name, kind: k } };
  }

  private def(t: ScaleTarget): ResourceDefinition {
    return {
      group: t.group,
      version: t.version,
      resource: t.resource,
      singular: '',
      kind: t.kind,
      listKind: `${t.kind}List`,
      namespaced: true,
      verbs: [],
      shortNames: [],
      categories: [],
      subresources: [],
      statusSubresource: false,
    };
  }

  async get(t: ScaleTarget, namespace: string, name: string): Promise<ScaleObject> {
    return this.client.raw<ScaleObject>(resourcePath(this.def(t), namespace, name, 'scale'));
  }

  /**
   * Sets the target's spec.replicas to `replicas` through `scale` (conditional on its resourceVersion). On a
   * conflict the scale is read again and the write retried while the target still has the count this sync
   * decided from; a target changed by someone else in the meantime is left for the next sync (the conflict is
   * thrown).
   */
  async update(t: ScaleTarget, namespace: string, scale: ScaleObject, replicas: number, attempts = 3): Promise<ScaleObject> {
    const rc = this.client.resource<ScaleObject>(this.def(t)).namespace(namespace);
    const name = scale.metadata.name!;
    const from = scale.spec?.replicas ?? 0;
    let current = scale;
    for (let i = 1; ; i++) {
      const body: ScaleObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: current.metadata, spec: { ...current.spec, replicas } };
      try {
        return await rc.updateSubresource<ScaleObject>(name, 'scale', body);
      } catch (e) {
        if (!isConflict(e) || i >= attempts) throw e;
        current = await this.get(t, namespace, name);
        if ((current.spec?.replicas ?? 0) !== from) throw e;
      }
    }
  }
}
