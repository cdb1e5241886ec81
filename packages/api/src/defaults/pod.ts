/**
 * Pod and pod template defaults: the values the real server fills in and kubectl shows back (describe prints
 * `Port: 80/TCP`, `-o yaml` shows imagePullPolicy, terminationMessagePath...).
 */
import { isPlainObject } from '../object.js';
import { compareQuantities, isValidQuantity, parseQuantity } from '../quantity.js';

function setIfAbsent(o: any, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Images without a tag, or tagged `latest`, are pulled every time; pinned ones only when missing. */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagSep = image.indexOf(':', lastSlash + 1);
  if (tagSep < 0) return 'Always';
  return image.slice(tagSep + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: any): void {
  if (!isPlainObject(p)) return;
  setIfAbsent(p, 'timeoutSeconds', 1);
  setIfAbsent(p, 'periodSeconds', 10);
  setIfAbsent(p, 'successThreshold', 1);
  setIfAbsent(p, 'failureThreshold', 3);
  if (isPlainObject(p.httpGet)) setIfAbsent(p.httpGet, 'scheme', 'HTTP');
  if (isPlainObject(p.grpc)) setIfAbsent(p.grpc, 'service', '');
}

function defaultContainer(c: any, hostNetwork: boolean): void {
  if (!isPlainObject(c)) return;
  setIfAbsent(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setIfAbsent(c, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(c, 'terminationMessagePolicy', 'File');
  setIfAbsent(c, 'resources', {});
  for (const p of Array.isArray(c.ports) ? c.ports : []) {
    if (!isPlainObject(p)) continue;
    setIfAbsent(p, 'protocol', 'TCP');
    if (hostNetwork && p.hostPort === undefined) p.hostPort = p.containerPort;
  }
  for (const e of Array.isArray(c.env) ? c.env : []) {
    if (isPlainObject(e?.valueFrom?.fieldRef)) setIfAbsent(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

const KNOWN_SOURCES = [
  'emptyDir', 'hostPath', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'nfs', 'csi', 'ephemeral', 'image',
];

function defaultVolume(v: any): void {
  if (!isPlainObject(v)) return;
  const hasSource = Object.keys(v).some((k) => k !== 'name');
  if (!hasSource) v.emptyDir = {};
  for (const src of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    if (isPlainObject(v[src])) setIfAbsent(v[src], 'defaultMode', 420);
  }
  if (isPlainObject(v.hostPath)) setIfAbsent(v.hostPath, 'type', '');
  void KNOWN_SOURCES;
}

/** Defaults shared by pods and templates. */
export function defaultPodSpec(spec: any): void {
  if (!isPlainObject(spec)) return;
  setIfAbsent(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'schedulerName', 'default-scheduler');
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) defaultContainer(c, hostNetwork);
  }
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) defaultVolume(v);
}

/**
 * QoS as the kubelet and describe compute it: Guaranteed when every container has equal CPU and memory requests
 * and limits, BestEffort when none sets any, Burstable otherwise.
 */
export function podQosClass(spec: any): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c?.resources?.requests ?? {};
    const lim = c?.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const hasReq = req[r] !== undefined && isValidQuantity(req[r]) && parseQuantity(req[r]).nanos !== 0n;
      const hasLim = lim[r] !== undefined && isValidQuantity(lim[r]) && parseQuantity(lim[r]).nanos !== 0n;
      if (hasReq || hasLim) any = true;
      if (!hasLim) guaranteed = false;
      else if (hasReq && compareQuantities(parseQuantity(req[r]), parseQuantity(lim[r])) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Defaults of a Pod object (beyond its spec): requests from limits, service account, priority, tolerations. */
export function defaultPod(pod: any): void {
  if (!isPlainObject(pod.spec)) return;
  const spec = pod.spec;
  defaultPodSpec(spec);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const res = c?.resources;
    if (!isPlainObject(res?.limits)) continue;
    res.requests ??= {};
    for (const [k, v] of Object.entries(res.limits)) if (res.requests[k] === undefined) res.requests[k] = v;
  }
  // What the ServiceAccount and DefaultTolerationSeconds admission plugins add to every pod. Priority comes from
  // the server's Priority admission (it must see whether the client set it).
  setIfAbsent(spec, 'serviceAccountName', spec.serviceAccount ?? 'default');
  setIfAbsent(spec, 'serviceAccount', spec.serviceAccountName);
  setIfAbsent(spec, 'enableServiceLinks', true);
  const tolerations: any[] = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const covered = tolerations.some((t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
}

/** The status a new pod starts with. */
export function initialPodStatus(pod: any): any {
  return { phase: 'Pending', qosClass: podQosClass(pod.spec) };
}

export function defaultPodTemplate(template: any): void {
  if (!isPlainObject(template)) return;
  defaultPodSpec(template.spec);
}
