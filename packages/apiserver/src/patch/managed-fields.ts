/**
 * metadata.managedFields: which manager set which fields, by operation ("Apply" for server-side apply, "Update"
 * for everything else). Every write updates it: the writer takes the fields it changed, and no other manager
 * keeps them. Server-side apply (server-side-apply.ts) reads it to find conflicts and fields to remove.
 */
import { jsonEqual, type KubeObject } from '@skiff/api';
import { nowTimestamp } from '../rest/object-fields.js';
import { diffFields } from './field-diff.js';
import { FieldSet, fieldSetOf, fieldsV1Of, isMissing, valueAt, type Scope } from './field-set.js';
import { UnsupportedFieldKey, fieldsV1With, fieldsV1Without } from './path-trie.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Who wrote an entry, how, and when: what a stored managedFields entry says besides its fields. */
interface EntryHeader {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
}

export interface ManagerEntry extends EntryHeader {
  fields: FieldSet;
}

/** The stored entries that name a manager (anything else a client wrote there is dropped), as headers plus `fields`. */
function storedEntries<T>(obj: KubeObject | undefined, fields: (e: ManagedFieldsEntry) => T): (EntryHeader & { fields: T })[] {
  const list = (obj?.metadata?.managedFields ?? []) as unknown as ManagedFieldsEntry[];
  if (!Array.isArray(list)) return [];
  return list
    .filter((e) => e && typeof e.manager === 'string')
    .map((e) => ({
      manager: e.manager,
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion,
      time: e.time,
      subresource: e.subresource || undefined,
      fields: fields(e),
    }));
}

export interface WriteManager {
  name: string;
  /** '' for the main resource, 'status', 'scale'... */
  subresource: string;
}

export function readManagedFields(obj: KubeObject | undefined): ManagerEntry[] {
  return storedEntries(obj, (e) => FieldSet.fromFieldsV1(e.fieldsV1));
}

export function writeManagedFields(obj: KubeObject, entries: ManagerEntry[]): void {
  const out: ManagedFieldsEntry[] = entries
    .filter((e) => e.fields.size > 0)
    .map((e) => {
      const m: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time, fieldsType: 'FieldsV1', fieldsV1: e.fields.toFieldsV1() };
      if (e.subresource) m.subresource = e.subresource;
      return m;
    });
  if (out.length) obj.metadata.managedFields = out as any;
  else delete obj.metadata.managedFields;
}

export function scopeOf(subresource: string, hasStatusSubresource: boolean): Scope {
  if (subresource === 'status') return 'status';
  return hasStatusSubresource ? 'main' : 'all';
}

/**
 * Records a non-apply write of `next` over `prev` (undefined for a create) by `who`, in `next`'s metadata. The
 * caller has established that the write changes something.
 */
export function trackUpdate(prev: KubeObject | undefined, next: KubeObject, who: WriteManager, scope: Scope): void {
  const sub = who.subresource || undefined;
  const prevEntries = (prev?.metadata?.managedFields ?? []) as unknown as ManagedFieldsEntry[];
  const onlyMine = prevEntries.every((e) => e.manager === who.name && e.operation === 'Update' && (e.subresource || undefined) === sub);
  if (onlyMine && scope !== 'status') {
    // The writer is the only manager: it owns every field there is, no diff needed.
    const entry: ManagedFieldsEntry = { manager: who.name, operation: 'Update', apiVersion: next.apiVersion ?? 'v1', time: nowTimestamp(), fieldsType: 'FieldsV1', fieldsV1: fieldsV1Of(next, scope) };
    if (sub) entry.subresource = sub;
    if (Object.keys(entry.fieldsV1).length) next.metadata.managedFields = [entry] as any;
    else delete next.metadata.managedFields;
    return;
  }
  if (prev && trackUpdateByTrie(prev, next, who, scope)) return;
  trackUpdateByPaths(prev, next, who, scope);
}

