/**
 * What the client needs of an object: metadata. Both the loose KubeObject and the typed kinds of @skiff/api
 * (Pod, Deployment..., whose metadata the generated types declare optional) satisfy it; every object the server
 * returns has metadata.
 */
import type { ListMeta, ObjectMeta } from '@skiff/api';

export interface ObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** A list as the wire has it: `metadata.continue` (the generated ListMeta type calls it `_continue`). */
export interface ObjectList<T> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta & { continue?: string };
  items: T[];
}

export function metaOf(obj: ObjectLike): ObjectMeta {
  return obj.metadata ?? {};
}
