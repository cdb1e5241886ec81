import { describe, expect, it } from 'vitest';
import { isStatusError } from '@skiff/api';
import { decodeProtobufObject } from './protobuf-decoder.js';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** A hand-built runtime.Unknown: typeMeta{apiVersion=1, kind=2} in field 1, raw in field 2. */
function envelope(apiVersion: string, kind: string, raw: number[]): Buffer {
  const str = (field: number, s: string) => [(field << 3) | 2, Buffer.byteLength(s), ...Buffer.from(s)];
  const typeMeta = [...str(1, apiVersion), ...str(2, kind)];
  return Buffer.from([...MAGIC, (1 << 3) | 2, typeMeta.length, ...typeMeta, (2 << 3) | 2, raw.length, ...raw]);
}

describe('protobuf request bodies', () => {
  it('decodes a namespace named in ObjectMeta', () => {
    // Namespace{metadata(1): ObjectMeta{name(1): "blue"}}
    const meta = [(1 << 3) | 2, 4, ...Buffer.from('blue')];
    const ns = [(1 << 3) | 2, meta.length, ...meta];
    expect(decodeProtobufObject(envelope('v1', 'Namespace', ns))).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'blue' } });
  });

  it('turns bytes into base64 and drops Go zero values', () => {
    // Secret{metadata{name:"s", namespace:""}, data{"k": "\x01\x02"}}
    const meta = [(1 << 3) | 2, 1, ...Buffer.from('s'), (3 << 3) | 2, 0];
    const entry = [(1 << 3) | 2, 1, ...Buffer.from('k'), (2 << 3) | 2, 2, 1, 2];
    const secret = [(1 << 3) | 2, meta.length, ...meta, (2 << 3) | 2, entry.length, ...entry];
    expect(decodeProtobufObject(envelope('v1', 'Secret', secret))).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'AQI=' } });
  });

  it.each([
    ['a body without the k8s prefix', Buffer.from('{"kind":"Pod"}')],
    ['a truncated envelope', Buffer.from([...MAGIC, 0x0a, 0x50, 0x01])],
    ['a kind we do not decode', envelope('v1', 'PersistentVolume', [])],
    ['a corrupt object', envelope('v1', 'ConfigMap', [0x0a, 0x7f])],
  ])('answers %s with a 400', (_what, bytes) => {
    let err: unknown;
    try {
      decodeProtobufObject(bytes);
    } catch (e) {
      err = e;
    }
    expect(isStatusError(err, 'BadRequest')).toBe(true);
  });
});
