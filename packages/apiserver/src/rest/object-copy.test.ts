import { deepCopy, type KubeObject } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { copyObject } from './object-copy.js';

const pod = (): KubeObject =>
  JSON.parse(
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","managedFields":[{"manager":"m","fieldsV1":{"f:spec":{}}}],"labels":{"a":"b"},"__proto__":{"x":1}},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Pending"},"extra":[1,{"y":null}]}',
  ) as KubeObject;

/** What the write path did before: a full copy, then status assigned. */
function reference(obj: KubeObject, status?: { value: unknown }): KubeObject {
  const c = deepCopy(obj);
  if (status) c.status = status.value;
  return c;
}

const keysDeep = (o: unknown): unknown => (o && typeof o === 'object' ? Object.entries(o).map(([k, v]) => [k, keysDeep(v)]) : o);

describe('copyObject', () => {
  it('is deepCopy, key order included, with status taken in place and managedFields shared', () => {
    const prev = pod();
    const status = { phase: 'Running' };
    const got = copyObject(prev, { shareManagedFields: true, status: { value: status } });
    expect(keysDeep(got)).toEqual(keysDeep(reference(prev, { value: status })));
    expect(got.status).toBe(status);
    expect(got.metadata.managedFields).toBe(prev.metadata.managedFields);
    expect(got.metadata).not.toBe(prev.metadata);
    expect(got.spec).not.toBe(prev.spec);
    expect(got.spec.containers[0]).not.toBe(prev.spec.containers[0]);
    expect(Object.keys(got.metadata)).toContain('__proto__');
  });

  it('copies managedFields unless told to share them, and puts status last when there was none', () => {
    const prev = pod();
    delete prev.status;
    const got = copyObject(prev, { shareManagedFields: false, status: { value: undefined } });
    expect(keysDeep(got)).toEqual(keysDeep(reference(prev, { value: undefined })));
    expect(Object.keys(got).at(-1)).toBe('status');
    expect(got.metadata.managedFields).not.toBe(prev.metadata.managedFields);
    expect(got.metadata.managedFields).toEqual(prev.metadata.managedFields);
    const plain = copyObject(prev, { shareManagedFields: true });
    expect(keysDeep(plain)).toEqual(keysDeep(deepCopy(prev)));
    expect('status' in plain).toBe(false);
  });
});
