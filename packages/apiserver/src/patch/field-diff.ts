/**
 * The fields an update changes, found by walking the old and new objects side by side: the same answer as
 * comparing fieldSetOf(prev) with fieldSetOf(next) path by path through valueAt (managed-fields.ts, the FieldSet
 * way), without building and looking up every path of both objects. Keyed list items that are the same on both
 * sides (most of them, in most writes) are skipped whole.
 *
 *   changed  paths `next` sets that `prev` does not, or sets to a different value (jsonEqual)
 *   removed  paths `prev` sets that `next` does not
 *
 * Walking side by side pairs keyed list items by key. valueAt pairs a path's item with the first item whose keys
 * match, which is the same pairing only when every item of both lists has all its key fields, as plain values,
 * and no key repeats; for any other list (and set members that are not plain values) diffFields answers
 * undefined and the caller takes the FieldSet way.
 */
import { isPlainObject, jsonEqual, type KubeObject } from '@skiff/api';
import { SERVER_METADATA, itemKey, type Scope } from './field-set.js';
import { keyValue, listStrategy } from './list-strategy.js';
import { PathTrie, UnsupportedFieldKey, isTrieSafeKey } from './path-trie.js';

export interface FieldDiff {
  changed: PathTrie;
  removed: PathTrie;
}

/** A list whose items valueAt would not pair by key alone (see the file comment). */
class AmbiguousList extends Error {}

/** "f:<name>" for field names seen before; null for names the path trie cannot hold. */
const fieldKeys = new Map<string, string | null>();
const MAX_FIELD_KEYS = 10_000;

function fieldKey(name: string): string {
  let k = fieldKeys.get(name);
  if (k === undefined) {
    const key = `f:${name}`;
    k = isTrieSafeKey(key) ? key : null;
    if (fieldKeys.size >= MAX_FIELD_KEYS) fieldKeys.clear();
    fieldKeys.set(name, k);
  }
  if (k === null) throw new UnsupportedFieldKey(`f:${name}`);
  return k;
}

