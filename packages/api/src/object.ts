/**
 * Objects as they travel: plain JSON. The shapes come from @kubernetes/client-node's model classes, whose
 * timestamps are `Date` because its serializer revives them; on the wire (and in our store) they are RFC 3339
 * strings, so `Wire<T>` maps every Date to a string and leaves the rest as declared.
 */
import type {
  CoreV1Event,
  EventsV1Event,
  V1ConfigMap,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Job,
  V1Lease,
  V1ListMeta,
  V1Namespace,
  V1Node,
  V1ObjectMeta,
  V1OwnerReference,
  V1Pod,
  V1ReplicaSet,
  V1Scale,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
  V1ControllerRevision,
  V1Status,
} from '@kubernetes/client-node';

export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Wire<T[K]> }
      : T;

export type ObjectMeta = Wire<V1ObjectMeta>;
export type ListMeta = Wire<V1ListMeta>;
export type OwnerReference = Wire<V1OwnerReference>;
export type Status = Wire<V1Status>;

/** Any object the server stores: the fields every kind shares, and the rest as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [field: string]: any;
}

export interface KubeList<T = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export type Pod = Wire<V1Pod>;
export type Service = Wire<V1Service>;
export type Endpoints = Wire<V1Endpoints>;
export type Node = Wire<V1Node>;
export type Namespace = Wire<V1Namespace>;
export type ConfigMap = Wire<V1ConfigMap>;
export type Secret = Wire<V1Secret>;
export type Event = Wire<CoreV1Event>;
export type EventV1 = Wire<EventsV1Event>;
export type ServiceAccount = Wire<V1ServiceAccount>;
export type Deployment = Wire<V1Deployment>;
export type ReplicaSet = Wire<V1ReplicaSet>;
export type DaemonSet = Wire<V1DaemonSet>;
export type StatefulSet = Wire<V1StatefulSet>;
export type ControllerRevision = Wire<V1ControllerRevision>;
export type Job = Wire<V1Job>;
export type CronJob = Wire<V1CronJob>;
export type Lease = Wire<V1Lease>;
export type EndpointSlice = Wire<V1EndpointSlice>;
export type Scale = Wire<V1Scale>;

/** JSON values, for code that walks objects generically (patches, defaulting). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A deep copy of a JSON value (objects here never hold anything JSON cannot). Plain objects and arrays are copied
 * by hand, several times faster than structuredClone for the small trees objects are; anything else that is not a
 * primitive (a typed array, a Date) still goes through structuredClone.
 */
export function deepCopy<T>(v: T): T {
  return copyValue(v) as T;
}

function copyValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const c = copyValue((v as Record<string, unknown>)[k]);
    // JSON.parse makes "__proto__" an own key; plain assignment would set the copy's prototype instead.
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

/** Structural equality of two JSON values; key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!jsonEqual((a as any)[k], (b as any)[k])) return false;
  }
  return true;
}
