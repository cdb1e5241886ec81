/** Checks that a request body is an object of the resource it was sent to, and fills apiVersion and kind. */
import { badRequest, groupVersionOf, isPlainObject, type KubeObject, type ResourceDefinition } from '@skiff/api';

export function checkTypeMeta(def: Pick<ResourceDefinition, 'group' | 'version' | 'kind'>, body: unknown): KubeObject {
  if (!isPlainObject(body)) throw badRequest(`Object 'Kind' is missing in the request body: expected a ${def.kind} object`);
  const gv = groupVersionOf(def);
  const obj = body as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
    if (obj.kind !== undefined && obj.kind !== def.kind) {
      throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): kind "${String(obj.kind)}" in version "${String(obj.apiVersion)}"`);
    }
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): kind "${String(obj.kind)}"`);
  }
  if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) throw badRequest('metadata must be an object');
  obj.apiVersion = gv;
  obj.kind = def.kind;
  obj.metadata ??= {};
  return obj;
}
