/** The parts every review kind (access-review.ts, identity-review.ts) shares: reading the request and echoing it. */
import { badRequest, isPlainObject, type KubeObject, type ResourceDefinition } from '@skiff/api';

/** The request body as an object of the review's kind (an absent kind is taken as it). */
export function reviewRequest(def: ResourceDefinition, body: unknown): KubeObject {
  if (!isPlainObject(body)) throw badRequest(`expected a ${def.kind} object`);
  const obj = body as KubeObject;
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): kind "${String(obj.kind)}"`);
  }
  return obj;
}

/** The answer's metadata: the request's, with the null creationTimestamp of an object that was never stored. */
export function answerMetadata(obj: KubeObject): KubeObject['metadata'] {
  return { ...(isPlainObject(obj.metadata) ? obj.metadata : {}), creationTimestamp: null as unknown as string };
}
