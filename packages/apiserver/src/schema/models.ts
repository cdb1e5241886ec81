/**
 * The model classes of @kubernetes/client-node, loaded from its models module alone (not the whole client): each
 * class carries an attribute type map (field, JSON name, TypeScript type, format) from which we check request
 * bodies and build OpenAPI schemas.
 */
import * as models from '@kubernetes/client-node/dist/gen/models/all.js';

export interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

/** JSON names to attributes, per class, built on first use. */
const byClass = new Map<string, Map<string, Attribute> | null>();

export function attributesOf(className: string): Attribute[] | undefined {
  const cls = (models as unknown as Record<string, { attributeTypeMap?: Attribute[] }>)[className];
  return cls?.attributeTypeMap;
}

export function attributeMap(className: string): Map<string, Attribute> | undefined {
  let m = byClass.get(className);
  if (m === undefined) {
    const attrs = attributesOf(className);
    m = attrs ? new Map(attrs.map((a) => [a.baseName, a])) : null;
    byClass.set(className, m);
  }
  return m ?? undefined;
}

const classes = new Map<string, string | null>();

/** The model class of a kind: V1Pod for (core, v1, Pod); CoreV1Event / EventsV1Event where names collide. */
export function classOfKind(group: string, version: string, kind: string): string | undefined {
  const key = `${group}/${version}/${kind}`;
  let c = classes.get(key);
  if (c === undefined) classes.set(key, (c = findClassOfKind(group, version, kind) ?? null));
  return c ?? undefined;
}

function findClassOfKind(group: string, version: string, kind: string): string | undefined {
  const v = version.charAt(0).toUpperCase() + version.slice(1);
  const first = group ? group.split('.')[0]! : 'core';
  const prefix = first.charAt(0).toUpperCase() + first.slice(1);
  for (const name of [`${v}${kind}`, `${prefix}${v}${kind}`]) if (attributesOf(name)) return name;
  return undefined;
}
