/**
 * Pod spec checks, shared by pods and every pod template (deployments, replica sets, jobs...).
 */
import { isPlainObject, jsonEqual } from '../object.js';
import { compareQuantities, isValidQuantity, parseQuantity } from '../quantity.js';
import type { FieldErrors } from './field-errors.js';
import { dns1123Label, dns1123Subdomain, envVarName, ianaServiceName, labelValue, portNumber, qualifiedName } from './names.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'Never', 'OnFailure'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['FallbackToLogsOnError', 'File'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'nfs', 'csi',
  'ephemeral', 'image', 'iscsi', 'fc', 'glusterfs', 'rbd', 'cephfs', 'cinder', 'flexVolume', 'awsElasticBlockStore',
  'gcePersistentDisk', 'azureDisk', 'azureFile', 'vsphereVolume', 'quobyte', 'portworxVolume', 'scaleIO',
  'storageos', 'photonPersistentDisk', 'flocker', 'gitRepo',
];

export function validateResources(res: any, path: string, errs: FieldErrors): void {
  if (res === undefined || res === null) return;
  const parsed: Record<'limits' | 'requests', Record<string, ReturnType<typeof parseQuantity>>> = { limits: {}, requests: {} };
  for (const kind of ['limits', 'requests'] as const) {
    const m = res[kind];
    if (m === undefined || m === null) continue;
    if (!isPlainObject(m)) {
      errs.invalid(`${path}.${kind}`, m, 'must be a map of resource names to quantities');
      continue;
    }
    for (const [name, q] of Object.entries(m)) {
      const p = `${path}.${kind}[${name}]`;
      errs.check(p, name, qualifiedName);
      if (!isValidQuantity(q)) {
        errs.invalid(p, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        continue;
      }
      const v = parseQuantity(q as string);
      if (v.nanos < 0n) errs.invalid(p, q, 'must be greater than or equal to 0');
      parsed[kind][name] = v;
    }
  }
  for (const [name, req] of Object.entries(parsed.requests)) {
    const lim = parsed.limits[name];
    if (lim && compareQuantities(req, lim) > 0) {
      errs.invalid(`${path}.requests`, res.requests[name], `must be less than or equal to ${name} limit of ${res.limits[name]}`);
    }
  }
}

function validateProbe(probe: any, path: string, errs: FieldErrors): void {
  if (probe === undefined || probe === null) return;
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => probe[h] !== undefined && probe[h] !== null);
  if (handlers.length === 0) errs.required(path, 'must specify a handler type');
  else if (handlers.length > 1) errs.forbidden(`${path}.${handlers[1]}`, 'may not specify more than 1 handler type');
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (probe[f] !== undefined && (typeof probe[f] !== 'number' || probe[f] < 0)) errs.invalid(`${path}.${f}`, probe[f], 'must be greater than or equal to 0');
  }
  if (probe.httpGet && typeof probe.httpGet.port === 'number') for (const m of portNumber(probe.httpGet.port)) errs.invalid(`${path}.httpGet.port`, probe.httpGet.port, m);
}

function validateContainer(c: any, path: string, volumes: Set<string>, isPodTemplate: boolean, errs: FieldErrors): void {
  if (!isPlainObject(c)) {
    errs.invalid(path, c, 'must be an object');
    return;
  }
  if (!c.name) errs.required(`${path}.name`);
  else errs.check(`${path}.name`, c.name, dns1123Label);
  if (!c.image && !isPodTemplate) errs.required(`${path}.image`);
  else if (c.image !== undefined && (typeof c.image !== 'string' || c.image.trim() !== c.image)) {
    errs.invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace');
  }
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) errs.notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES);
  if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy)) {
    errs.notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES);
  }
  const portNames = new Set<string>();
  const portKeys = new Set<string>();
  (c.ports ?? []).forEach((p: any, i: number) => {
    const pp = `${path}.ports[${i}]`;
    if (p.containerPort === undefined) errs.required(`${pp}.containerPort`);
    else for (const m of portNumber(p.containerPort)) errs.invalid(`${pp}.containerPort`, p.containerPort, m);
    if (p.hostPort !== undefined && p.hostPort !== 0) for (const m of portNumber(p.hostPort)) errs.invalid(`${pp}.hostPort`, p.hostPort, m);
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS);
    if (p.name !== undefined) {
      errs.check(`${pp}.name`, p.name, ianaServiceName);
      if (portNames.has(p.name)) errs.duplicate(`${pp}.name`, p.name);
      portNames.add(p.name);
    }
    const key = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
    if (portKeys.has(key) && p.hostPort === undefined) errs.duplicate(`${pp}`, `${key}`);
    portKeys.add(key);
  });
  (c.env ?? []).forEach((e: any, i: number) => {
    const ep = `${path}.env[${i}]`;
    if (!e.name) errs.required(`${ep}.name`);
    else errs.check(`${ep}.name`, e.name, envVarName);
    if (e.valueFrom) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((s) => e.valueFrom[s]);
      if (sources.length !== 1) errs.invalid(`${ep}.valueFrom`, '', 'may not have more than one field specified at a time');
      if (e.value) errs.invalid(`${ep}.valueFrom`, '', 'may not be specified when `value` is not empty');
    }
  });
  validateResources(c.resources, `${path}.resources`, errs);
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m: any, i: number) => {
    const mp = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.required(`${mp}.name`);
    else if (!volumes.has(m.name)) errs.notFound(`${mp}.name`, m.name);
    if (!m.mountPath) errs.required(`${mp}.mountPath`);
    else if (mountPaths.has(m.mountPath)) errs.invalid(`${mp}.mountPath`, m.mountPath, 'must be unique');
    mountPaths.add(m.mountPath);
  });
  validateProbe(c.livenessProbe, `${path}.livenessProbe`, errs);
  validateProbe(c.readinessProbe, `${path}.readinessProbe`, errs);
  validateProbe(c.startupProbe, `${path}.startupProbe`, errs);
}

