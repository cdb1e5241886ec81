/** The operations of one resource, as OpenAPI path items. */
import { groupVersionOf, type ResourceDefinition } from '@skiff/api';
import { classOfKind } from '../schema/models.js';
import type { SchemaBuilder } from './schemas.js';

type Version = 'v2' | 'v3';

const param = (name: string, where: 'path' | 'query', v: Version, description: string, type = 'string') =>
  v === 'v3'
    ? { name, in: where, description, required: where === 'path', schema: { type, uniqueItems: true } }
    : { name, in: where, description, required: where === 'path', type, uniqueItems: true };

function writeParams(v: Version) {
  return [
    param('dryRun', 'query', v, 'When present, the request is validated and processed but not stored. Only "All" is accepted.'),
    param('fieldManager', 'query', v, 'Name of the actor making the change, recorded in managedFields.'),
    param('fieldValidation', 'query', v, 'How unknown and duplicate fields are treated: Ignore, Warn or Strict.'),
  ];
}

function listParams(v: Version) {
  return ['labelSelector', 'fieldSelector', 'continue', 'resourceVersion', 'resourceVersionMatch'].map((n) => param(n, 'query', v, `${n} of the list or watch.`))
    .concat([param('limit', 'query', v, 'Most items to return.', 'integer'), param('watch', 'query', v, 'Watch for changes.', 'boolean'), param('timeoutSeconds', 'query', v, 'Watch length.', 'integer')]);
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

export function buildPaths(def: ResourceDefinition, schemas: SchemaBuilder, v: Version): Record<string, unknown> {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const cls = classOfKind(def.group, def.version, def.kind);
  const objRef = cls ? schemas.ref(cls, gvk) : { type: 'object' };
  const listCls = classOfKind(def.group, def.version, def.listKind);
  const listRef = listCls ? schemas.ref(listCls, { ...gvk, kind: def.listKind }) : { type: 'object' };
  const body = (schema: unknown, types = ['application/json', 'application/yaml']) =>
    v === 'v3' ? { requestBody: { content: Object.fromEntries(types.map((t) => [t, { schema }])), required: true } } : { parameters: [{ name: 'body', in: 'body', required: true, schema }] };
  const ok = (schema: unknown) => (v === 'v3' ? { 200: { description: 'OK', content: { 'application/json': { schema } } } } : { 200: { description: 'OK', schema } });
  const op = (action: string, id: string, extra: Record<string, unknown> = {}, params: unknown[] = []) => {
    const b = extra.parameters as unknown[] | undefined;
    return {
      operationId: `${id}${def.group ? def.group.split('.')[0] : 'Core'}${def.version}${def.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
      parameters: [...(b ?? []), ...params],
    };
  };
  const base = def.group ? `/apis/${groupVersionOf(def)}` : `/api/${def.version}`;
  const nsPart = def.namespaced ? '/namespaces/{namespace}' : '';
  const nsParam = def.namespaced ? [param('namespace', 'path', v, 'The namespace of the object.')] : [];
  const nameParam = [param('name', 'path', v, `The name of the ${def.kind}.`)];
  const has = (verb: string) => def.verbs.includes(verb as never);
  const collection: Record<string, unknown> = { parameters: nsParam };
  if (has('list')) collection.get = op('list', 'list', { responses: ok(listRef) }, listParams(v));
  if (has('create')) collection.post = op('post', 'create', { ...body(objRef), responses: ok(objRef) }, writeParams(v));
  if (has('deletecollection')) collection.delete = op('deletecollection', 'deleteCollection', { responses: ok({ type: 'object' }) }, listParams(v));
  const item: Record<string, unknown> = { parameters: [...nameParam, ...nsParam] };
  if (has('get')) item.get = op('get', 'read', { responses: ok(objRef) });
  if (has('update')) item.put = op('put', 'replace', { ...body(objRef), responses: ok(objRef) }, writeParams(v));
  if (has('patch')) {
    item.patch = op('patch', 'patch', { ...body({ type: 'object' }, PATCH_TYPES), responses: ok(objRef) }, [...writeParams(v), param('force', 'query', v, 'Take over conflicting fields in an apply.', 'boolean')]);
  }
  if (has('delete')) item.delete = op('delete', 'delete', { responses: ok(objRef) }, [param('gracePeriodSeconds', 'query', v, 'Seconds before the object is deleted.', 'integer'), param('propagationPolicy', 'query', v, 'Orphan, Background or Foreground.')]);
  const paths: Record<string, unknown> = { [`${base}${nsPart}/${def.resource}`]: collection };
  // Review kinds have no objects to name.
  if (Object.keys(item).length > 1) paths[`${base}${nsPart}/${def.resource}/{name}`] = item;
  if (def.namespaced && has('list')) paths[`${base}/${def.resource}`] = { get: op('list', 'listForAllNamespaces', { responses: ok(listRef) }, listParams(v)) };
  for (const sub of def.subresources) {
    if (sub.name !== 'status' && sub.name !== 'scale') continue;
    const subCls = classOfKind(sub.group, sub.version, sub.kind);
    const subRef = subCls ? schemas.ref(subCls, sub.name === 'scale' ? { group: sub.group, version: sub.version, kind: sub.kind } : undefined) : objRef;
    const subId = sub.name === 'status' ? 'Status' : 'Scale';
    paths[`${base}${nsPart}/${def.resource}/{name}/${sub.name}`] = {
      parameters: [...nameParam, ...nsParam],
      get: op('get', `read${subId}`, { responses: ok(subRef) }),
      put: op('put', `replace${subId}`, { ...body(subRef), responses: ok(subRef) }, writeParams(v)),
      patch: op('patch', `patch${subId}`, { ...body({ type: 'object' }, PATCH_TYPES), responses: ok(subRef) }, writeParams(v)),
    };
  }
  return paths;
}
