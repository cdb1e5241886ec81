/** POST, PUT and DELETE of objects and collections. */
import { successStatus, type KubeObject, type ResourceDefinition } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import type { ResponseFormat } from '../http/media-types.js';
import { parseDeleteOptions, parseListOptions, parseWriteOptions } from '../http/query-options.js';
import { addWarnings, sendJson, sendStored, sendUpdated } from '../http/respond.js';
import { groupResource, replacementFrom, type ObjectRest } from '../rest/object-rest.js';
import type { ServerContext } from '../rest/server-context.js';
import { strategyFor } from '../rest/strategy-registry.js';
import { buildFilter } from './list-filter.js';

export async function createObject(
  rest: ObjectRest,
  def: ResourceDefinition,
  namespace: string | undefined,
  body: unknown,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
  userAgent?: string,
): Promise<FastifyReply> {
  const opts = parseWriteOptions(q, userAgent);
  const stored = await rest.createStored(def, namespace, body, opts);
  return sendStored(addWarnings(reply, opts.warnings), 201, stored, format);
}

/**
 * PUT: replace the object (or its status / finalizers); creates it for kinds that allow that. `body` gives the
 * request body, untouched, each time it is called (http/request-body.ts objectBodySource).
 */
export async function replaceObject(
  rest: ObjectRest,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  subresource: string | undefined,
  body: () => unknown,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
  userAgent?: string,
): Promise<FastifyReply> {
  const opts = parseWriteOptions(q, userAgent);
  const createIfMissing =
    strategyFor(def).allowCreateOnUpdate && !subresource
      ? () => rest.create(def, namespace, body(), opts)
      : undefined;
  const res = await rest.update(def, namespace, name, replacementFrom(body), opts, subresource, createIfMissing);
  return sendUpdated(addWarnings(reply, opts.warnings), res.created ? 201 : 200, res, format);
}

export async function deleteObject(
  rest: ObjectRest,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  body: unknown,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const opts = parseDeleteOptions(q, body);
  const res = await rest.delete(def, namespace, name, opts);
  if (!res.deleted) return sendJson(reply, res.obj.metadata.finalizers?.length ? 202 : 200, res.obj, format);
  if (strategyFor(def).returnsDeletedObject) return sendJson(reply, 200, res.obj, format);
  return sendJson(reply, 200, successStatus(groupResource(def), name, res.obj.metadata.uid), format);
}

/** DELETE on a collection: every object the selectors match, one by one; answers with the list of them. */
export async function deleteCollection(
  ctx: ServerContext,
  rest: ObjectRest,
  def: ResourceDefinition,
  namespace: string | undefined,
  body: unknown,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const listOpts = parseListOptions(q);
  const opts = parseDeleteOptions(q, body);
  const filter = buildFilter(def, namespace, listOpts);
  const page = await ctx.storage(def).list(namespace, { filter: filter.matches });
  const items: KubeObject[] = [];
  for (const s of page.items) {
    try {
      const r = await rest.delete(def, s.obj.metadata.namespace, s.obj.metadata.name!, opts);
      items.push(r.obj);
    } catch (e) {
      if ((e as { reason?: string }).reason !== 'NotFound') throw e;
    }
  }
  const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
  return sendJson(reply, 200, { kind: def.listKind, apiVersion, metadata: { resourceVersion: String(page.revision) }, items }, format);
}
