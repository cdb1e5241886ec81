/**
 * Protobuf request bodies, as kubectl 1.32's typed clients send them (create deployment/configmap/secret/...):
 *
 *   "k8s\0" | runtime.Unknown{ typeMeta{apiVersion, kind}, raw: <the object, encoded as its own message> }
 *
 * decoded with our own .proto definitions (proto/*.proto) and turned into the JSON the server works with:
 * Time -> RFC 3339, IntOrString -> number or string, Quantity -> string (also as map values: resources, overhead),
 * bytes -> base64, FieldsV1/RawExtension -> parsed JSON, ExtraValue -> list of strings, int64 -> number, embedded Go
 * structs flattened. The Go marshaller writes zero values of plain (non-pointer) fields; those are dropped, while a
 * pointer field's zero is kept (replicas: 0, hostUsers: false). Any field our .proto files lack is skipped, so they
 * declare every field of Kubernetes 1.32's messages.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { badRequest } from '@skiff/api';
import protobuf from 'protobufjs';
import { checkDepth } from '../http/request-body.js';
import { wireTypes } from './wire-types.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const EMBEDDED = new Set(['localObjectReference', 'volumeSource', 'handler', 'ingressRuleValue', 'ephemeralContainerCommon']);
/**
 * Pointer fields in the Go types (*int32, *int64, *bool, *string): a zero value on the wire was set on purpose (a nil
 * pointer is not written at all). Named here where every message of ours that has a field of that name has it as a
 * pointer; the others are in KEEP_ZERO_OF_TYPE.
 */
const KEEP_ZERO = new Set([
  // numbers
  'replicas', 'parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'terminationGracePeriodSeconds',
  'progressDeadlineSeconds', 'revisionHistoryLimit', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit',
  'startingDeadlineSeconds', 'expirationSeconds', 'gracePeriodSeconds', 'priority', 'ttlSecondsAfterFinished',
  'defaultMode', 'mode', 'backoffLimitPerIndex', 'maxFailedIndexes', 'deletionGracePeriodSeconds', 'tolerationSeconds',
  'runAsUser', 'runAsGroup', 'fsGroup', 'minReplicas', 'targetCPUUtilizationPercentage', 'currentCPUUtilizationPercentage',
  'minDomains', 'collisionCount', 'succeededCount',
  // booleans
  'suspend', 'immutable', 'automountServiceAccountToken', 'orphanDependents', 'enableServiceLinks',
  'allocateLoadBalancerNodePorts', 'manualSelector', 'controller', 'blockOwnerDeletion', 'optional',
  'shareProcessNamespace', 'privileged', 'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation',
  'setHostnameAsFQDN', 'hostUsers', 'hostProcess', 'started', 'ignoreStoreReadErrorWithClusterBreakingPotential',
  // strings
  'runtimeClassName', 'preemptionPolicy', 'storageClassName', 'volumeMode', 'volumeAttributesClassName', 'procMount',
  'fsGroupChangePolicy', 'supplementalGroupsPolicy', 'seLinuxChangePolicy', 'localhostProfile', 'gmsaCredentialSpecName',
  'gmsaCredentialSpec', 'runAsUserName', 'recursiveReadOnly', 'mountPropagation', 'ipFamilyPolicy', 'loadBalancerClass',
  'internalTrafficPolicy', 'trafficDistribution', 'appProtocol', 'ipMode', 'completionMode', 'podReplacementPolicy',
  'managedBy', 'timeZone', 'ingressClassName', 'pathType', 'unhealthyPodEvictionPolicy', 'nodeAffinityPolicy',
  'nodeTaintsPolicy', 'resourceClaimName', 'resourceClaimTemplateName', 'initiatorName', 'signerName',
  'succeededIndexes', 'propagationPolicy',
  // plain in Go, kept as they always were: the pod's host namespaces, a Deployment's pause, a Service's health port
  // (and 'replicas' above is also a Deployment status's plain count)
  'hostNetwork', 'hostPID', 'hostIPC', 'healthCheckNodePort', 'paused',
]);
/**
 * Fields kept at zero by message, where the name alone would say too much: pointers whose name is a plain field
 * elsewhere (Container.restartPolicy is a pointer, PodSpec.restartPolicy is not; EnvVar.value is plain), and plain
 * fields whose zero is a value all the same (a PriorityClass of value 0).
 */
const KEEP_ZERO_OF_TYPE = new Set([
  '.skiff.scheduling.PriorityClass.value',
  '.skiff.core.Container.restartPolicy',
  '.skiff.core.HostPathVolumeSource.type',
  '.skiff.core.CSIVolumeSource.readOnly', '.skiff.core.CSIVolumeSource.fsType',
  '.skiff.core.AzureDiskVolumeSource.readOnly', '.skiff.core.AzureDiskVolumeSource.fsType',
  '.skiff.core.AzureDiskVolumeSource.cachingMode', '.skiff.core.AzureDiskVolumeSource.kind',
  '.skiff.core.FCVolumeSource.lun',
  '.skiff.core.ClusterTrustBundleProjection.name',
  '.skiff.core.TypedLocalObjectReference.apiGroup',
  '.skiff.core.TypedObjectReference.apiGroup', '.skiff.core.TypedObjectReference.namespace',
  '.skiff.core.PodDNSConfigOption.value',
  '.skiff.core.GRPCAction.service',
  '.skiff.core.ClientIPConfig.timeoutSeconds',
  '.skiff.core.PortStatus.error', '.skiff.networking.IngressPortStatus.error',
  '.skiff.workloads.JobStatus.ready', '.skiff.workloads.JobStatus.terminating',
  '.skiff.workloads.PodFailurePolicyOnExitCodesRequirement.containerName',
]);

