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

/** Serializes an object for the store. Does not modify `obj`. */
export function encodeObject(obj: KubeObject): Buffer {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { resourceVersion: _rv, ...meta } = metadata ?? {};
  void _rv;
  return Buffer.from(JSON.stringify({ apiVersion, kind, metadata: meta, ...rest }));
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
  const rv = Buffer.from(`"resourceVersion":"${resourceVersion}"${closesAtOnce ? '' : ','}`);
  return Buffer.concat([buf.subarray(0, cut), rv, buf.subarray(cut)]);
}
