/**
 * RFC 6902 JSON Patch: add, remove, replace, move, copy, test over RFC 6901 pointers
 * ("/spec/containers/0/image"; "~1" is "/", "~0" is "~"; "-" appends to an array).
 */
import { isPlainObject, jsonEqual } from '@skiff/api';
import { malformedPatch, unappliablePatch } from './patch-errors.js';

type Json = any;

function parsePointer(p: unknown): string[] {
  if (typeof p !== 'string') throw malformedPatch('json patch: "path" must be a string');
  if (p === '') return [];
  if (!p.startsWith('/')) throw malformedPatch(`json patch: invalid pointer "${p}": must start with "/"`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(arr: Json[], token: string, forInsert: boolean, path: string): number {
  if (token === '-' && forInsert) return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw unappliablePatch(`json patch: invalid array index "${token}" in "${path}"`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length)) throw unappliablePatch(`json patch: index ${i} out of bounds in "${path}"`);
  return i;
}

/** The container of the pointer's last token, and that token. */
function parentOf(doc: Json, tokens: string[], path: string): { parent: Json; key: string } {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)];
    else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw unappliablePatch(`json patch: path "${path}" does not exist: missing "${t}"`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw unappliablePatch(`json patch: path "${path}" does not exist`);
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function get(doc: Json, tokens: string[], path: string): Json {
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false, path)];
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw unappliablePatch(`json patch: path "${path}" does not exist`);
  return parent[key];
}

function add(doc: Json, tokens: string[], value: Json, path: string): Json {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: Json, tokens: string[], path: string): Json {
  if (tokens.length === 0) throw unappliablePatch('json patch: cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw unappliablePatch(`json patch: remove of missing path "${path}"`);
    delete parent[key];
  }
  return doc;
}

/** Applies `ops` to a copy of `doc`. */
export function applyJsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw malformedPatch('json patch: the patch must be a JSON array of operations');
  let out = structuredClone(doc);
  for (const op of ops) {
    if (!isPlainObject(op)) throw malformedPatch('json patch: each operation must be an object');
    const path = op.path as string;
    const tokens = parsePointer(path);
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw malformedPatch('json patch: "add" needs a "value"');
        out = add(out, tokens, structuredClone(op.value), path);
        break;
      case 'remove':
        out = remove(out, tokens, path);
        break;
      case 'replace':
        if (!('value' in op)) throw malformedPatch('json patch: "replace" needs a "value"');
        get(out, tokens, path);
        if (tokens.length === 0) out = structuredClone(op.value);
        else out = add(remove(out, tokens, path), tokens, structuredClone(op.value), path);
        break;
      case 'move': {
        const from = parsePointer(op.from);
        if (path.startsWith(`${op.from}/`)) throw unappliablePatch('json patch: cannot move a value into itself');
        const v = get(out, from, op.from);
        out = add(remove(out, from, op.from), tokens, v, path);
        break;
      }
      case 'copy': {
        const v = get(out, parsePointer(op.from), op.from);
        out = add(out, tokens, structuredClone(v), path);
        break;
      }
      case 'test':
        if (!jsonEqual(get(out, tokens, path), op.value)) throw unappliablePatch(`json patch: test failed at "${path}"`);
        break;
      default:
        throw malformedPatch(`json patch: unknown operation ${JSON.stringify(op.op)}`);
    }
  }
  return out;
}
