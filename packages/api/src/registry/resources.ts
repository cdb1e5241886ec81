/**
 * The built-in resources this server serves. Names, short names, categories and verbs are the ones a real 1.32
 * server reports in discovery, because kubectl resolves `kubectl get deploy` and `kubectl get all` through them.
 */
import { ALL_VERBS, type ResourceDefinition, type SubresourceDefinition, type Verb } from './resource-definition.js';

const READ_WRITE: Verb[] = ['get', 'patch', 'update'];
const CONNECT: Verb[] = ['create', 'get'];

interface Spec {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular?: string;
  namespaced?: boolean;
  verbs?: Verb[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources as `name` (same kind, get/patch/update) or a full definition. */
  sub?: (string | SubresourceDefinition)[];
  computed?: 'review' | 'metrics';
}

function sub(name: string, group: string, version: string, kind: string, verbs: Verb[]): SubresourceDefinition {
  return { name, group, version, kind, verbs };
}

function define(s: Spec): ResourceDefinition {
  const subresources = (s.sub ?? []).map((x) =>
    typeof x === 'string' ? sub(x, s.group, s.version, s.kind, READ_WRITE) : x,
  );
  return {
    group: s.group,
    version: s.version,
    resource: s.resource,
    singular: s.singular ?? s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced ?? true,
    verbs: s.verbs ?? ALL_VERBS,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    subresources,
    statusSubresource: subresources.some((r) => r.name === 'status'),
    ...(s.computed ? { computed: s.computed } : {}),
  };
}

/** A review kind: create only, answered and never stored (see ResourceDefinition.computed). */
function review(group: string, resource: string, kind: string, namespaced = false): ResourceDefinition {
  return define({ group, version: 'v1', resource, kind, namespaced, verbs: ['create'], computed: 'review' });
}

const scale = (): SubresourceDefinition => sub('scale', 'autoscaling', 'v1', 'Scale', READ_WRITE);

export const builtinResources: ResourceDefinition[] = [
  define({
    group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], sub: ['status', 'finalize'],
  }),
  define({
    group: '', version: 'v1', resource: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'],
    sub: [
      'status',
      'ephemeralcontainers',
      sub('binding', '', 'v1', 'Binding', ['create']),
      sub('log', '', 'v1', 'Pod', ['get']),
      sub('exec', '', 'v1', 'PodExecOptions', CONNECT),
      sub('attach', '', 'v1', 'PodAttachOptions', CONNECT),
      sub('portforward', '', 'v1', 'PodPortForwardOptions', CONNECT),
      sub('eviction', 'policy', 'v1', 'Eviction', ['create']),
    ],
  }),
  define({ group: '', version: 'v1', resource: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], sub: ['status'] }),
  define({ group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', shortNames: ['ep'] }),
  define({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], sub: ['status'] }),
  define({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  define({ group: '', version: 'v1', resource: 'secrets', kind: 'Secret' }),
  define({ group: '', version: 'v1', resource: 'events', kind: 'Event', shortNames: ['ev'] }),
  define({
    group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'],
    sub: [sub('token', 'authentication.k8s.io', 'v1', 'TokenRequest', ['create'])],
  }),
  define({ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], sub: ['status', scale()] }),
  define({ group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], sub: ['status', scale()] }),
  define({ group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], sub: ['status'] }),
  define({ group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], sub: ['status', scale()] }),
  define({ group: 'apps', version: 'v1', resource: 'controllerrevisions', kind: 'ControllerRevision' }),
  define({ group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', categories: ['all'], sub: ['status'] }),
  define({ group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], sub: ['status'] }),
  define({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease' }),
  define({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice' }),
  define({ group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', shortNames: ['ev'] }),
  define({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }),
  // Kinds that real manifests and charts carry beside their workloads, so that applying those works. They are stored
  // and served as the real server does; what acts on them in a full cluster (an RBAC authorizer, a volume binder and
  // provisioner, an ingress controller, an autoscaler with a metrics API, a network-policy plugin) is not part of
  // Skiff yet, so, as in a cluster without those add-ons, they have no effect. PodDisruptionBudgets do: the
  // disruption controller keeps their status and the eviction API honours it.
  define({ group: '', version: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', shortNames: ['pvc'], sub: ['status'] }),
  define({ group: '', version: 'v1', resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], sub: ['status'] }),
  define({ group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', shortNames: ['quota'], sub: ['status'] }),
  define({ group: '', version: 'v1', resource: 'limitranges', kind: 'LimitRange', shortNames: ['limits'] }),
  define({ group: '', version: 'v1', resource: 'podtemplates', kind: 'PodTemplate' }),
  define({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'], sub: ['status'] }),
  // The same objects in the older form (kubectl autoscale writes this one): stored as v2, converted on the way.
  define({ group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'], sub: ['status'] }),
  define({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', shortNames: ['pdb'], sub: ['status'] }),
  define({ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', shortNames: ['ing'], sub: ['status'] }),
  define({ group: 'networking.k8s.io', version: 'v1', resource: 'ingressclasses', kind: 'IngressClass', namespaced: false }),
  define({ group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', shortNames: ['netpol'] }),
  define({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role' }),
  define({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding' }),
  define({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false }),
  define({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false }),
  define({ group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }),
  // Who am I and what may I do: `kubectl auth whoami` and `kubectl auth can-i`, and TokenReview for service account
  // tokens (`kubectl create token`), answered by the server's authenticator and authorizer.
  review('authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview'),
  review('authentication.k8s.io', 'tokenreviews', 'TokenReview'),
  review('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
  review('authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
  review('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview'),
  review('authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
  // `kubectl top`: the resource metrics API, which metrics-server serves in a full cluster; here the API server
  // reads it from the node agents (handlers/resource-metrics.ts).
  define({ group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'], computed: 'metrics' }),
  define({ group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', kind: 'PodMetrics', verbs: ['get', 'list'], computed: 'metrics' }),
];
