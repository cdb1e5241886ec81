/** Builders for the objects tests create: small, with the fields a test varies as options. */
import type { Deployment, Pod, ReplicaSet } from '@skiff/api';

export interface WorkloadOptions {
  replicas?: number;
  image?: string;
  labels?: Record<string, string>;
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  strategy?: NonNullable<Deployment['spec']>['strategy'];
}

export function podSpec(image = 'busybox:1.36') {
  return { containers: [{ name: 'app', image, command: ['sleep', '3600'] }], terminationGracePeriodSeconds: 1 };
}

export function deployment(name: string, o: WorkloadOptions = {}): Deployment {
  const labels = o.labels ?? { app: name };
  const spec: NonNullable<Deployment['spec']> = {
    replicas: o.replicas ?? 3,
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: podSpec(o.image) },
  };
  if (o.minReadySeconds !== undefined) spec.minReadySeconds = o.minReadySeconds;
  if (o.progressDeadlineSeconds !== undefined) spec.progressDeadlineSeconds = o.progressDeadlineSeconds;
  if (o.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = o.revisionHistoryLimit;
  if (o.strategy) spec.strategy = o.strategy;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec };
}

export function replicaSet(name: string, o: WorkloadOptions = {}): ReplicaSet {
  const labels = o.labels ?? { app: name };
  const spec: NonNullable<ReplicaSet['spec']> = { replicas: o.replicas ?? 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec(o.image) } };
  if (o.minReadySeconds !== undefined) spec.minReadySeconds = o.minReadySeconds;
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec };
}

export function pod(name: string, labels: Record<string, string> = {}, extra: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { ...podSpec(), ...extra } };
}