function ownDefined(o: Record<string, unknown>, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Same JSON text: equal values with keys in the same order. Implies jsonEqual. */
export function identical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!identical(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !identical((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function isPlainScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
}

/** The changed and removed fields of an update in `scope`, or undefined when only the FieldSet way can tell. */
export function diffFields(prev: KubeObject, next: KubeObject, scope: Scope): FieldDiff | undefined {
  if (prev.kind !== next.kind) return undefined;
  const d = new Differ(next.kind);
  try {
    d.top(prev as Record<string, unknown>, next as Record<string, unknown>, scope);
  } catch (e) {
    if (e instanceof AmbiguousList || e instanceof UnsupportedFieldKey) return undefined;
    throw e;
  }
  return { changed: d.changed, removed: d.removed };
}

class Differ {
  readonly changed = new PathTrie();
  readonly removed = new PathTrie();
  /** The current path (trie keys) and the field names along it (for listStrategy); pushed and popped. */
  private readonly path: string[] = [];
  private readonly names: string[] = [];

  constructor(private readonly kind: string | undefined) {}

  top(prev: Record<string, unknown>, next: Record<string, unknown>, scope: Scope): void {
    const skip = (k: string) => k === 'apiVersion' || k === 'kind' || (scope === 'main' && k === 'status') || (scope === 'status' && k !== 'status');
    const pm = skip('metadata') ? undefined : ownDefined(prev, 'metadata');
    const nm = skip('metadata') ? undefined : ownDefined(next, 'metadata');
    if (pm !== undefined || nm !== undefined) {
      if ((pm !== undefined && !isPlainObject(pm)) || (nm !== undefined && !isPlainObject(nm))) throw new AmbiguousList();
      // metadata itself is never a field: its fields are, less those the server owns.
      this.path.push('f:metadata');
      this.names.push('metadata');
      this.fields(pm as Record<string, unknown> | undefined, nm as Record<string, unknown> | undefined, (k) => SERVER_METADATA.has(k));
      this.pop();
    }
    this.fields(prev, next, (k) => k === 'metadata' || skip(k));
  }

  private push(name: string): void {
    this.path.push(fieldKey(name));
    this.names.push(name);
  }

  private pop(): void {
    this.path.pop();
    this.names.pop();
  }

  /** The fields of two maps (either may be absent), as walk() takes them: keys whose value is undefined are not set. */
  private fields(p: Record<string, unknown> | undefined, n: Record<string, unknown> | undefined, skip?: (k: string) => boolean): void {
    if (n) {
      for (const k of Object.keys(n)) {
        const nv = n[k];
        if (nv === undefined || skip?.(k)) continue;
        this.push(k);
        const pv = p ? ownDefined(p, k) : undefined;
        if (pv === undefined) this.addAll(nv, this.changed);
        else this.value(pv, nv);
        this.pop();
      }
    }
    if (p) {
      for (const k of Object.keys(p)) {
        const pv = p[k];
        if (pv === undefined || skip?.(k) || (n && ownDefined(n, k) !== undefined)) continue;
        this.push(k);
        this.addAll(pv, this.removed);
        this.pop();
      }
    }
  }

  /** Both sides set the current path. */
  private value(p: unknown, n: unknown): void {
    if (p === n) return;
    if (isPlainObject(n)) {
      if (!isPlainObject(p)) return this.replace(p, n);
      const nEmpty = Object.keys(n).length === 0;
      const pEmpty = Object.keys(p).length === 0;
      if (nEmpty && pEmpty) return;
      if (nEmpty || pEmpty) return this.replace(p, n);
      return this.fields(p, n);
    }
    if (Array.isArray(n)) {
      if (!Array.isArray(p)) return this.replace(p, n);
      return this.list(p, n);
    }
    if (isPlainObject(p) || Array.isArray(p)) return this.replace(p, n);
    if (!jsonEqual(p, n)) this.changed.mark(this.path);
  }

  private list(p: unknown[], n: unknown[]): void {
    // Most lists an update carries are as they were: nothing below them changed, whatever their strategy.
    if (identical(p, n)) return;
    const strategy = listStrategy(this.names, this.kind);
    if (strategy.kind === 'atomic') {
      if (!jsonEqual(p, n)) this.changed.mark(this.path);
      return;
    }
    if (p.length === 0 || n.length === 0) {
      if (p.length !== n.length) this.replace(p, n);
      return;
    }
    if (strategy.kind === 'set') return this.set(p, n);
    this.keyed(p, n, strategy.keys);
  }

  private set(p: unknown[], n: unknown[]): void {
    const member = (v: unknown) => {
      if (!isPlainScalar(v)) throw new AmbiguousList();
      return `v:${JSON.stringify(v)}`;
    };
    const before = new Set(p.map(member));
    const after = new Set(n.map(member));
    for (const m of after) if (!before.has(m)) this.markBelow(this.changed, m);
    for (const m of before) if (!after.has(m)) this.markBelow(this.removed, m);
  }

  private keyed(p: unknown[], n: unknown[], keys: string[]): void {
    const before = byKey(p, keys);
    const after = byKey(n, keys);
    for (const [el, ni] of after) {
      const pi = before.get(el);
      this.path.push(el);
      if (!pi) this.addItem(ni, this.changed);
      else if (!identical(pi, ni)) {
        if (!jsonEqual(pi, ni)) this.markBelow(this.changed, '.');
        this.fields(pi, ni);
      }
      this.path.pop();
    }
    for (const [el, pi] of before) {
      if (after.has(el)) continue;
      this.path.push(el);
      this.addItem(pi, this.removed);
      this.path.pop();
    }
  }

  /**
   * Paths on one side only, where the other side sets the current path to something without any path in common
   * but (maybe) the current path itself: all of `n`'s are changed, `p`'s removed; a current path on both sides
   * is changed unless the values are equal.
   */
  private replace(p: unknown, n: unknown): void {
    this.addAll(n, this.changed);
    this.addAll(p, this.removed);
    if (this.selfLeaf(p) && this.selfLeaf(n)) {
      this.removed.unmark(this.path);
      if (jsonEqual(p, n)) this.changed.unmark(this.path);
    }
  }

  /** Whether walk() gives `v` the current path itself. */
  private selfLeaf(v: unknown): boolean {
    if (isPlainObject(v)) return Object.keys(v).length === 0;
    if (Array.isArray(v)) {
      const strategy = listStrategy(this.names, this.kind);
      if (strategy.kind === 'atomic' || v.length === 0) return true;
      if (strategy.kind === 'set') return false;
      return v.some((item) => !isPlainObject(item));
    }
    return true;
  }

  private markBelow(trie: PathTrie, key: string): void {
    this.path.push(key);
    trie.mark(this.path);
    this.path.pop();
  }

  /** Every path of `v` at the current path, into `trie`: field-set.ts walk(), exactly. */
  private addAll(v: unknown, trie: PathTrie): void {
    if (isPlainObject(v)) {
      const ks = Object.keys(v);
      if (ks.length === 0) {
        trie.mark(this.path);
        return;
      }
      for (const k of ks) {
        const c = v[k];
        if (c === undefined) continue;
        this.push(k);
        this.addAll(c, trie);
        this.pop();
      }
      return;
    }
    if (Array.isArray(v)) {
      const strategy = listStrategy(this.names, this.kind);
      if (strategy.kind === 'atomic' || v.length === 0) {
        trie.mark(this.path);
        return;
      }
      if (strategy.kind === 'set') {
        for (const m of v) this.markBelow(trie, `v:${JSON.stringify(m)}`);
        return;
      }
      for (const item of v) {
        if (!isPlainObject(item)) {
          trie.mark(this.path);
          return;
        }
        this.path.push(itemKey(item, strategy.keys));
        this.addItem(item, trie);
        this.path.pop();
      }
      return;
    }
    trie.mark(this.path);
  }

  /** A keyed list item (the current path ends with its key): the item itself, then its fields. */
  private addItem(item: Record<string, unknown>, trie: PathTrie): void {
    this.markBelow(trie, '.');
    for (const k of Object.keys(item)) {
      const c = item[k];
      if (c === undefined) continue;
      this.push(k);
      this.addAll(c, trie);
      this.pop();
    }
  }
}

/** A keyed list's items by their path element; AmbiguousList unless each item has its own, complete key. */
function byKey(list: unknown[], keys: string[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const item of list) {
    if (!isPlainObject(item)) throw new AmbiguousList();
    for (const k of keys) if (!isPlainScalar(keyValue(item, k))) throw new AmbiguousList();
    const el = itemKey(item, keys);
    if (out.has(el)) throw new AmbiguousList();
    out.set(el, item);
  }
  return out;
}