/**
 * `isPodTemplate` relaxes nothing that matters today except that kubectl's own templates always carry images; it
 * is kept so callers say which they validate.
 */
export function validatePodSpec(spec: any, path: string, errs: FieldErrors, isPodTemplate = false): void {
  if (!isPlainObject(spec)) {
    errs.required(path);
    return;
  }
  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    const vp = `${path}.volumes[${i}]`;
    if (!v.name) errs.required(`${vp}.name`);
    else {
      errs.check(`${vp}.name`, v.name, dns1123Label);
      if (volumes.has(v.name)) errs.duplicate(`${vp}.name`, v.name);
      volumes.add(v.name);
    }
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length > 1) errs.forbidden(`${vp}.${sources[1]}`, 'may not specify more than 1 volume type');
  });
  const names = new Set<string>();
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errs.required(`${path}.containers`);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    if (spec[list] === undefined) continue;
    if (!Array.isArray(spec[list])) {
      errs.invalid(`${path}.${list}`, spec[list], 'must be a list');
      continue;
    }
    spec[list].forEach((c: any, i: number) => {
      const cp = `${path}.${list}[${i}]`;
      validateContainer(c, cp, volumes, isPodTemplate, errs);
      if (c?.name) {
        if (names.has(c.name)) errs.duplicate(`${cp}.name`, c.name);
        names.add(c.name);
      }
    });
  }
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) errs.notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES);
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) errs.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES);
  for (const f of ['terminationGracePeriodSeconds']) {
    if (spec[f] !== undefined && spec[f] !== null && (typeof spec[f] !== 'number' || spec[f] < 0)) errs.invalid(`${path}.${f}`, spec[f], 'must be greater than or equal to 0');
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null && !(spec.activeDeadlineSeconds > 0)) {
    errs.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive');
  }
  if (spec.nodeSelector !== undefined) {
    for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
      errs.check(`${path}.nodeSelector`, k, qualifiedName);
      errs.check(`${path}.nodeSelector`, String(v), labelValue);
    }
  }
  (spec.tolerations ?? []).forEach((t: any, i: number) => {
    const tp = `${path}.tolerations[${i}]`;
    if (t.operator !== undefined && !TOLERATION_OPERATORS.includes(t.operator)) errs.notSupported(`${tp}.operator`, t.operator, TOLERATION_OPERATORS);
    if (t.operator === 'Exists' && t.value) errs.invalid(`${tp}.operator`, t.value, 'value must be empty when `operator` is \'Exists\'');
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.notSupported(`${tp}.effect`, t.effect, TAINT_EFFECTS);
    if (t.key) errs.check(`${tp}.key`, t.key, qualifiedName);
  });
  if (spec.hostname) errs.check(`${path}.hostname`, spec.hostname, dns1123Label);
  if (spec.subdomain) errs.check(`${path}.subdomain`, spec.subdomain, dns1123Label);
  if (spec.serviceAccountName) errs.check(`${path}.serviceAccountName`, spec.serviceAccountName, dns1123Subdomain);
  if (spec.nodeName) errs.check(`${path}.nodeName`, spec.nodeName, dns1123Subdomain);
}

