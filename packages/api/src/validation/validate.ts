/**
 * The entry points: check a whole object of a known resource before it is stored, and an update against what is
 * stored. Both throw one 422 Invalid listing every problem.
 */
import type { KubeObject } from '../object.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { horizontalPodAutoscalerV1Validator, horizontalPodAutoscalerV2Validator } from './autoscaling.js';
import { eventsV1Validator, endpointSliceValidator, leaseValidator } from './coordination.js';
import { priorityClassValidator } from './scheduling.js';
import {
  configMapValidator,
  endpointsValidator,
  eventValidator,
  namespaceValidator,
  nodeValidator,
  podValidator,
  secretValidator,
  serviceAccountValidator,
} from './core.js';
import { FieldErrors } from './field-errors.js';
import type { KindValidator } from './kind-validator.js';
import { defaultNameChecker, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { serviceValidator } from './service.js';
import {
  cronJobValidator,
  daemonSetValidator,
  deploymentValidator,
  jobValidator,
  replicaSetValidator,
  statefulSetValidator,
} from './workloads.js';

const validators: Record<string, KindValidator> = {
  '/pods': podValidator,
  '/services': serviceValidator,
  '/namespaces': namespaceValidator,
  '/configmaps': configMapValidator,
  '/secrets': secretValidator,
  '/endpoints': endpointsValidator,
  '/nodes': nodeValidator,
  '/events': eventValidator,
  '/serviceaccounts': serviceAccountValidator,
  'apps/deployments': deploymentValidator,
  'apps/replicasets': replicaSetValidator,
  'apps/daemonsets': daemonSetValidator,
  'apps/statefulsets': statefulSetValidator,
  'batch/jobs': jobValidator,
  'batch/cronjobs': cronJobValidator,
  'coordination.k8s.io/leases': leaseValidator,
  'discovery.k8s.io/endpointslices': endpointSliceValidator,
  'events.k8s.io/events': eventsV1Validator,
  'scheduling.k8s.io/priorityclasses': priorityClassValidator,
  // Served in two forms; keyed by version too (the versioned key is looked up first).
  'autoscaling/v2/horizontalpodautoscalers': horizontalPodAutoscalerV2Validator,
  'autoscaling/v1/horizontalpodautoscalers': horizontalPodAutoscalerV1Validator,
};

function validatorOf(def: ResourceDefinition): KindValidator {
  return validators[`${def.group}/${def.version}/${def.resource}`] ?? validators[`${def.group}/${def.resource}`] ?? {};
}

function collect(def: ResourceDefinition, obj: KubeObject): FieldErrors {
  const errs = new FieldErrors();
  const v = validatorOf(def);
  validateObjectMeta(obj.metadata ?? {}, def.namespaced, v.nameChecker ?? defaultNameChecker, errs);
  v.validate?.(obj, errs);
  return errs;
}

/** Throws 422 Invalid when `obj` may not be created. */
export function validateObject(def: ResourceDefinition, obj: KubeObject): void {
  collect(def, obj).throwIfAny(def.kind, def.group, obj.metadata?.name ?? '');
}

/** Throws 422 Invalid when `next` may not replace `prev`. */
export function validateObjectUpdate(def: ResourceDefinition, next: KubeObject, prev: KubeObject): void {
  const errs = collect(def, next);
  validateObjectMetaUpdate(next.metadata ?? {}, prev.metadata ?? {}, errs);
  validatorOf(def).validateUpdate?.(next, prev, errs);
  errs.throwIfAny(def.kind, def.group, next.metadata?.name ?? '');
}

/** Checks only the name format of a resource (for the server to reject bad names in URLs early). */
export function checkName(def: ResourceDefinition, name: string): string[] {
  return (validatorOf(def).nameChecker ?? defaultNameChecker)(name);
}
