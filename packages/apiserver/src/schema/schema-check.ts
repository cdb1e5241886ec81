/**
 * Checks a request body against the kind's model, as decoding into the real server's Go types does: a value of
 * the wrong JSON type is a 400, and fields the kind does not have are dropped (they cannot be stored). With
 * fieldValidation=Strict an unknown field is a 400 instead; with Warn (the default) it comes back as a warning.
 */
import { badRequest, isPlainObject, type KubeObject, type ResourceDefinition } from '@skiff/api';
import { attributeMap, classOfKind } from './models.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A model type string that is not a primitive, taken apart once: `Array<X>`, `{ [key: string]: X; }` or a class. */
type Composite = { kind: 'array'; item: string } | { kind: 'map'; item: string } | { kind: 'class' };
const composites = new Map<string, Composite>();

function compositeOf(type: string): Composite {
  let c = composites.get(type);
  if (!c) {
    const arr = /^Array<(.+)>$/.exec(type);
    const map = arr ? null : /^\{ \[key: string\]: (.+); \}$/.exec(type);
    c = arr ? { kind: 'array', item: arr[1]! } : map ? { kind: 'map', item: map[1]! } : { kind: 'class' };
    composites.set(type, c);
  }
  return c;
}

class Checker {
  readonly unknown: string[] = [];

  constructor(private readonly what: string) {}

  private fail(path: string, expected: string, v: unknown): never {
    const got = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    throw badRequest(`${this.what}: ${path || '<root>'}: expected ${expected}, got ${got}`);
  }

  /**
   * Checks `v` against a TypeScript type string of the model. Its path is `path` (the parent's) and `key`, put
   * together only when needed (a failure, or a value with members): most fields are plain values that pass.
   */
  value(v: unknown, type: string, format: string, path: string, key: string | number | undefined): void {
    switch (type) {
      case 'string':
        if (typeof v !== 'string') this.fail(pathOf(path, key), 'string', v);
        return;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(pathOf(path, key), 'number', v);
        if ((format === 'int32' || format === 'int64') && !Number.isInteger(v)) this.fail(pathOf(path, key), 'integer', v);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') this.fail(pathOf(path, key), 'boolean', v);
        return;
      case 'Date':
        if (typeof v !== 'string' || !DATE.test(v)) this.fail(pathOf(path, key), 'an RFC 3339 time', v);
        return;
      case 'IntOrString':
        if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) this.fail(pathOf(path, key), 'integer or string', v);
        return;
      case 'any':
        return;
    }
    const here = pathOf(path, key);
    const c = compositeOf(type);
    if (c.kind === 'array') {
      if (!Array.isArray(v)) this.fail(here, 'array', v);
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === null) this.fail(pathOf(here, i), c.item, x);
        this.value(x, c.item, '', here, i);
      }
      return;
    }
    if (c.kind === 'map') {
      if (!isPlainObject(v)) this.fail(here, 'object', v);
      for (const k in v) {
        const x = v[k];
        if (x === null) continue;
        this.value(x, c.item, '', here, `[${k}]`);
      }
      return;
    }
    this.object(v, type, here);
  }

  object(v: unknown, className: string, path: string): void {
    const attrs = attributeMap(className);
    if (!attrs) return;
    if (!isPlainObject(v)) this.fail(path, 'object', v);
    for (const k of Object.keys(v)) {
      const a = attrs.get(k);
      if (!a) {
        this.unknown.push(path ? `${path}.${k}` : k);
        delete v[k];
        continue;
      }
      // null is how JSON says "unset" to the real server's decoder.
      if (v[k] === null) {
        delete v[k];
        continue;
      }
      this.value(v[k], a.type, a.format, path, k);
    }
  }
}

/**
 * `path` and then `key`: a field name after a dot (none at the root), an index in brackets, or a map key already
 * in brackets. undefined: `path` itself.
 */
function pathOf(path: string, key: string | number | undefined): string {
  if (key === undefined) return path;
  if (typeof key === 'number') return `${path}[${key}]`;
  if (key.startsWith('[')) return `${path}${key}`;
  return path ? `${path}.${key}` : key;
}

/**
 * Checks and prunes `obj` in place (a full object of `def`'s kind). Returns the unknown fields it dropped, as
 * warnings; throws a 400 for a type error, or for unknown fields when `validation` is Strict.
 */
export function checkObjectSchema(def: ResourceDefinition, obj: KubeObject, validation: FieldValidation): string[] {
  const cls = classOfKind(def.group, def.version, def.kind);
  if (!cls) return [];
  const c = new Checker(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}`);
  c.object(obj, cls, '');
  if (c.unknown.length && validation === 'Strict') {
    const list = c.unknown.map((f) => `unknown field "${f}"`);
    throw badRequest(`strict decoding error: ${list.join(', ')}`);
  }
  return validation === 'Ignore' ? [] : c.unknown.map((f) => `unknown field "${f}"`);
}
