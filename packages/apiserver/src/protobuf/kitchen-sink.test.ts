/**
 * Every field of every kind we decode survives the trip: each kitchen sink (Kubernetes JSON with every field of
 * every message reachable from its kind set) is turned into the proto shape, encoded with protobufjs from our own
 * .proto files, framed as kubectl frames it, and decoded by the real decoder, which must give the same JSON back.
 * Turning JSON into the proto shape fails on a field our .proto files lack, and a sink that leaves a field of a
 * reachable message unset fails its own coverage check.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import * as sink from './kitchen-sink.js';
import { decodeProtobufObject } from './protobuf-decoder.js';
import { wireTypes } from './wire-types.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** Go structs embedded in their parent: their fields sit on the parent in JSON. */
const EMBEDDED = new Set(['localObjectReference', 'volumeSource', 'handler', 'ingressRuleValue', 'ephemeralContainerCommon']);
/** Messages that stand for a JSON scalar (or list), converted as a whole. */
const SCALAR_LIKE = new Set(['.skiff.meta.Time', '.skiff.meta.MicroTime', '.skiff.meta.IntOrString', '.skiff.meta.Quantity', '.skiff.meta.FieldsV1', '.skiff.meta.RawExtension', '.skiff.auth.ExtraValue']);

const root = (() => {
  const dir = fileURLToPath(new URL('../../proto/', import.meta.url));
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => (target.startsWith('/') ? target : dir + target);
  r.loadSync(['meta.proto', 'core.proto', 'volume.proto', 'pod.proto', 'workloads.proto', 'scheduling.proto', 'rbac.proto', 'networking.proto', 'auth.proto', 'autoscaling.proto'], { keepCase: true });
  r.resolveAll();
  return r;
})();

/** Kubernetes JSON -> the proto shape of `type`, noting each field set in `seen`. */
function toProto(json: Record<string, any>, type: protobuf.Type, seen: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const embedded = new Map<string, Record<string, any>>();
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (field && !EMBEDDED.has(key)) {
      out[key] = field.map
        ? Object.fromEntries(Object.entries(value).map(([k, x]) => [k, one(field, x, seen)]))
        : field.repeated
          ? (value as unknown[]).map((x) => one(field, x, seen))
          : one(field, value, seen);
      seen.add(`${type.fullName}.${key}`);
      continue;
    }
    const host = type.fieldsArray.find((f) => EMBEDDED.has(f.name) && (f.resolvedType as protobuf.Type).fields[key]);
    if (!host) throw new Error(`${type.fullName} has no field "${key}"`);
    embedded.set(host.name, { ...embedded.get(host.name), [key]: value });
  }
  for (const [name, fields] of embedded) {
    out[name] = toProto(fields, type.fields[name]!.resolvedType as protobuf.Type, seen);
    seen.add(`${type.fullName}.${name}`);
  }
  return out;
}

function one(field: protobuf.Field, v: any, seen: Set<string>): unknown {
  const t = field.resolvedType;
  if (t instanceof protobuf.Type) {
    switch (t.fullName) {
      case '.skiff.meta.Time':
      case '.skiff.meta.MicroTime':
        return { seconds: Date.parse(v) / 1000, nanos: 0 };
      case '.skiff.meta.IntOrString':
        return typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: v };
      case '.skiff.meta.Quantity':
        return { string: v };
      case '.skiff.meta.FieldsV1':
        return { Raw: Buffer.from(JSON.stringify(v)) };
      case '.skiff.meta.RawExtension':
        return { raw: Buffer.from(JSON.stringify(v)) };
      case '.skiff.auth.ExtraValue':
        return { items: v };
      default:
        return toProto(v, t, seen);
    }
  }
  return field.type === 'bytes' ? Buffer.from(v, 'base64') : v;
}

/** Fields of the messages reachable from `type` (the scalar-like ones aside) that `seen` lacks. */
function unset(type: protobuf.Type, seen: Set<string>): string[] {
  const todo = [type];
  const done = new Set<string>();
  const missing: string[] = [];
  while (todo.length) {
    const t = todo.pop()!;
    if (done.has(t.fullName)) continue;
    done.add(t.fullName);
    for (const f of t.fieldsArray) {
      if (!seen.has(`${t.fullName}.${f.name}`)) missing.push(`${t.fullName}.${f.name}`);
      if (f.resolvedType instanceof protobuf.Type && !SCALAR_LIKE.has(f.resolvedType.fullName)) todo.push(f.resolvedType);
    }
  }
  return missing;
}