/** Pod spec fields an update may change (kept out of the comparison; their own rules are elsewhere). */
// ephemeralContainers change only through pods/ephemeralcontainers, checked by validateEphemeralContainersUpdate.
const MUTABLE_POD_SPEC = new Set(['activeDeadlineSeconds', 'tolerations', 'schedulingGates', 'terminationGracePeriodSeconds', 'ephemeralContainers']);
const IMAGE = new Set(['image']);

/**
 * Whether two objects hold the same fields apart from `skip`, a field set to undefined counting as absent, each
 * pair of values compared by `same`. Compares in place: no stripped copies.
 */
function sameExcept(a: Record<string, unknown>, b: Record<string, unknown>, skip: Set<string>, same: (k: string, x: unknown, y: unknown) => boolean): boolean {
  let n = 0;
  for (const k in a) {
    if (skip.has(k) || a[k] === undefined) continue;
    if (b[k] === undefined || !same(k, a[k], b[k])) return false;
    n++;
  }
  for (const k in b) if (!skip.has(k) && b[k] !== undefined) n--;
  return n === 0;
}

/** Two container lists alike but for their images. */
function sameButImages(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return jsonEqual(a, b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (isPlainObject(x) && isPlainObject(y)) {
      if (!sameExcept(x, y, IMAGE, (_k, p, q) => jsonEqual(p, q))) return false;
    } else if (!jsonEqual(x, y)) return false;
  }
  return true;
}

/**
 * A running pod's spec is fixed except for container images, activeDeadlineSeconds, added tolerations and a
 * scheduling gate removal: compare everything else.
 */
export function validatePodSpecUpdate(next: any, prev: any, errs: FieldErrors): void {
  if (!prev?.nodeName && next?.nodeName) {
    // Binding sets nodeName through its own subresource; an update may not.
  }
  if (!sameExcept(next ?? {}, prev ?? {}, MUTABLE_POD_SPEC, (k, a, b) => (k === 'containers' || k === 'initContainers' ? sameButImages(a, b) : jsonEqual(a, b)))) {
    errs.forbidden(
      'spec',
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  }
  (next?.containers ?? []).forEach((c: any, i: number) => {
    if (!c.image) errs.required(`spec.containers[${i}].image`);
  });
}

/** Fields an ephemeral container may not set: it runs once, for debugging, with the pod's resources. */
const NOT_FOR_EPHEMERAL = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resources', 'resizePolicy', 'restartPolicy'];

/**
 * pods/ephemeralcontainers: ephemeral containers are only ever added. Those the pod has stay as they are; a new one
 * needs a name no other container of the pod has and an image, sets none of NOT_FOR_EPHEMERAL, and names a
 * container of the pod as its target, if any.
 */
export function validateEphemeralContainersUpdate(next: any, prev: any, errs: FieldErrors): void {
  const before: any[] = Array.isArray(prev?.ephemeralContainers) ? prev.ephemeralContainers : [];
  const after: any[] = Array.isArray(next?.ephemeralContainers) ? next.ephemeralContainers : [];
  const path = 'spec.ephemeralContainers';
  for (const old of before) {
    const now = after.find((c) => c?.name === old.name);
    if (!now) errs.forbidden(path, `existing ephemeral containers "${old.name}" may not be removed`);
    else if (!jsonEqual(now, old)) errs.forbidden(`${path}[${after.indexOf(now)}]`, `existing ephemeral containers "${old.name}" may not be changed`);
  }
  const others = new Set<string>([...(next?.containers ?? []), ...(next?.initContainers ?? [])].map((c: any) => c?.name));
  after.forEach((c: any, i: number) => {
    if (before.some((old) => old.name === c?.name)) return;
    const cp = `${path}[${i}]`;
    if (!isPlainObject(c)) {
      errs.invalid(cp, c, 'must be an object');
      return;
    }
    if (others.has(c.name)) errs.duplicate(`${cp}.name`, c.name);
    // Empty values count as unset: kubectl debug sends `resources: {}`.
    const isSet = (v: unknown) => v !== undefined && v !== null && !(isPlainObject(v) && Object.keys(v).length === 0) && !(Array.isArray(v) && v.length === 0);
    for (const f of NOT_FOR_EPHEMERAL) if (isSet(c[f])) errs.forbidden(`${cp}.${f}`, 'cannot be set for an Ephemeral Container');
    if (c.targetContainerName !== undefined && c.targetContainerName !== '' && !others.has(c.targetContainerName)) {
      errs.notFound(`${cp}.targetContainerName`, c.targetContainerName);
    }
  });
}
