/**
 * OpenAPI schemas of the built-in kinds, derived at run time from @kubernetes/client-node's model classes: each
 * class carries an attribute type map (field name, JSON name, TypeScript type, format), which is enough for
 * types, nesting, arrays and maps. We add the Kubernetes extensions kubectl reads: the group/version/kind of
 * top-level kinds, int-or-string, and list merge keys (from our own patch/list-strategy.ts).
 *
 * Definition names follow the class: V1Container -> "io.k8s.v1.Container", EventsV1Event -> "io.k8s.events.v1.Event",
 * so `kubectl explain` shows the last segment as the type name.
 */
import { listStrategy } from '../patch/list-strategy.js';
import { attributesOf } from '../schema/models.js';

type Schema = Record<string, unknown>;

const CLASS_NAME = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;

export function definitionName(className: string): string {
  const m = CLASS_NAME.exec(className);
  if (!m) return `io.k8s.${className}`;
  const group = m[1] ? `${m[1].toLowerCase()}.` : '';
  return `io.k8s.${group}${m[2]!.toLowerCase()}.${m[3]}`;
}

/** The list strategy of `field` in the model class `owner`, placing the class where it sits in its kind. */
function listStrategyOfField(owner: string, field: string) {
  if (owner === 'V1ServiceSpec') return listStrategy(['spec', field], 'Service');
  if (owner === 'V1Container' || owner === 'V1EphemeralContainer') return listStrategy(['containers', field]);
  if (owner === 'V1ObjectMeta') return listStrategy(['metadata', field]);
  if (owner === 'V1ServiceAccount') return listStrategy([field], 'ServiceAccount');
  if (owner === 'V1NodeStatus') return listStrategy(['status', field], 'Node');
  if (owner.endsWith('Status')) return listStrategy(['status', field]);
  return listStrategy(['', field]);
}

export class SchemaBuilder {
  private readonly defs = new Map<string, Schema>();

  constructor(private readonly refPrefix: string) {}

  definitions(): Record<string, Schema> {
    return Object.fromEntries([...this.defs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** A reference to the class's definition, adding it (and everything it uses) on first use. */
  ref(className: string, gvk?: { group: string; version: string; kind: string }): Schema {
    const name = definitionName(className);
    if (!this.defs.has(name)) {
      this.defs.set(name, {});
      this.defs.set(name, this.objectSchema(className, [], gvk));
    } else if (gvk) {
      (this.defs.get(name)! as Schema)['x-kubernetes-group-version-kind'] = [gvk];
    }
    return { $ref: `${this.refPrefix}${name}` };
  }

  private objectSchema(className: string, path: string[], gvk?: { group: string; version: string; kind: string }): Schema {
    const attrs = attributesOf(className) ?? [];
    const properties: Record<string, Schema> = {};
    for (const a of attrs) properties[a.baseName] = this.typeSchema(a.type, a.format, a.baseName, className);
    const s: Schema = { type: 'object', properties };
    if (gvk) s['x-kubernetes-group-version-kind'] = [gvk];
    void path;
    return s;
  }

  /** Wraps a reference so siblings (list extensions) can sit beside it, as the real v3 documents do. */
  private wrapRef(className: string): Schema {
    return this.refPrefix.startsWith('#/components') ? { allOf: [this.ref(className)] } : this.ref(className);
  }

  private typeSchema(type: string, format: string, field: string, owner: string): Schema {
    if (type === 'string') return format ? { type: 'string', format } : { type: 'string' };
    if (type === 'number') return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number', format: format || 'double' };
    if (type === 'boolean') return { type: 'boolean' };
    if (type === 'Date') return { type: 'string', format: 'date-time' };
    if (type === 'IntOrString') return { 'x-kubernetes-int-or-string': true };
    if (type === 'any') return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const arr = /^Array<(.+)>$/.exec(type);
    if (arr) {
      const s: Schema = { type: 'array', items: this.typeSchema(arr[1]!, '', field, owner) };
      const strategy = listStrategyOfField(owner, field);
      if (strategy.kind === 'map') {
        s['x-kubernetes-patch-merge-key'] = strategy.keys[0];
        s['x-kubernetes-patch-strategy'] = 'merge';
        s['x-kubernetes-list-type'] = 'map';
        s['x-kubernetes-list-map-keys'] = strategy.keys;
      } else if (field === 'finalizers') {
        s['x-kubernetes-patch-strategy'] = 'merge';
        s['x-kubernetes-list-type'] = 'set';
      } else s['x-kubernetes-list-type'] = 'atomic';
      return s;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: this.typeSchema(map[1]!, '', field, owner) };
    if (attributesOf(type)) return this.wrapRef(type);
    return { type: 'object' };
  }
}
