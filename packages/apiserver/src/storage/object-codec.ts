/**
 * How objects are stored: JSON, with apiVersion, kind and metadata first and without metadata.resourceVersion
 * (the store's mod revision is the resourceVersion, so storing it would be stale the moment it is written).
 *
 * Because we control the layout, a stored value can be served without parsing it: the resourceVersion is spliced
 * in right after `"metadata":{`. GET, LIST and watch events send the bytes as they are.
 *
 *   stored:  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web",...},"spec":...}
 *   served:  {"apiVersion":"v1","kind":"Pod","metadata":{"resourceVersion":"42","name":"web",...},"spec":...}
 */
import type { KubeObject } from '@skiff/api';

const METADATA = Buffer.from('"metadata":{');

/** Sets `out[k]`, as an own property even for "__proto__" (which JSON.parse makes an own key). */
function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/**
 * Whether `obj` already has the stored layout, so that JSON.stringify(obj) is its encoding: own keys starting
 * apiVersion, kind, metadata (which also rules out integer-like keys, which JSON puts first), metadata a plain
 * object without resourceVersion, nothing inherited that a for-in walk would see. Objects decoded from the store
 * and bodies as clients send them mostly do.
 */
function inStoredLayout(obj: KubeObject): boolean {
  let i = 0;
  for (const k in obj) {
    if (k !== (i === 0 ? 'apiVersion' : i === 1 ? 'kind' : 'metadata')) return false;
    if (++i === 3) break;
  }
  if (i < 3) return false;
  const m = obj.metadata as unknown;
  if (typeof m !== 'object' || m === null || Object.getPrototypeOf(m) !== Object.prototype || Object.getPrototypeOf(obj) !== Object.prototype) return false;
  // for-in (what encodeObject walks) sees inherited enumerable keys too; JSON.stringify does not.
  for (const _ in Object.prototype) return false;
  return !('resourceVersion' in m);
}

/** Serializes an object for the store. Does not modify `obj`. */
export function encodeObject(obj: KubeObject): Buffer {
  if (inStoredLayout(obj)) return Buffer.from(JSON.stringify(obj));
  // Loops rather than object rest/spread: rest with excluded keys is a slow runtime path in V8.
  const meta: Record<string, unknown> = {};
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  for (const k in metadata) if (k !== 'resourceVersion') setOwn(meta, k, metadata[k]);
  const out: Record<string, unknown> = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: meta };
  const o = obj as Record<string, unknown>;
  for (const k in o) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') setOwn(out, k, o[k]);
  return Buffer.from(JSON.stringify(out));
}

/** Parses a stored value and sets its resourceVersion. */
export function decodeObject(value: Uint8Array, resourceVersion: number): KubeObject {
  const obj = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as KubeObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(resourceVersion);
  return obj;
}

/** The stored bytes with the resourceVersion spliced in: a complete JSON object, without a parse. */
export function servedBytes(value: Uint8Array, resourceVersion: number): Buffer {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const at = buf.indexOf(METADATA);
  if (at < 0) {
    const obj = decodeObject(value, resourceVersion);
    return Buffer.from(JSON.stringify(obj));
  }
  const cut = at + METADATA.length;
  const closesAtOnce = buf[cut] === 0x7d; // '}': metadata was empty
  const rv = `"resourceVersion":"${resourceVersion}"${closesAtOnce ? '' : ','}`;
  const out = Buffer.allocUnsafe(buf.length + rv.length);
  buf.copy(out, 0, 0, cut);
  out.write(rv, cut, 'latin1');
  buf.copy(out, cut + rv.length, cut);
  return out;
}
