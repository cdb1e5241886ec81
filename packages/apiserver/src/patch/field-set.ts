/**
 * Sets of fields, as server-side apply tracks ownership. A field is a path of elements:
 *
 *   f:<name>            a field of a map                       f:spec, f:replicas
 *   k:<json of keys>    an item of a keyed list                k:{"name":"nginx"}
 *   v:<json value>      a member of a set (finalizers)         v:"example.com/f"
 *   .                   the list item itself (after its k:)
 *
 * and a set serializes to managedFields' FieldsV1 as a trie whose leaves are `{}`:
 *
 *   {"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{}}}}}}}
 */
import { isPlainObject, jsonEqual, type KubeObject } from '@skiff/api';
import { keyValue, listStrategy } from './list-strategy.js';

const SEP = '\u0001';

/** metadata fields that belong to the server, never to a manager. */
export const SERVER_METADATA: ReadonlySet<string> = new Set([
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName',
]);

export type Scope = 'main' | 'status' | 'all';

export class FieldSet {
  private readonly paths = new Map<string, string[]>();

  static of(paths: Iterable<string[]>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.add(p);
    return s;
  }

  get size(): number {
    return this.paths.size;
  }

  add(path: string[]): void {
    this.paths.set(path.join(SEP), path);
  }

  has(path: string[]): boolean {
    return this.paths.has(path.join(SEP));
  }

  delete(path: string[]): void {
    this.paths.delete(path.join(SEP));
  }

  *[Symbol.iterator](): Iterator<string[]> {
    yield* this.paths.values();
  }

  toFieldsV1(): Record<string, unknown> {
    const root: Record<string, any> = {};
    const sorted = [...this.paths.values()].sort((a, b) => (a.join(SEP) < b.join(SEP) ? -1 : 1));
    for (const p of sorted) {
      let node = root;
      for (const el of p) node = node[el] ??= {};
    }
    return root;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (node: unknown, path: string[]) => {
      if (!isPlainObject(node)) return;
      const keys = Object.keys(node);
      if (keys.length === 0 && path.length) s.add(path);
      for (const k of keys) walk(node[k], [...path, k]);
    };
    walk(v, []);
    return s;
  }
}

/** The path element of a keyed list's item: `k:` and the JSON of its key fields (defaults filled in). */
export function itemKey(item: Record<string, unknown>, keys: string[]): string {
  const k: Record<string, unknown> = {};
  for (const name of keys) {
    const v = keyValue(item, name);
    if (v !== undefined) k[name] = v;
  }
  return `k:${JSON.stringify(k)}`;
}

function walk(value: unknown, path: string[], names: string[], kind: string | undefined, out: FieldSet): void {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      if (path.length) out.add(path);
      return;
    }
    for (const k of keys) {
      if (value[k] === undefined) continue;
      walk(value[k], [...path, `f:${k}`], [...names, k], kind, out);
    }
    return;
  }
  if (Array.isArray(value)) {
    const strategy = listStrategy(names, kind);
    if (strategy.kind === 'atomic' || value.length === 0) {
      out.add(path);
      return;
    }
    if (strategy.kind === 'set') {
      for (const v of value) out.add([...path, `v:${JSON.stringify(v)}`]);
      return;
    }
    for (const item of value) {
      if (!isPlainObject(item)) {
        out.add(path);
        return;
      }
      const el = itemKey(item, strategy.keys);
      out.add([...path, el, '.']);
      for (const [k, v] of Object.entries(item)) {
        if (v === undefined) continue;
        walk(v, [...path, el, `f:${k}`], [...names, k], kind, out);
      }
    }
    return;
  }
  out.add(path);
}

/** The fields an object sets. `scope` 'main' leaves out status, 'status' keeps only status. */
export function fieldSetOf(obj: KubeObject, scope: Scope = 'all'): FieldSet {
  const out = new FieldSet();
  const kind = obj.kind;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if (scope === 'main' && k === 'status') continue;
    if (scope === 'status' && k !== 'status') continue;
    if (k === 'metadata') {
      for (const [mk, mv] of Object.entries(v ?? {})) {
        if (SERVER_METADATA.has(mk) || mv === undefined) continue;
        walk(mv, ['f:metadata', `f:${mk}`], ['metadata', mk], kind, out);
      }
      continue;
    }
    walk(v, [`f:${k}`], [k], kind, out);
  }
  return out;
}

const MISSING = Symbol('missing');

