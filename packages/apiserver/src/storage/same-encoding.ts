/**
 * Whether two objects would be stored as the same bytes, managedFields aside, found by walking both side by side
 * instead of encoding both (object-codec.ts encodeObject) and comparing: an update's no-op check, which used to
 * cost two encodings of the object on every write. The walk stops at the first difference.
 *
 * "The same bytes" is JSON's notion, exactly: key order matters, members whose value JSON leaves out (undefined,
 * functions) do not exist, an array's such items are null, as are NaN and the infinities, -0 is 0. Values whose
 * JSON cannot be told without writing it (anything with toJSON, class instances, BigInt) make the answer
 * undefined: the caller encodes.
 */
import type { KubeObject } from '@skiff/api';

class CannotTell extends Error {}

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** Keys of `o` as a for-in walk gives them (encodeObject walks the top level and metadata that way). */
function forInKeys(o: object): string[] {
  const keys: string[] = [];
  for (const k in o) keys.push(k);
  return keys;
}

/** The keys of `o` among `keys` whose values JSON keeps, `skip` aside. */
function kept(o: Record<string, unknown>, keys: string[], skip?: (k: string) => boolean): string[] {
  const out: string[] = [];
  for (const k of keys) if (!(skip && skip(k)) && !omitted(o[k])) out.push(k);
  return out;
}

/**
 * Same JSON members: the keys whose values JSON keeps, in order, with the same JSON values; `skip` aside. Values
 * are compared last member first: an update mostly changes what comes last (status, a spec field it appends).
 */
function sameMembers(a: Record<string, unknown>, ak: string[], b: Record<string, unknown>, bk: string[], skip?: (k: string) => boolean): boolean {
  const x = kept(a, ak, skip);
  const y = kept(b, bk, skip);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  for (let i = x.length - 1; i >= 0; i--) if (!sameValue(a[x[i]!], b[x[i]!])) return false;
  return true;
}

/** JSON.stringify(a) === JSON.stringify(b), for values JSON keeps. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b && (typeof a !== 'object' || a === null)) return typeof a !== 'bigint' || cannotTell();
  const ao = typeof a === 'object' && a !== null;
  const bo = typeof b === 'object' && b !== null;
  if (ao || bo) {
    if (!ao || !bo) {
      // An object against anything else: different text, unless the object is one JSON writes otherwise.
      if (typeof (ao ? a : b) === 'object') plainOrThrow((ao ? a : b) as object);
      if (typeof (ao ? b : a) === 'bigint') cannotTell();
      return false;
    }
    plainOrThrow(a as object);
    plainOrThrow(b as object);
    const aa = Array.isArray(a);
    if (aa !== Array.isArray(b)) return false;
    if (aa) {
      const x = a as unknown[];
      const y = b as unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) {
        const p = omitted(x[i]) ? null : x[i];
        const q = omitted(y[i]) ? null : y[i];
        if (!sameValue(p, q)) return false;
      }
      return true;
    }
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    return sameMembers(x, Object.keys(x), y, Object.keys(y));
  }
  return scalarToken(a) === scalarToken(b);
}

const NULL = Symbol('null');

/** A scalar as its JSON text tells it: the scalar itself (-0 and 0 are ===), or NULL for what JSON writes as null. */
function scalarToken(v: unknown): unknown {
  if (v === null) return NULL;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : NULL;
    case 'string':
    case 'boolean':
      return v;
    default:
      return cannotTell();
  }
}

function plainOrThrow(o: object): void {
  if (Array.isArray(o)) return;
  const proto = Object.getPrototypeOf(o);
  if ((proto !== Object.prototype && proto !== null) || typeof (o as { toJSON?: unknown }).toJSON === 'function') cannotTell();
}

function cannotTell(): never {
  throw new CannotTell();
}

const skipMetadata = (k: string) => k === 'resourceVersion' || k === 'managedFields';
const skipTop = (k: string) => k === 'apiVersion' || k === 'kind' || k === 'metadata';

/**
 * Whether encodeObject would write `a` and `b` alike once metadata.managedFields is left out of both; undefined
 * when a value's JSON cannot be told without writing it.
 */
export function sameEncodingIgnoringManagedFields(a: KubeObject, b: KubeObject): boolean | undefined {
  try {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const k of ['apiVersion', 'kind']) {
      const p = x[k];
      const q = y[k];
      if (omitted(p) !== omitted(q) || (!omitted(p) && !sameValue(p, q))) return false;
    }
    // After metadata come the members an update changes most (spec, status): those are compared first.
    if (!sameMembers(x, forInKeys(x), y, forInKeys(y), skipTop)) return false;
    // encodeObject writes metadata as a fresh object of its members (the top level and metadata walked for-in).
    const am = (x.metadata ?? {}) as Record<string, unknown>;
    const bm = (y.metadata ?? {}) as Record<string, unknown>;
    return sameMembers(am, forInKeys(am), bm, forInKeys(bm), skipMetadata);
  } catch (e) {
    if (e instanceof CannotTell) return undefined;
    throw e;
  }
}
