/**
 * Resources the scheduler reads when the API server serves them (PriorityClasses, PodDisruptionBudgets,
 * ReplicationControllers) and does without otherwise: priority then comes from pod.spec.priority alone, and
 * preemption and default spreading ignore what is not there. Discovery decides, once at start.
 */
import { isNotFound, type Client } from '@skiff/client';
import type { ResourceDefinition } from '@skiff/api';

function def(group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceDefinition {
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    verbs: ['get', 'list', 'watch'],
    shortNames: [],
    categories: [],
    subresources: [],
    statusSubresource: false,
  };
}

export const PRIORITY_CLASSES = def('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false);
export const POD_DISRUPTION_BUDGETS = def('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true);
export const REPLICATION_CONTROLLERS = def('', 'v1', 'replicationcontrollers', 'ReplicationController', true);

const OPTIONAL = [PRIORITY_CLASSES, POD_DISRUPTION_BUDGETS, REPLICATION_CONTROLLERS];

interface ResourceList {
  resources?: { name: string; verbs?: string[] }[];
}

/** Which of the optional resources the server lists with list and watch. */
export async function discoverOptional(client: Client): Promise<Set<ResourceDefinition>> {
  const served = new Set<ResourceDefinition>();
  const byGroupVersion = new Map<string, ResourceDefinition[]>();
  for (const d of OPTIONAL) {
    const gv = d.group ? `/apis/${d.group}/${d.version}` : `/api/${d.version}`;
    byGroupVersion.set(gv, [...(byGroupVersion.get(gv) ?? []), d]);
  }
  await Promise.all(
    [...byGroupVersion].map(async ([path, defs]) => {
      let list: ResourceList;
      try {
        list = await client.raw<ResourceList>(path);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      for (const d of defs) {
        const r = list.resources?.find((x) => x.name === d.resource);
        if (r && (!r.verbs || (r.verbs.includes('list') && r.verbs.includes('watch')))) served.add(d);
      }
    }),
  );
  return served;
}
