/** Which columns each resource prints with. Resources not listed print NAME and AGE, as the real server does. */
import type { ResourceDefinition } from '@skiff/api';
import {
  horizontalPodAutoscalerColumns,
  ingressClassColumns,
  ingressColumns,
  limitRangeColumns,
  networkPolicyColumns,
  persistentVolumeClaimColumns,
  persistentVolumeColumns,
  podDisruptionBudgetColumns,
  roleBindingColumns,
  roleColumns,
  storageClassColumns,
} from './addon-kind-columns.js';
import { ageColumn, nameColumn } from './common-columns.js';
import { horizontalPodAutoscalerV1Columns } from './hpa-v1-columns.js';
import {
  configMapColumns,
  endpointSliceColumns,
  endpointsColumns,
  eventColumns,
  leaseColumns,
  namespaceColumns,
  nodeColumns,
  priorityClassColumns,
  secretColumns,
  serviceAccountColumns,
  serviceColumns,
} from './core-columns.js';
import { podColumns } from './pod-columns.js';
import type { Column } from './table.js';
import { cronJobColumns, daemonSetColumns, deploymentColumns, jobColumns, replicaSetColumns, statefulSetColumns } from './workload-columns.js';

const byResource: Record<string, Column[]> = {
  '/pods': podColumns,
  '/namespaces': namespaceColumns,
  '/services': serviceColumns,
  '/endpoints': endpointsColumns,
  '/nodes': nodeColumns,
  '/configmaps': configMapColumns,
  '/secrets': secretColumns,
  '/events': eventColumns,
  '/serviceaccounts': serviceAccountColumns,
  'apps/deployments': deploymentColumns,
  'apps/replicasets': replicaSetColumns,
  'apps/daemonsets': daemonSetColumns,
  'apps/statefulsets': statefulSetColumns,
  'batch/jobs': jobColumns,
  'batch/cronjobs': cronJobColumns,
  'coordination.k8s.io/leases': leaseColumns,
  'discovery.k8s.io/endpointslices': endpointSliceColumns,
  'events.k8s.io/events': eventColumns,
  'scheduling.k8s.io/priorityclasses': priorityClassColumns,
  '/persistentvolumeclaims': persistentVolumeClaimColumns,
  '/persistentvolumes': persistentVolumeColumns,
  '/limitranges': limitRangeColumns,
  'storage.k8s.io/storageclasses': storageClassColumns,
  'networking.k8s.io/ingresses': ingressColumns,
  'networking.k8s.io/ingressclasses': ingressClassColumns,
  'networking.k8s.io/networkpolicies': networkPolicyColumns,
  'autoscaling/horizontalpodautoscalers': horizontalPodAutoscalerColumns,
  'autoscaling/v1/horizontalpodautoscalers': horizontalPodAutoscalerV1Columns,
  'policy/poddisruptionbudgets': podDisruptionBudgetColumns,
  'rbac.authorization.k8s.io/roles': roleColumns,
  'rbac.authorization.k8s.io/clusterroles': roleColumns,
  'rbac.authorization.k8s.io/rolebindings': roleBindingColumns,
  'rbac.authorization.k8s.io/clusterrolebindings': roleBindingColumns,
};

const defaultColumns: Column[] = [nameColumn, ageColumn];

export function columnsFor(def: ResourceDefinition): Column[] {
  return byResource[`${def.group}/${def.version}/${def.resource}`] ?? byResource[`${def.group}/${def.resource}`] ?? defaultColumns;
}