/** The value an object holds at `path`, or MISSING. For `.` the list item itself; for `v:` the member. */
export function valueAt(obj: unknown, path: string[]): unknown {
  let cur: any = obj;
  for (const el of path) {
    if (el === '.') return cur;
    if (el.startsWith('f:')) {
      if (!isPlainObject(cur) || !(el.slice(2) in cur)) return MISSING;
      cur = cur[el.slice(2)];
    } else if (el.startsWith('k:')) {
      if (!Array.isArray(cur)) return MISSING;
      const key = JSON.parse(el.slice(2)) as Record<string, unknown>;
      cur = cur.find((it) => isPlainObject(it) && Object.entries(key).every(([k, v]) => jsonEqual(keyValue(it, k), v)));
      if (cur === undefined) return MISSING;
    } else if (el.startsWith('v:')) {
      if (!Array.isArray(cur)) return MISSING;
      const v = JSON.parse(el.slice(2));
      return cur.some((x) => jsonEqual(x, v)) ? v : MISSING;
    }
  }
  return cur;
}

export function isMissing(v: unknown): boolean {
  return v === MISSING;
}

/** Removes the field at `path` from `obj` in place (a no-op when absent). */
export function removeAt(obj: unknown, path: string[]): void {
  if (path.length === 0) return;
  const last = path[path.length - 1]!;
  if (last === '.') {
    // The list item itself: drop it from its list.
    const listPath = path.slice(0, -2);
    const list = valueAt(obj, listPath);
    const item = valueAt(obj, path.slice(0, -1));
    if (Array.isArray(list) && !isMissing(item)) list.splice(list.indexOf(item), 1);
    return;
  }
  const parent = valueAt(obj, path.slice(0, -1));
  if (isMissing(parent)) return;
  if (last.startsWith('f:') && isPlainObject(parent)) delete parent[last.slice(2)];
  else if (last.startsWith('v:') && Array.isArray(parent)) {
    const v = JSON.parse(last.slice(2));
    const i = parent.findIndex((x) => jsonEqual(x, v));
    if (i >= 0) parent.splice(i, 1);
  }
}

/** `.spec.template.spec.containers[name="nginx"].image`, for conflict messages. */
export function describePath(path: string[]): string {
  let s = '';
  for (const el of path) {
    if (el === '.') continue;
    if (el.startsWith('f:')) s += `.${el.slice(2)}`;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, unknown>;
      s += `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    } else if (el.startsWith('v:')) s += `[=${el.slice(2)}]`;
  }
  return s;
}

type Trie = Record<string, any>;

/** "f:<name>" for each field name seen, kept: building the same few keys for every write is most of the work. */
const fieldKeys = new Map<string, string>();
const MAX_FIELD_KEYS = 10_000;

export function fieldKey(name: string): string {
  let k = fieldKeys.get(name);
  if (k === undefined) {
    k = `f:${name}`;
    if (fieldKeys.size >= MAX_FIELD_KEYS) fieldKeys.clear();
    fieldKeys.set(name, k);
  }
  return k;
}

/**
 * `names` is a stack of the field names above `value`; build pushes and pops it instead of copying. A map's
 * fields go into `into` when given (a list item's node, which holds "." already).
 */
function build(value: unknown, names: string[], kind: string | undefined, into?: Trie): Trie {
  if (isPlainObject(value)) {
    const node: Trie = into ?? {};
    for (const k in value) {
      const v = value[k];
      if (v === undefined) continue;
      names.push(k);
      node[fieldKey(k)] = build(v, names, kind);
      names.pop();
    }
    return node;
  }
  if (Array.isArray(value) && value.length) {
    const strategy = listStrategy(names, kind);
    if (strategy.kind === 'set') {
      const node: Trie = {};
      for (const v of value) node[`v:${JSON.stringify(v)}`] = {};
      return node;
    }
    if (strategy.kind === 'map' && value.every(isPlainObject)) {
      const node: Trie = {};
      for (const item of value as Record<string, unknown>[]) {
        // A repeated key keeps its first place and takes the last item's fields, as assigning a spread did.
        const el = itemKey(item, strategy.keys);
        node[el] = build(item, names, kind, { '.': {} });
      }
      return node;
    }
  }
  return {};
}

/**
 * The FieldsV1 of every field an object sets, built directly (no path list): what a manager owns when it is the
 * object's only manager, which makes the common write cheap. Same content as fieldSetOf(obj, scope).toFieldsV1().
 */
export function fieldsV1Of(obj: KubeObject, scope: Scope = 'all'): Record<string, unknown> {
  const root: Trie = {};
  const o = obj as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if (scope === 'main' && k === 'status') continue;
    if (scope === 'status' && k !== 'status') continue;
    if (k === 'metadata') {
      const meta: Trie = {};
      let any = false;
      const m = (v ?? {}) as Record<string, unknown>;
      for (const mk in m) {
        const mv = m[mk];
        if (SERVER_METADATA.has(mk) || mv === undefined) continue;
        meta[fieldKey(mk)] = build(mv, ['metadata', mk], obj.kind);
        any = true;
      }
      if (any) root['f:metadata'] = meta;
      continue;
    }
    root[fieldKey(k)] = build(v, [k], obj.kind);
  }
  return root;
}
