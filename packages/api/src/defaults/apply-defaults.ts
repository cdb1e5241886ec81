/**
 * Defaulting by resource. Runs on every write (create, update, patch result), so every function here is
 * idempotent and only fills what is absent.
 */
import type { KubeObject } from '../object.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { defaultEndpointSlice, defaultEndpoints, defaultNamespace, defaultNode, defaultSecret, defaultService } from './core.js';
import { defaultHorizontalPodAutoscalerV1, defaultHorizontalPodAutoscalerV2 } from './autoscaling.js';
import { defaultPod } from './pod.js';
import { defaultPriorityClass } from './scheduling.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from './workloads.js';

const defaulters: Record<string, (obj: any) => void> = {
  '/pods': defaultPod,
  '/services': defaultService,
  '/namespaces': defaultNamespace,
  '/secrets': defaultSecret,
  '/endpoints': defaultEndpoints,
  '/nodes': defaultNode,
  'apps/deployments': defaultDeployment,
  'apps/replicasets': defaultReplicaSet,
  'apps/daemonsets': defaultDaemonSet,
  'apps/statefulsets': defaultStatefulSet,
  'batch/jobs': defaultJob,
  'batch/cronjobs': defaultCronJob,
  'discovery.k8s.io/endpointslices': defaultEndpointSlice,
  'scheduling.k8s.io/priorityclasses': defaultPriorityClass,
  // Served in two forms; keyed by version too (the versioned key is looked up first).
  'autoscaling/v2/horizontalpodautoscalers': defaultHorizontalPodAutoscalerV2,
  'autoscaling/v1/horizontalpodautoscalers': defaultHorizontalPodAutoscalerV1,
};

/** Fills the resource's defaults into `obj` in place. */
export function applyDefaults(def: ResourceDefinition, obj: KubeObject): void {
  (defaulters[`${def.group}/${def.version}/${def.resource}`] ?? defaulters[`${def.group}/${def.resource}`])?.(obj);
}