/** "k8s\0" + runtime.Unknown{typeMeta, raw}, as kubectl sends it. */
function frame(apiVersion: string, kind: string, type: protobuf.Type, proto: Record<string, unknown>): Buffer {
  const raw = type.encode(type.fromObject(proto)).finish();
  const unknownType = root.lookupType('skiff.meta.Unknown');
  return Buffer.concat([MAGIC, unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish()]);
}

const deleteOptions = (apiVersion: string) => ({ apiVersion, kind: 'DeleteOptions', ...sink.deleteOptions() });
const sinks: Record<string, () => Record<string, any>> = {
  'v1/Namespace': sink.namespace,
  'v1/ConfigMap': sink.configMap,
  'v1/Secret': sink.secret,
  'v1/Service': sink.service,
  'v1/ServiceAccount': sink.serviceAccount,
  'v1/Binding': sink.binding,
  'v1/Pod': sink.pod,
  'apps/v1/Deployment': sink.deployment,
  'batch/v1/Job': sink.job,
  'batch/v1/CronJob': sink.cronJob,
  'authentication.k8s.io/v1/TokenRequest': sink.tokenRequest,
  'policy/v1/Eviction': sink.eviction,
  'policy/v1/PodDisruptionBudget': sink.podDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': sink.role,
  'rbac.authorization.k8s.io/v1/ClusterRole': sink.clusterRole,
  'rbac.authorization.k8s.io/v1/RoleBinding': sink.roleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': sink.clusterRoleBinding,
  'networking.k8s.io/v1/Ingress': sink.ingress,
  'scheduling.k8s.io/v1/PriorityClass': sink.priorityClass,
  'authentication.k8s.io/v1/SelfSubjectReview': sink.selfSubjectReview,
  'authentication.k8s.io/v1/TokenReview': sink.tokenReview,
  'authorization.k8s.io/v1/SelfSubjectAccessReview': sink.selfSubjectAccessReview,
  'authorization.k8s.io/v1/SubjectAccessReview': () => sink.subjectAccessReview(),
  'authorization.k8s.io/v1/LocalSubjectAccessReview': () => sink.subjectAccessReview('LocalSubjectAccessReview'),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': sink.selfSubjectRulesReview,
  'autoscaling/v1/HorizontalPodAutoscaler': sink.horizontalPodAutoscaler,
  'meta.k8s.io/v1/DeleteOptions': () => deleteOptions('meta.k8s.io/v1'),
  'v1/DeleteOptions': () => deleteOptions('v1'),
};

describe('kitchen sinks through protobuf', () => {
  it('has a sink for every kind we decode', () => {
    expect(Object.keys(sinks).sort()).toEqual(Object.keys(wireTypes).sort());
  });

  it.each(Object.keys(wireTypes))('%s keeps every field', (key) => {
    const obj = sinks[key]!();
    const { apiVersion, kind, ...body } = obj;
    expect(`${apiVersion}/${kind}`).toBe(key);
    const type = root.lookupType(wireTypes[key]!);
    const seen = new Set<string>();
    const proto = toProto(body, type, seen);
    expect(unset(type, seen)).toEqual([]);
    expect(decodeProtobufObject(frame(apiVersion, kind, type, proto))).toEqual(obj);
  });
});

