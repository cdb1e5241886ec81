/** Defaults of core kinds other than pods. */
import { isPlainObject } from '../object.js';

function setIfAbsent(o: any, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Service defaults; the cluster IP and node ports are allocated by the server, not here. */
export function defaultService(obj: any): void {
  const spec = (obj.spec ??= {});
  setIfAbsent(spec, 'type', 'ClusterIP');
  setIfAbsent(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = (spec.sessionAffinityConfig ??= {});
    setIfAbsent((cfg.clientIP ??= {}), 'timeoutSeconds', 10800);
  }
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isPlainObject(p)) continue;
    setIfAbsent(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type !== 'ExternalName') setIfAbsent(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setIfAbsent(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setIfAbsent(spec, 'allocateLoadBalancerNodePorts', true);
  if (spec.type !== 'ExternalName') {
    setIfAbsent(spec, 'ipFamilies', ['IPv4']);
    setIfAbsent(spec, 'ipFamilyPolicy', 'SingleStack');
  }
  obj.status ??= { loadBalancer: {} };
}

export function defaultNamespace(obj: any): void {
  const meta = (obj.metadata ??= {});
  if (meta.name) meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name };
  const spec = (obj.spec ??= {});
  setIfAbsent(spec, 'finalizers', ['kubernetes']);
  const status = (obj.status ??= {});
  setIfAbsent(status, 'phase', 'Active');
}

/** Secret type, and stringData folded into base64 data (stringData is write-only). */
export function defaultSecret(obj: any): void {
  setIfAbsent(obj, 'type', 'Opaque');
  if (isPlainObject(obj.stringData)) {
    obj.data ??= {};
    for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete obj.stringData;
  }
}

export function defaultEndpoints(obj: any): void {
  for (const s of Array.isArray(obj.subsets) ? obj.subsets : []) {
    for (const p of Array.isArray(s?.ports) ? s.ports : []) if (isPlainObject(p)) setIfAbsent(p, 'protocol', 'TCP');
  }
}

export function defaultEndpointSlice(obj: any): void {
  for (const p of Array.isArray(obj.ports) ? obj.ports : []) {
    if (!isPlainObject(p)) continue;
    setIfAbsent(p, 'protocol', 'TCP');
    // The name is a pointer in the Go type; clients dereference it, so it is always present.
    setIfAbsent(p, 'name', '');
  }
}

export function defaultNode(obj: any): void {
  obj.spec ??= {};
}
