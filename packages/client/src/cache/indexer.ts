/**
 * The local cache behind an informer: objects by key (`namespace/name`, or `name` for cluster-scoped objects)
 * plus any number of indexes, each mapping an index value to the objects (by key) that produce it.
 *
 * Worked example with the owner-uid index: pod a/web-1 owned by uid U1 and pod a/web-2 owned by U1 and U2 give
 *   ownerUid: U1 -> {a/web-1, a/web-2}, U2 -> {a/web-2}
 * and updating web-2 to drop U1 removes it from U1's set only. A value with no keys left is removed. Updating an
 * object without changing its index values only swaps the object held under them.
 *
 * Objects handed out are the cached ones, not copies: treat them as read-only (deepCopy before changing).
 */
import type { KubeObject } from '@skiff/api';
import type { ObjectLike } from '../object-like.js';

/** The index values of one object; an empty array leaves it out of that index. */
export type IndexFunc<T = KubeObject> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';
export const OWNER_UID_INDEX = 'ownerUid';
export const NODE_NAME_INDEX = 'nodeName';

export const indexByNamespace: IndexFunc = (o) => (o.metadata?.namespace ? [o.metadata.namespace] : []);
export const indexByOwnerUid: IndexFunc = (o) => (o.metadata?.ownerReferences ?? []).map((r) => r.uid).filter(Boolean);
/** Pods by spec.nodeName (unscheduled pods are left out). */
export const indexByNodeName: IndexFunc = (o) => (typeof o.spec?.nodeName === 'string' && o.spec.nodeName ? [o.spec.nodeName] : []);

export const DEFAULT_INDEXERS: Record<string, IndexFunc> = {
  [NAMESPACE_INDEX]: indexByNamespace,
  [OWNER_UID_INDEX]: indexByOwnerUid,
  [NODE_NAME_INDEX]: indexByNodeName,
};

export function objectKey(obj: ObjectLike): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : m.name!;
}

/** `ns/name` -> {namespace: 'ns', name: 'name'}; `name` -> {name}. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** One index: index value -> the objects (by key) that produce it. Holding the objects, not just their keys, lets
 * byIndex copy them out in one pass instead of looking each key up again. */
type Index<T> = Map<string, Map<string, T>>;

interface IndexEntry<T> {
  fn: IndexFunc<T>;
  index: Index<T>;
}

export class Indexer<T extends ObjectLike = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indices = new Map<string, IndexEntry<T>>();
  /** The same entries as an array: upsert walks it for every event. */
  private entries: IndexEntry<T>[] = [];

  constructor(indexers: Record<string, IndexFunc<T>> = DEFAULT_INDEXERS as Record<string, IndexFunc<T>>) {
    this.addIndexers(indexers);
  }

  /** Adds indexes; existing objects are indexed at once. Re-adding a name replaces its function. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      const index: Index<T> = new Map();
      this.indices.set(name, { fn, index });
      for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key, obj);
    }
    this.entries = [...this.indices.values()];
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Adds or replaces; returns the object it replaced. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const { fn, index } of this.entries) {
      const after = fn(obj);
      if (old) {
        const before = fn(old);
        if (sameValues(before, after)) {
          // Same index values: only the object held under them changes.
          for (const v of after) index.get(v)!.set(key, obj);
          continue;
        }
        for (const v of before) removeFrom(index, v, key);
      }
      for (const v of after) addTo(index, v, key, obj);
    }
    return old;
  }

  /** Removes by key; returns what was there. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    for (const { fn, index } of this.entries) for (const v of fn(old)) removeFrom(index, v, key);
    return old;
  }

  /** Objects whose index `name` includes `value`. */
  byIndex(name: string, value: string): T[] {
    const objs = this.index(name).get(value);
    return objs ? Array.from(objs.values()) : [];
  }

  /** How many objects byIndex would return, without copying them out. */
  countByIndex(name: string, value: string): number {
    return this.index(name).get(value)?.size ?? 0;
  }

  indexKeys(name: string, value: string): string[] {
    const objs = this.index(name).get(value);
    return objs ? Array.from(objs.keys()) : [];
  }

  /** Every value index `name` holds. */
  indexValues(name: string): string[] {
    return [...this.index(name).keys()];
  }

  private index(name: string): Index<T> {
    const e = this.indices.get(name);
    if (!e) throw new Error(`no index named "${name}"`);
    return e.index;
  }
}

function sameValues(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addTo<T>(index: Index<T>, value: string, key: string, obj: T): void {
  let objs = index.get(value);
  if (!objs) index.set(value, (objs = new Map()));
  objs.set(key, obj);
}

function removeFrom<T>(index: Index<T>, value: string, key: string): void {
  const objs = index.get(value);
  if (!objs) return;
  objs.delete(key);
  if (objs.size === 0) index.delete(value);
}
