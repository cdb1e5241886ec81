/**
 * Sets of field paths (see field-set.ts) for the write path's managedFields bookkeeping: PathTrie holds the
 * fields an update changed or removed (field-diff.ts), and the FieldsV1 of each manager is taken apart and put
 * together against it directly (fieldsV1Without, fieldsV1With), without the per-path strings and sort of
 * FieldSet. Most of an entry's FieldsV1 is untouched by one update and already in order: those parts are kept.
 *
 * The FieldsV1 written is the one FieldSet.toFieldsV1 writes: keys sorted at every level. FieldSet sorts whole
 * paths joined by \u0001; that equals sorting each level's keys on its own as long as no key holds \u0000 or
 * \u0001, so such keys (and "__proto__", which a plain object cannot hold as a key by assignment) are refused:
 * the caller then takes the FieldSet way.
 */
import { isPlainObject } from '@skiff/api';

/** Thrown when a key cannot be handled exactly here; the caller falls back to FieldSet. */
export class UnsupportedFieldKey extends Error {
  constructor(readonly key: string) {
    super(`field key not supported by the path trie: ${JSON.stringify(key)}`);
  }
}

// eslint-disable-next-line no-control-regex
const SORT_BREAKING = /[\u0000\u0001]/;

/** Keys found safe, kept: FieldsV1 holds the same few hundred keys over and over. */
const safeKeys = new Set<string>();
const MAX_SAFE_KEYS = 10_000;

/** Whether `key` sorts the same per level as FieldSet sorts it by whole paths (and may be an object key). */
export function isTrieSafeKey(key: string): boolean {
  if (safeKeys.has(key)) return true;
  if (key === '__proto__' || SORT_BREAKING.test(key)) return false;
  if (safeKeys.size >= MAX_SAFE_KEYS) safeKeys.clear();
  safeKeys.add(key);
  return true;
}

export class PathTrie {
  /** This node's own path is in the set (besides any paths below it). */
  leaf = false;
  private kids: Map<string, PathTrie> | undefined;

  child(key: string): PathTrie {
    const kids = (this.kids ??= new Map());
    let c = kids.get(key);
    if (!c) kids.set(key, (c = new PathTrie()));
    return c;
  }

  get(key: string): PathTrie | undefined {
    return this.kids?.get(key);
  }

  /** Adds the path `keys` (from this node). */
  mark(keys: readonly string[]): void {
    let node: PathTrie = this;
    for (const k of keys) node = node.child(k);
    node.leaf = true;
  }

  /** Removes the path `keys` itself (paths below it stay). */
  unmark(keys: readonly string[]): void {
    let node: PathTrie | undefined = this;
    for (const k of keys) {
      node = node.get(k);
      if (!node) return;
    }
    node.leaf = false;
  }

  /** Whether the set holds any path at or below this node. */
  hasPaths(): boolean {
    if (this.leaf) return true;
    if (this.kids) for (const c of this.kids.values()) if (c.hasPaths()) return true;
    return false;
  }

  /** Keys of the nodes right below this one. */
  keys(): IterableIterator<string> | readonly string[] {
    return this.kids?.keys() ?? [];
  }
}

/**
 * A FieldsV1 (leaves are empty objects; anything not an object holds no paths) less the paths in `minusA` and
 * `minusB`, as FieldSet.toFieldsV1 writes it: keys sorted at every level, nothing but paths. Parts already so and
 * untouched are kept as they are (not copied). Undefined when no path is left.
 */
export function fieldsV1Without(v: unknown, minusA?: PathTrie, minusB?: PathTrie): Record<string, unknown> | undefined {
  if (!isPlainObject(v)) return undefined;
  return without(v, minusA, minusB, true);
}

function without(node: Record<string, unknown>, a: PathTrie | undefined, b: PathTrie | undefined, root: boolean): Record<string, unknown> | undefined {
  const keys = Object.keys(node);
  if (keys.length === 0) return root || a?.leaf || b?.leaf ? undefined : node;
  let sorted = true;
  // What each key keeps, recorded only from the first key whose part changes (before it, each kept its own).
  let kept: (Record<string, unknown> | undefined)[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!isTrieSafeKey(k)) throw new UnsupportedFieldKey(k);
    if (i > 0 && !(keys[i - 1]! < k)) sorted = false;
    const v = node[k];
    const r = isPlainObject(v) ? without(v, a?.get(k), b?.get(k), false) : undefined;
    if ((r !== v || r === undefined) && !kept) {
      kept = new Array(keys.length);
      for (let j = 0; j < i; j++) kept[j] = node[keys[j]!] as Record<string, unknown>;
    }
    if (kept) kept[i] = r;
  }
  if (!kept && sorted) return node;
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((x, y) => (keys[x]! < keys[y]! ? -1 : 1));
  let out: Record<string, unknown> | undefined;
  for (const i of order) {
    const r = kept ? kept[i] : (node[keys[i]!] as Record<string, unknown>);
    if (r) (out ??= {})[keys[i]!] = r;
  }
  return out;
}

/**
 * The union of a FieldsV1 as fieldsV1Without returns it (sorted, nothing but paths; undefined for none) and the
 * paths of `add`, written the same way. Undefined when both are empty.
 */
export function fieldsV1With(v: Record<string, unknown> | undefined, add: PathTrie): Record<string, unknown> | undefined {
  return withPaths(v, add, true);
}

function withPaths(node: Record<string, unknown> | undefined, t: PathTrie | undefined, root: boolean): Record<string, unknown> | undefined {
  if (!t) return node;
  // Both key lists sorted (node's already is: fieldsV1Without wrote it), then merged.
  const mine = node ? Object.keys(node) : [];
  const added = [...t.keys()].sort();
  let out: Record<string, unknown> | undefined;
  let i = 0;
  let j = 0;
  while (i < mine.length || j < added.length) {
    const a = mine[i];
    const b = added[j];
    let k: string;
    if (b === undefined || (a !== undefined && a < b)) {
      k = a!;
      i++;
    } else {
      k = b;
      j++;
      if (a === b) i++;
    }
    const r = withPaths(node?.[k] as Record<string, unknown> | undefined, t.get(k), false);
    if (r) (out ??= {})[k] = r;
  }
  if (out) return out;
  const leaf = (!root && node !== undefined) || t.leaf;
  return leaf ? {} : undefined;
}