function protoDir(): string {
  for (const rel of ['../proto/', '../../proto/']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${p}meta.proto`)) return p;
  }
  throw new Error('proto definitions not found next to the apiserver package');
}

let root: protobuf.Root | undefined;

function loadRoot(): protobuf.Root {
  if (!root) {
    const dir = protoDir();
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) => (target.startsWith('/') ? target : dir + target);
    const files = ['meta.proto', 'core.proto', 'volume.proto', 'pod.proto', 'workloads.proto', 'scheduling.proto', 'rbac.proto'];
    r.loadSync([...files, 'networking.proto', 'auth.proto', 'autoscaling.proto'], { keepCase: true });
    r.resolveAll();
    root = r;
  }
  return root;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  const l = v as { low: number; high: number; unsigned?: boolean };
  return new protobuf.util.LongBits(l.low >>> 0, l.high >>> 0).toNumber(l.unsigned ?? false);
}

function timeString(v: any, micro: boolean): string | undefined {
  const seconds = v?.seconds === undefined ? 0 : toNumber(v.seconds);
  const nanos = v?.nanos ?? 0;
  if (seconds === 0 && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString();
  if (!micro) return iso.replace('.000Z', 'Z');
  return iso.replace('.000Z', `.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`);
}

function parseJsonBytes(b: Uint8Array | undefined): unknown {
  if (!b || b.length === 0) return undefined;
  try {
    return checkDepth(JSON.parse(Buffer.from(b).toString('utf8')));
  } catch (e) {
    if (e instanceof Error && e.name === 'StatusError') throw e;
    throw badRequest('protobuf body: embedded JSON is malformed');
  }
}

function convertValue(field: protobuf.Field, v: unknown): unknown {
  const t = field.resolvedType;
  if (t instanceof protobuf.Type) {
    switch (t.fullName) {
      case '.skiff.meta.Time':
        return timeString(v, false);
      case '.skiff.meta.MicroTime':
        return timeString(v, true);
      case '.skiff.meta.IntOrString': {
        const x = v as { type?: unknown; intVal?: number; strVal?: string };
        return toNumber(x.type ?? 0) === 1 ? (x.strVal ?? '') : (x.intVal ?? 0);
      }
      case '.skiff.meta.Quantity':
        return (v as { string?: string }).string ?? '0';
      case '.skiff.meta.FieldsV1':
        return parseJsonBytes((v as { Raw?: Uint8Array }).Raw);
      case '.skiff.meta.RawExtension':
        return parseJsonBytes((v as { raw?: Uint8Array }).raw);
      case '.skiff.auth.ExtraValue':
        return [...((v as { items?: string[] }).items ?? [])];
      default:
        return messageToJson(v as protobuf.Message, t);
    }
  }
  if (field.type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (field.type === 'int64' || field.type === 'uint64' || field.type === 'sint64' || field.type === 'fixed64') return toNumber(v);
  return v;
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

export function messageToJson(msg: protobuf.Message, type: protobuf.Type): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const m = msg as unknown as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    const name = field.name;
    if (!Object.prototype.hasOwnProperty.call(m, name)) continue;
    const v = m[name];
    if (field.map) {
      const entries = Object.entries((v ?? {}) as Record<string, unknown>);
      if (entries.length) out[name] = Object.fromEntries(entries.map(([k, x]) => [k, convertValue(field, x)]));
      continue;
    }
    if (field.repeated) {
      const list = (v ?? []) as unknown[];
      if (list.length) out[name] = list.map((x) => convertValue(field, x));
      continue;
    }
    const c = convertValue(field, v);
    if (c === undefined || (isZero(c) && !KEEP_ZERO.has(name) && !KEEP_ZERO_OF_TYPE.has(`${type.fullName}.${name}`))) continue;
    if (EMBEDDED.has(name) && typeof c === 'object' && c !== null) Object.assign(out, c);
    else out[name] = c;
  }
  return out;
}

/** Decodes a `k8s\0`-framed protobuf object into JSON, or throws a 400. */
export function decodeProtobufObject(bytes: Buffer): unknown {
  if (bytes.length < 4 || !bytes.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body: missing the "k8s\\0" prefix');
  const r = loadRoot();
  let unknown: any;
  try {
    unknown = r.lookupType('skiff.meta.Unknown').decode(bytes.subarray(4));
  } catch (e) {
    throw badRequest(`protobuf body: cannot decode the envelope: ${(e as Error).message}`);
  }
  const apiVersion: string = unknown.typeMeta?.apiVersion ?? '';
  const kind: string = unknown.typeMeta?.kind ?? '';
  const typeName = wireTypes[`${apiVersion}/${kind}`] ?? (kind === 'DeleteOptions' ? 'skiff.meta.DeleteOptions' : undefined);
  if (!typeName) throw badRequest(`protobuf body: no kind "${kind}" is registered for version "${apiVersion}"`);
  const type = r.lookupType(typeName);
  let msg: protobuf.Message;
  try {
    msg = type.decode(unknown.raw ?? new Uint8Array());
  } catch (e) {
    throw badRequest(`protobuf body: cannot decode ${kind}: ${(e as Error).message}`);
  }
  const obj = messageToJson(msg, type);
  return { apiVersion: apiVersion || undefined, kind: kind || undefined, ...obj };
}
