import type { V1LabelSelector, V1Pod, V1ReplicaSet, V1ReplicationController, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { labelSelectorMatches, selectorRequirements, type Requirement } from '../model/label-selector.js';

type Kind = 'Service' | 'ReplicationController' | 'ReplicaSet' | 'StatefulSet';

/**
 * Services and controllers, for PodTopologySpread's system default spreading: a pod spreads with the pods its
 * services, ReplicationController, ReplicaSet or StatefulSet select (helper.DefaultSelector).
 */
export class Workloads {
  private readonly services = new Map<string, Record<string, string>>();
  private readonly controllers = new Map<string, { kind: Kind; selector: V1LabelSelector | Record<string, string> | undefined }>();

  upsertService(s: V1Service): void {
    const key = `${s.metadata?.namespace ?? 'default'}/${s.metadata?.name ?? ''}`;
    if (s.spec?.selector) this.services.set(key, s.spec.selector);
    else this.services.delete(key);
  }

  removeService(namespace: string, name: string): void {
    this.services.delete(`${namespace}/${name}`);
  }

  upsertController(kind: Exclude<Kind, 'Service'>, obj: V1ReplicationController | V1ReplicaSet | V1StatefulSet): void {
    this.controllers.set(`${kind}/${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? ''}`, { kind, selector: obj.spec?.selector });
  }

  removeController(kind: Exclude<Kind, 'Service'>, namespace: string, name: string): void {
    this.controllers.delete(`${kind}/${namespace}/${name}`);
  }

  /** The merged selector; empty when the pod belongs to none of them (then no default spreading applies). */
  defaultSelector(pod: V1Pod): Requirement[] {
    const ns = pod.metadata?.namespace || 'default';
    const labels = pod.metadata?.labels ?? {};
    const set: Record<string, string> = {};
    for (const [key, sel] of this.services) {
      if (!key.startsWith(`${ns}/`)) continue;
      if (labelSelectorMatches({ matchLabels: sel }, labels)) Object.assign(set, sel);
    }
    const extra: Requirement[] = [];
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    if (owner) {
      const kind = ownerKind(owner.apiVersion, owner.kind);
      const ctl = kind && this.controllers.get(`${kind}/${ns}/${owner.name}`);
      if (ctl && ctl.selector) {
        if (kind === 'ReplicationController') Object.assign(set, ctl.selector as Record<string, string>);
        else extra.push(...selectorRequirements(ctl.selector as V1LabelSelector));
      }
    }
    const reqs: Requirement[] = Object.keys(set)
      .sort()
      .map((k) => ({ key: k, operator: 'In', values: [set[k]!] }));
    return [...reqs, ...extra];
  }
}

function ownerKind(apiVersion: string, kind: string): Exclude<Kind, 'Service'> | undefined {
  if (apiVersion === 'v1' && kind === 'ReplicationController') return 'ReplicationController';
  if (apiVersion === 'apps/v1' && (kind === 'ReplicaSet' || kind === 'StatefulSet')) return kind;
  return undefined;
}