describe('a pod written in the proto shape by hand', () => {
  const q = (s: string) => ({ string: s });
  const podType = () => root.lookupType('skiff.core.Pod');
  const decodePod = (proto: Record<string, unknown>) => decodeProtobufObject(frame('v1', 'Pod', podType(), proto)) as any;

  it('decodes scheduling, DNS, OS and resource fields with their JSON names and types', () => {
    const labelSelector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] };
    const pod = decodePod({
      metadata: { name: 'web' },
      spec: {
        containers: [{ name: 'app', image: 'nginx', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }], volumeDevices: [{ name: 'raw', devicePath: '/dev/xvdb' }] }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] }] },
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, preference: { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] } }],
          },
          podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector, namespaces: ['a', 'b'], topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'] }] },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector, topologyKey: 'topology.kubernetes.io/zone', mismatchLabelKeys: ['tenant'] } }] },
        },
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector, minDomains: 2, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor', matchLabelKeys: ['pod-template-hash'] },
        ],
        dnsConfig: { nameservers: ['10.0.0.10'], searches: ['ns.svc.cluster.local'], options: [{ name: 'ndots', value: '5' }] },
        readinessGates: [{ conditionType: 'example.com/feature' }],
        os: { name: 'linux' },
        hostUsers: false,
        schedulingGates: [{ name: 'example.com/wait' }],
        resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu' }],
        overhead: { cpu: q('250m'), memory: q('120Mi') },
        resources: { limits: { cpu: q('1'), memory: q('512Mi') }, requests: { cpu: q('500m') } },
      },
    });
    expect(pod.spec).toEqual({
      containers: [{ name: 'app', image: 'nginx', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }], volumeDevices: [{ name: 'raw', devicePath: '/dev/xvdb' }] }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] }] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, preference: { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] } }],
        },
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector, namespaces: ['a', 'b'], topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'] }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector, topologyKey: 'topology.kubernetes.io/zone', mismatchLabelKeys: ['tenant'] } }] },
      },
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector, minDomains: 2, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor', matchLabelKeys: ['pod-template-hash'] },
      ],
      dnsConfig: { nameservers: ['10.0.0.10'], searches: ['ns.svc.cluster.local'], options: [{ name: 'ndots', value: '5' }] },
      readinessGates: [{ conditionType: 'example.com/feature' }],
      os: { name: 'linux' },
      hostUsers: false,
      schedulingGates: [{ name: 'example.com/wait' }],
      resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu' }],
      overhead: { cpu: '250m', memory: '120Mi' },
      resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '500m' } },
    });
  });

  it('drops the Go zero of a plain field and keeps the zero of a pointer field', () => {
    // What the Go marshaller writes for a pod whose optional pointers were set to zero on purpose: plain fields
    // are always on the wire, zero or not.
    const pod = decodePod({
      metadata: { name: 'z', namespace: '' },
      spec: {
        restartPolicy: '',
        hostNetwork: false,
        priority: 0,
        activeDeadlineSeconds: 0,
        shareProcessNamespace: false,
        containers: [{ name: 'c', image: 'i', restartPolicy: '', stdin: false, ports: [{ containerPort: 80, hostPort: 0 }], livenessProbe: { handler: { grpc: { port: 9000, service: '' } }, initialDelaySeconds: 0, terminationGracePeriodSeconds: 0 } }],
        topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'k', whenUnsatisfiable: 'DoNotSchedule', minDomains: 0 }],
        dnsConfig: { options: [{ name: 'edns0', value: '' }] },
        volumes: [{ name: 'v', volumeSource: { fc: { lun: 0, readOnly: false }, iscsi: { lun: 0, readOnly: false } } }],
      },
    });
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'z' },
      spec: {
        hostNetwork: false,
        priority: 0,
        activeDeadlineSeconds: 0,
        shareProcessNamespace: false,
        containers: [{ name: 'c', image: 'i', restartPolicy: '', ports: [{ containerPort: 80 }], livenessProbe: { grpc: { port: 9000, service: '' }, terminationGracePeriodSeconds: 0 } }],
        topologySpreadConstraints: [{ topologyKey: 'k', whenUnsatisfiable: 'DoNotSchedule', minDomains: 0 }],
        dnsConfig: { options: [{ name: 'edns0', value: '' }] },
        volumes: [{ name: 'v', fc: { lun: 0 }, iscsi: {} }],
      },
    });
  });

  it('flattens an ephemeral container and keeps its status', () => {
    const pod = decodePod({
      spec: { ephemeralContainers: [{ ephemeralContainerCommon: { name: 'dbg', image: 'busybox', stdin: true }, targetContainerName: 'app' }] },
      status: {
        phase: 'Running',
        hostIPs: [{ ip: '10.0.0.1' }],
        ephemeralContainerStatuses: [{ name: 'dbg', ready: false, restartCount: 0, started: false, state: { running: { startedAt: { seconds: 1_700_000_000 } } }, allocatedResources: { cpu: q('0') } }],
      },
    });
    expect(pod.spec).toEqual({ ephemeralContainers: [{ name: 'dbg', image: 'busybox', stdin: true, targetContainerName: 'app' }] });
    expect(pod.status).toEqual({
      phase: 'Running',
      hostIPs: [{ ip: '10.0.0.1' }],
      ephemeralContainerStatuses: [{ name: 'dbg', started: false, state: { running: { startedAt: '2023-11-14T22:13:20Z' } }, allocatedResources: { cpu: '0' } }],
    });
  });
});
