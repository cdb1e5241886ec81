/**
 * Server-side apply (`application/apply-patch+yaml`, `kubectl apply --server-side`): the request carries the
 * manager's whole intent for the object. Applying it:
 *
 *  1. finds conflicts: fields the intent sets to a different value than the live one while another manager
 *     owns them (409 with one FieldManagerConflict cause per field, unless force=true takes them over);
 *  2. removes fields this manager applied before, no longer sets, and nobody else owns;
 *  3. merges the intent into the live object (keyed lists by their keys, sets as unions, the rest replaced);
 *  4. records the manager as owning exactly the fields of its intent.
 */
import { StatusError, isPlainObject, jsonEqual, type KubeObject, type StatusCause } from '@skiff/api';
import { nowTimestamp } from '../rest/object-fields.js';
import { FieldSet, describePath, fieldSetOf, isMissing, removeAt, valueAt, type Scope } from './field-set.js';
import { keyValue, listStrategy } from './list-strategy.js';
import { readManagedFields, writeManagedFields, type ManagerEntry } from './managed-fields.js';
import { malformedPatch } from './patch-errors.js';

export interface ApplyRequest {
  manager: string;
  subresource: string;
  force: boolean;
  scope: Scope;
}

function mergeValue(live: unknown, intent: unknown, names: string[], kind: string | undefined): unknown {
  if (isPlainObject(intent)) {
    const out: Record<string, unknown> = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(intent)) {
      if (v === null || v === undefined) continue;
      out[k] = mergeValue(out[k], v, [...names, k], kind);
    }
    return out;
  }
  if (Array.isArray(intent)) {
    const strategy = listStrategy(names, kind);
    if (strategy.kind === 'atomic' || !Array.isArray(live)) return structuredClone(intent);
    if (strategy.kind === 'set') {
      const out = [...live];
      for (const v of intent) if (!out.some((x) => jsonEqual(x, v))) out.push(v);
      return out;
    }
    const same = (a: any, b: any) => isPlainObject(a) && isPlainObject(b) && strategy.keys.every((k) => jsonEqual(keyValue(a, k), keyValue(b, k)));
    const out = [...live];
    for (const item of intent) {
      const at = out.findIndex((x) => same(x, item));
      if (at >= 0) out[at] = mergeValue(out[at], item, names, kind);
      else out.push(structuredClone(item));
    }
    return out;
  }
  return intent;
}

/** The object after applying `intent` over `live` (undefined when creating), with managedFields updated. */
export function serverSideApply(live: KubeObject | undefined, intent: KubeObject, req: ApplyRequest): KubeObject {
  if (!isPlainObject(intent)) throw malformedPatch('apply: the body must be an object');
  const base: KubeObject = live ? structuredClone(live) : { apiVersion: intent.apiVersion, kind: intent.kind, metadata: {} };
  const kind = intent.kind ?? base.kind;
  const wanted = fieldSetOf({ ...intent, kind }, req.scope);
  const entries: ManagerEntry[] = readManagedFields(live);
  const sub = req.subresource || undefined;
  const conflicts: { manager: string; path: string[] }[] = [];
  for (const e of entries) {
    if (e.manager === req.manager && e.operation === 'Apply' && e.subresource === sub) continue;
    for (const p of wanted) {
      if (p[p.length - 1] === '.' || !e.fields.has(p)) continue;
      const cur = valueAt(base, p);
      if (!isMissing(cur) && !jsonEqual(cur, valueAt(intent, p))) conflicts.push({ manager: e.manager, path: p });
    }
  }
  if (conflicts.length && !req.force) {
    const causes: StatusCause[] = conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.manager}"`,
      field: describePath(c.path),
    }));
    const lines = conflicts.map((c) => `conflict with "${c.manager}": ${describePath(c.path)}`);
    const msg = `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${lines.join('\n')}`;
    throw new StatusError('Conflict', msg, { causes }, 409);
  }
  for (const c of conflicts) entries.find((e) => e.manager === c.manager)?.fields.delete(c.path);

  let mine = entries.find((e) => e.manager === req.manager && e.operation === 'Apply' && e.subresource === sub);
  if (mine) {
    // Drop what this manager applied before and no longer wants, unless someone else also owns it.
    for (const p of mine.fields) {
      if (wanted.has(p)) continue;
      if (entries.some((e) => e !== mine && e.fields.has(p))) continue;
      removeAt(base, p);
    }
  }
  const merged = mergeValue(base, intent, [], kind) as KubeObject;
  if (live) merged.metadata = { ...merged.metadata, managedFields: live.metadata.managedFields };
  if (!mine) {
    mine = { manager: req.manager, operation: 'Apply', apiVersion: intent.apiVersion ?? 'v1', time: '', subresource: sub, fields: new FieldSet() };
    entries.push(mine);
  }
  mine.fields = wanted;
  mine.time = nowTimestamp();
  mine.apiVersion = intent.apiVersion ?? mine.apiVersion;
  // Fields the intent sets are this manager's; shared ownership stays only where values agree (no conflict).
  writeManagedFields(merged, entries);
  return merged;
}
