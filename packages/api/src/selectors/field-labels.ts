/**
 * The fields each resource can be selected by, and their values for one object. Every resource supports
 * metadata.name and metadata.namespace; the rest follow the real server's field label conversions, which is what
 * describe (events by involvedObject.*), drain (pods by spec.nodeName) and informers rely on.
 */
import type { KubeObject } from '../object.js';

type Extract = (o: KubeObject) => Record<string, string>;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const extractors: Record<string, Extract> = {
  '/pods': (o) => ({
    'spec.nodeName': str(o.spec?.nodeName),
    'spec.restartPolicy': str(o.spec?.restartPolicy),
    'spec.schedulerName': str(o.spec?.schedulerName),
    'spec.serviceAccountName': str(o.spec?.serviceAccountName),
    'spec.hostNetwork': str(o.spec?.hostNetwork ?? false),
    'status.phase': str(o.status?.phase),
    'status.podIP': str(o.status?.podIP),
    'status.nominatedNodeName': str(o.status?.nominatedNodeName),
  }),
  '/events': (o) => ({
    'involvedObject.kind': str(o.involvedObject?.kind),
    'involvedObject.namespace': str(o.involvedObject?.namespace),
    'involvedObject.name': str(o.involvedObject?.name),
    'involvedObject.uid': str(o.involvedObject?.uid),
    'involvedObject.apiVersion': str(o.involvedObject?.apiVersion),
    'involvedObject.resourceVersion': str(o.involvedObject?.resourceVersion),
    'involvedObject.fieldPath': str(o.involvedObject?.fieldPath),
    reason: str(o.reason),
    reportingComponent: str(o.reportingComponent),
    source: str(o.source?.component),
    type: str(o.type),
  }),
  'events.k8s.io/events': (o) => ({
    'regarding.kind': str(o.regarding?.kind),
    'regarding.namespace': str(o.regarding?.namespace),
    'regarding.name': str(o.regarding?.name),
    'regarding.uid': str(o.regarding?.uid),
    'regarding.apiVersion': str(o.regarding?.apiVersion),
    'regarding.resourceVersion': str(o.regarding?.resourceVersion),
    'regarding.fieldPath': str(o.regarding?.fieldPath),
    reason: str(o.reason),
    reportingController: str(o.reportingController),
    type: str(o.type),
  }),
  '/secrets': (o) => ({ type: str(o.type) }),
  '/namespaces': (o) => ({ 'status.phase': str(o.status?.phase) }),
  '/nodes': (o) => ({ 'spec.unschedulable': str(o.spec?.unschedulable ?? false) }),
  'apps/replicasets': (o) => ({ 'status.replicas': str(o.status?.replicas ?? 0) }),
  'batch/jobs': (o) => ({ 'status.successful': str(o.status?.successful ?? 0) }),
  '/serviceaccounts': () => ({}),
};

const supported = new Map<string, Set<string>>();

function keyOf(group: string, resource: string): string {
  return `${group}/${resource}`;
}

/** The field labels `group/resource` can be selected by. */
export function supportedFieldLabels(group: string, resource: string): Set<string> {
  const k = keyOf(group, resource);
  let s = supported.get(k);
  if (!s) {
    const extra = extractors[k];
    s = new Set(['metadata.name', 'metadata.namespace', ...(extra ? Object.keys(extra({ metadata: {} })) : [])]);
    supported.set(k, s);
  }
  return s;
}

/** The object's value for every field label its resource supports. */
export function fieldLabelsOf(group: string, resource: string, obj: KubeObject): Record<string, string> {
  const base: Record<string, string> = { 'metadata.name': str(obj.metadata?.name), 'metadata.namespace': str(obj.metadata?.namespace) };
  const extra = extractors[keyOf(group, resource)];
  return extra ? Object.assign(base, extra(obj)) : base;
}
