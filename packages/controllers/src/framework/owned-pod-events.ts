/**
 * Pod events for a controller that owns its pods directly (Job, DaemonSet): each event of a pod whose controller
 * reference is `kind` settles that owner's expectations and queues the owner. A pod counts as deleted once, when its
 * deletionTimestamp appears or when it is gone, whichever is seen first (Expectations dedupes by pod key).
 */
import type { Pod } from '@skiff/api';
import { objectKey } from '@skiff/client';
import type { Expectations } from './expectations.js';
import { controllerRef } from './owner-refs.js';

export interface OwnedPodEvents {
  onAdd(pod: Pod): void;
  onUpdate(old: Pod, pod: Pod): void;
  onDelete(pod: Pod): void;
}

/** The owner's queue key (namespace/name) of a pod controlled by a `kind`, or undefined. */
export function ownerKeyOf(pod: Pod, kind: string): string | undefined {
  const ref = controllerRef(pod);
  return ref?.kind === kind ? `${pod.metadata!.namespace}/${ref.name}` : undefined;
}

export function ownedPodEvents(kind: string, expectations: Expectations, enqueue: (ownerKey: string) => void): OwnedPodEvents {
  return {
    onAdd: (p) => {
      const key = ownerKeyOf(p, kind);
      if (!key) return;
      expectations.creationObserved(key);
      enqueue(key);
    },
    onUpdate: (old, p) => {
      const key = ownerKeyOf(p, kind);
      if (!key) return;
      if (p.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) expectations.deletionObserved(key, objectKey(p));
      enqueue(key);
    },
    onDelete: (p) => {
      const key = ownerKeyOf(p, kind);
      if (!key) return;
      expectations.deletionObserved(key, objectKey(p));
      enqueue(key);
    },
  };
}
