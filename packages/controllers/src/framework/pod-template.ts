/** A pod made from a workload's template: its labels, annotations and spec, owned by the workload. */
import { deepCopy, type OwnerReference, type Pod } from '@skiff/api';

export interface PodFromTemplateOptions {
  /** An exact name (StatefulSet ordinals) or, by default, a generated one after this prefix. */
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export function podFromTemplate(template: any, owner: OwnerReference, o: PodFromTemplateOptions): Pod {
  const meta: NonNullable<Pod['metadata']> = {
    labels: { ...(template?.metadata?.labels ?? {}), ...(o.labels ?? {}) },
    annotations: { ...(template?.metadata?.annotations ?? {}), ...(o.annotations ?? {}) },
    ownerReferences: [owner],
  };
  if (o.name) meta.name = o.name;
  else meta.generateName = o.generateName;
  if (o.finalizers?.length) meta.finalizers = [...(template?.metadata?.finalizers ?? []), ...o.finalizers];
  if (Object.keys(meta.annotations!).length === 0) delete meta.annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: deepCopy(template?.spec ?? {}) };
}
