/**
 * Strategic merge patch: a JSON merge patch in which lists with a merge key merge item by item, sets merge as
 * unions, and these directives steer the merge:
 *
 *   {"$patch": "replace"}            in a map: the map replaces the original; as a list item: the list replaces it
 *   {"$patch": "delete"}             in a map: delete the map; in a keyed list item: delete that item
 *   {"$retainKeys": ["a","b"]}       after merging, drop keys of the map not listed
 *   {"$setElementOrder/containers": [{"name":"b"},{"name":"a"}]}   final order of a merged list
 *   {"$deleteFromPrimitiveList/finalizers": ["x"]}                 remove values from a set
 *
 *   original {"containers":[{"name":"a","image":"1"},{"name":"b","image":"1"}]}
 *   patch    {"containers":[{"name":"b","image":"2"},{"name":"a","$patch":"delete"}]}
 *   result   {"containers":[{"name":"b","image":"2"}]}
 */
import { isPlainObject, jsonEqual } from '@skiff/api';
import { listStrategy } from './list-strategy.js';
import { malformedPatch } from './patch-errors.js';

type Json = any;

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** Applies `patch` to `original` (neither is modified). `kind` selects kind-specific list strategies. */
export function applyStrategicMergePatch(original: Json, patch: Json, kind?: string): Json {
  if (!isPlainObject(patch)) throw malformedPatch('strategic merge patch: the patch must be a JSON object');
  const out = mergeMap(isPlainObject(original) ? original : {}, patch, [], kind);
  return out === DELETED ? {} : out;
}

const DELETED = Symbol('deleted');

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isPlainObject(x) && x.$patch !== undefined && Object.keys(x).length === 1)).map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM)) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeMap(original: Record<string, Json>, patch: Record<string, Json>, path: string[], kind?: string): Record<string, Json> | typeof DELETED {
  const directive = patch.$patch;
  if (directive === 'delete') return DELETED;
  if (directive === 'replace') return stripDirectives(patch);
  if (directive !== undefined && directive !== 'merge') throw malformedPatch(`strategic merge patch: unknown $patch directive ${JSON.stringify(directive)}`);
  const out: Record<string, Json> = { ...original };
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith(SET_ORDER)) {
      if (!Array.isArray(v)) throw malformedPatch(`strategic merge patch: ${k} must be a list`);
      orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      if (!Array.isArray(v)) throw malformedPatch(`strategic merge patch: ${k} must be a list`);
      if (Array.isArray(out[field])) out[field] = out[field].filter((x: Json) => !v.some((d) => jsonEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const childPath = [...path, k];
    if (isPlainObject(v)) {
      const merged = mergeMap(isPlainObject(out[k]) ? out[k] : {}, v, childPath, kind);
      if (merged === DELETED) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(out[k]) ? out[k] : [], v, childPath, kind);
    } else out[k] = v;
  }
  for (const [field, order] of orders) {
    if (Array.isArray(out[field])) out[field] = applyOrder(out[field], order, [...path, field], kind);
  }
  if (patch.$retainKeys !== undefined) {
    if (!Array.isArray(patch.$retainKeys)) throw malformedPatch('strategic merge patch: $retainKeys must be a list');
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], path: string[], kind?: string): Json[] {
  const strategy = listStrategy(path, kind);
  const replace = patch.some((x) => isPlainObject(x) && x.$patch === 'replace');
  if (replace) return stripDirectives(patch);
  if (strategy.kind === 'atomic') return stripDirectives(patch);
  if (strategy.kind === 'set') {
    const out = [...original];
    for (const v of patch) if (!out.some((x) => jsonEqual(x, v))) out.push(v);
    return out;
  }
  const key = strategy.keys[0]!;
  const out: Json[] = original.map((x) => x);
  for (const item of patch) {
    if (!isPlainObject(item)) throw malformedPatch(`strategic merge patch: items of ${path.join('.')} must be objects with "${key}"`);
    const at = out.findIndex((x) => isPlainObject(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) {
      const merged = mergeMap(out[at], item, path, kind);
      if (merged === DELETED) out.splice(at, 1);
      else out[at] = merged;
    } else out.push(stripDirectives(item));
  }
  return out;
}

/** Orders a merged list as `$setElementOrder` says; items it does not name keep their relative order at the end. */
function applyOrder(list: Json[], order: Json[], path: string[], kind?: string): Json[] {
  const strategy = listStrategy(path, kind);
  const keyOf = (x: Json) => (strategy.kind === 'map' && isPlainObject(x) ? x[strategy.keys[0]!] : x);
  const rank = new Map<unknown, number>();
  order.forEach((o, i) => rank.set(keyOf(o), i));
  return [...list].sort((a, b) => (rank.get(keyOf(a)) ?? order.length) - (rank.get(keyOf(b)) ?? order.length));
}
