/**
 * Finding the objects a controller may own without scanning a namespace: the shared informer of the owned kind
 * (pods, replica sets, jobs) gets two indexes, by controller uid and, for orphans, by namespace. A controller's
 * candidates are its own objects plus the orphans of its namespace: exactly the set adoption and release look at.
 */
import type { IndexFunc, ResourceRef, SharedInformer } from '@skiff/client';
import type { ControllerContext } from './context.js';
import { controllerRef, type ObjectWithMeta } from './owner-refs.js';

export const CONTROLLER_UID_INDEX = 'controllerUid';
export const ORPHAN_INDEX = 'orphansByNamespace';

const byControllerUid: IndexFunc = (o) => {
  const uid = controllerRef(o)?.uid;
  return uid ? [uid] : [];
};

const orphansByNamespace: IndexFunc = (o) => (controllerRef(o) || !o.metadata?.namespace ? [] : [o.metadata.namespace]);

export function ownedInformer<T extends ObjectWithMeta>(ctx: ControllerContext, ref: ResourceRef): SharedInformer<T> {
  return ctx.informers.informer<T & { metadata: NonNullable<ObjectWithMeta['metadata']> }>(ref, {
    indexers: { [CONTROLLER_UID_INDEX]: byControllerUid, [ORPHAN_INDEX]: orphansByNamespace },
  }) as unknown as SharedInformer<T>;
}

/** Objects controlled by `owner`, plus the orphans in its namespace. */
export function ownershipCandidates<T extends ObjectWithMeta>(inf: SharedInformer<T>, owner: ObjectWithMeta): T[] {
  const mine = inf.indexer.byIndex(CONTROLLER_UID_INDEX, owner.metadata!.uid!);
  const orphans = owner.metadata?.namespace ? inf.indexer.byIndex(ORPHAN_INDEX, owner.metadata.namespace) : [];
  return orphans.length ? mine.concat(orphans) : mine;
}

/** Objects controlled by `owner` only. */
export function controlledBy<T extends ObjectWithMeta>(inf: SharedInformer<T>, owner: ObjectWithMeta): T[] {
  return inf.indexer.byIndex(CONTROLLER_UID_INDEX, owner.metadata!.uid!);
}
