/**
 * Controller references: the one ownerReference with `controller: true` that says which controller manages an
 * object. Adoption and release follow Kubernetes' rules:
 *
 *   - an object controlled by someone else is never touched;
 *   - an orphan (no controller) matching the selector is adopted, unless the owner is being deleted;
 *   - an object we control that no longer matches the selector is released (our reference removed).
 *
 * Both writes carry the object's resourceVersion, so a change made meanwhile turns them into a 409 and the
 * controller looks again on its next sync instead of acting on a stale view.
 */
import type { KubeObject, LabelSelector, OwnerReference } from '@skiff/api';
import { isConflict, isNotFound, type ResourceClient } from '@skiff/client';

export interface ObjectWithMeta {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObject['metadata'];
}

export function controllerRef(obj: ObjectWithMeta): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: ObjectWithMeta, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

export function isControlledBy(obj: ObjectWithMeta, owner: ObjectWithMeta): boolean {
  return controllerRef(obj)?.uid === owner.metadata?.uid;
}

export interface ClaimOptions<T extends ObjectWithMeta> {
  owner: ObjectWithMeta;
  ownerApiVersion: string;
  ownerKind: string;
  selector: LabelSelector;
  /** The client for the claimed objects' resource, in the owner's namespace. */
  client: ResourceClient<T>;
}

/**
 * The objects `owner` controls after adoption and release. Failed writes (the object changed or went away) leave
 * the object out; the next sync sees its new state.
 */
export async function claimObjects<T extends ObjectWithMeta>(candidates: T[], o: ClaimOptions<T>): Promise<T[]> {
  const uid = o.owner.metadata?.uid;
  const mine: T[] = [];
  const writes: Promise<void>[] = [];
  for (const obj of candidates) {
    const ref = controllerRef(obj);
    const matches = o.selector.matches(obj.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        mine.push(obj);
        continue;
      }
      if (obj.metadata?.deletionTimestamp) continue;
      writes.push(release(obj, o).catch(ignoreGone));
      continue;
    }
    if (!matches || obj.metadata?.deletionTimestamp || o.owner.metadata?.deletionTimestamp) continue;
    writes.push(
      adopt(obj, o)
        .then((adopted) => void mine.push(adopted))
        .catch(ignoreGone),
    );
  }
  await Promise.all(writes);
  return mine;
}

function ignoreGone(e: unknown): void {
  if (!isConflict(e) && !isNotFound(e)) throw e;
}

async function adopt<T extends ObjectWithMeta>(obj: T, o: ClaimOptions<T>): Promise<T> {
  const refs = [...(obj.metadata?.ownerReferences ?? []), newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind)];
  return o.client.patch(obj.metadata!.name!, { metadata: { ownerReferences: refs, resourceVersion: obj.metadata!.resourceVersion } }, 'merge');
}

async function release<T extends ObjectWithMeta>(obj: T, o: ClaimOptions<T>): Promise<void> {
  const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== o.owner.metadata?.uid);
  await o.client.patch(obj.metadata!.name!, { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata!.resourceVersion } }, 'merge');
}
