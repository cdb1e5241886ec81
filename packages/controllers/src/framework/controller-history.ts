/**
 * Controller history, kept as kube-controller-manager keeps it for StatefulSets and DaemonSets: one
 * ControllerRevision per distinct pod template the owner has had, named `<owner>-<template hash>`, numbered in the
 * order the templates became current, whose `data` is a strategic merge patch that puts that template back
 * (`{"spec":{"template":{..., "$patch":"replace"}}}`). `kubectl rollout history` lists an owner's revisions and
 * `kubectl rollout undo` patches the owner with one's data; a template that comes back takes its old revision
 * object with a new number, as the real controllers do. Beyond revisionHistoryLimit (10 by default) the oldest
 * revisions not in use are deleted.
 */
import { deepCopy, type ControllerRevision } from '@skiff/api';
import { isAlreadyExists, isNotFound, type ResourceClient, type SharedInformer } from '@skiff/client';
import { controlledBy } from './owned-objects.js';
import { newControllerRef, type ObjectWithMeta } from './owner-refs.js';

export const HASH_LABEL = 'controller.kubernetes.io/hash';
const DEFAULT_HISTORY_LIMIT = 10;

/** A StatefulSet or DaemonSet: what the history needs of it. */
export type TemplateOwner = ObjectWithMeta & { spec?: { template?: { metadata?: { labels?: Record<string, string> } }; revisionHistoryLimit?: number } };

export interface HistoryOwner {
  obj: TemplateOwner;
  apiVersion: string;
  kind: 'StatefulSet' | 'DaemonSet';
}

function patchFor(template: unknown): Record<string, unknown> {
  return { spec: { template: { ...(deepCopy(template) as object), $patch: 'replace' } } };
}

/** An owner's revisions, oldest first. */
export function revisionsOf(inf: SharedInformer<ControllerRevision>, owner: TemplateOwner): ControllerRevision[] {
  return controlledBy(inf, owner).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

/**
 * Makes sure the owner's current template has the newest revision: creates `<owner>-<hash>`, or renumbers it when
 * the template was current before. Returns the revision's name.
 */
export async function recordRevision(
  inf: SharedInformer<ControllerRevision>,
  client: ResourceClient<ControllerRevision>,
  owner: HistoryOwner,
  hash: string,
): Promise<string> {
  const o = owner.obj;
  const name = `${o.metadata!.name}-${hash}`;
  const history = revisionsOf(inf, o);
  const newest = history.at(-1)?.revision ?? 0;
  const existing = history.find((r) => r.metadata?.name === name);
  if (existing) {
    if (existing.revision !== newest) {
      const next = { ...existing, revision: newest + 1 };
      await client.update(next).catch((e: unknown) => {
        // a stale copy or a revision deleted meanwhile: the next sync sees the informer's newer state
        if (!isNotFound(e) && (e as { code?: number }).code !== 409) throw e;
      });
    }
    return name;
  }
  const revision: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: o.metadata!.namespace,
      labels: { ...(o.spec?.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
      ...(o.metadata?.annotations ? { annotations: { ...o.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(o, owner.apiVersion, owner.kind)],
    },
    data: patchFor(o.spec?.template),
    revision: newest + 1,
  };
  try {
    await client.create(revision);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    // Ours from a sync the informer has not shown yet, or another owner's with the same name (a hash collision
    // across owners cannot happen: the name carries the owner's).
  }
  return name;
}

/** Deletes the oldest revisions beyond the owner's revisionHistoryLimit, never one in `inUse`. */
export async function pruneRevisions(
  inf: SharedInformer<ControllerRevision>,
  client: ResourceClient<ControllerRevision>,
  owner: TemplateOwner,
  inUse: Set<string>,
): Promise<void> {
  const limit = Math.max(0, owner.spec?.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT);
  const removable = revisionsOf(inf, owner).filter((r) => !inUse.has(r.metadata?.name ?? ''));
  for (const r of removable.slice(0, Math.max(0, removable.length - limit))) {
    await client.delete(r.metadata!.name!).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }
}

/** The template a revision holds, if it was written by recordRevision (or by kube-controller-manager). */
export function templateOf(r: ControllerRevision): unknown {
  const data = r.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const t = data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _, ...template } = t;
  return template;
}