/** trackUpdate with every path of both objects listed and compared: the reference the trie way must match. */
export function trackUpdateByPaths(prev: KubeObject | undefined, next: KubeObject, who: WriteManager, scope: Scope): void {
  const sub = who.subresource || undefined;
  const before = prev ? fieldSetOf(prev, scope) : new FieldSet();
  const after = fieldSetOf(next, scope);
  const changed = new FieldSet();
  for (const p of after) {
    if (!before.has(p)) changed.add(p);
    else {
      const a = valueAt(prev, p);
      const b = valueAt(next, p);
      if (!isMissing(a) && !jsonEqual(a, b)) changed.add(p);
    }
  }
  const removed: string[][] = [];
  for (const p of before) if (!after.has(p)) removed.push(p);
  const entries = readManagedFields(prev);
  if (changed.size === 0 && removed.length === 0 && prev) {
    next.metadata.managedFields = prev.metadata.managedFields;
    return;
  }
  for (const e of entries) {
    for (const p of changed) e.fields.delete(p);
    for (const p of removed) e.fields.delete(p);
  }
  let mine = entries.find((e) => e.manager === who.name && e.operation === 'Update' && e.subresource === sub);
  if (!mine) {
    mine = { manager: who.name, operation: 'Update', apiVersion: next.apiVersion ?? 'v1', time: '', subresource: sub, fields: new FieldSet() };
    entries.push(mine);
  }
  for (const p of changed) mine.fields.add(p);
  mine.time = nowTimestamp();
  mine.apiVersion = next.apiVersion ?? mine.apiVersion;
  writeManagedFields(next, entries);
}

interface TrieEntry extends EntryHeader {
  /** FieldsV1 as it will be written (sorted, nothing but paths); undefined for no fields. */
  fields: Record<string, unknown> | undefined;
}

/**
 * trackUpdate on tries: the fields that changed from a side-by-side walk (field-diff.ts), taken out of every
 * entry's FieldsV1 and added to the writer's, as trackUpdateByPaths would write them. False (and nothing done)
 * when the objects or the entries hold what only the path way handles exactly.
 */
function trackUpdateByTrie(prev: KubeObject, next: KubeObject, who: WriteManager, scope: Scope): boolean {
  const diff = diffFields(prev, next, scope);
  if (!diff) return false;
  if (!diff.changed.hasPaths() && !diff.removed.hasPaths()) {
    next.metadata.managedFields = prev.metadata.managedFields;
    return true;
  }
  const sub = who.subresource || undefined;
  try {
    const entries: TrieEntry[] = storedEntries(prev, (e) => fieldsV1Without(e.fieldsV1, diff.changed, diff.removed));
    let mine = entries.find((e) => e.manager === who.name && e.operation === 'Update' && e.subresource === sub);
    if (!mine) {
      mine = { manager: who.name, operation: 'Update', apiVersion: next.apiVersion ?? 'v1', time: '', subresource: sub, fields: undefined };
      entries.push(mine);
    }
    mine.fields = fieldsV1With(mine.fields, diff.changed);
    mine.time = nowTimestamp();
    mine.apiVersion = next.apiVersion ?? mine.apiVersion;
    const out: ManagedFieldsEntry[] = [];
    for (const e of entries) {
      if (!e.fields) continue;
      const m: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time, fieldsType: 'FieldsV1', fieldsV1: e.fields };
      if (e.subresource) m.subresource = e.subresource;
      out.push(m);
    }
    if (out.length) next.metadata.managedFields = out as any;
    else delete next.metadata.managedFields;
    return true;
  } catch (e) {
    if (e instanceof UnsupportedFieldKey) return false;
    throw e;
  }
}

/** The manager name of a write without ?fieldManager: the client's program name, as the real server derives it. */
export function defaultManager(userAgent: string | undefined): string {
  const ua = (userAgent ?? 'unknown').split('/')[0]!.trim();
  return ua.slice(0, 128) || 'unknown';
}
