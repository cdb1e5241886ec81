/** GET of one object, LIST, and WATCH. */
import { notAcceptable, notFound, timeout, type KubeObject, type ResourceDefinition } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import { ACCEPTED_RESPONSE_TYPES, type ResponseFormat } from '../http/media-types.js';
import { parseListOptions, type ListOptions } from '../http/query-options.js';
import { sendBytes, sendJson } from '../http/respond.js';
import { groupResource } from '../rest/object-rest.js';
import type { ServerContext } from '../rest/server-context.js';
import { objectKey } from '../storage/keys.js';
import { servedBytes } from '../storage/object-codec.js';
import type { StoredObject } from '../storage/resource-storage.js';
import { columnsFor } from '../tables/columns.js';
import { buildTable } from '../tables/table.js';
import { serveWatch } from '../watch/watch-stream.js';
import { buildFilter } from './list-filter.js';

/** Default watch length when the client gives none: a random 30 to 60 minutes, as the real server spreads them. */
function defaultWatchTimeoutMs(): number {
  return (1800 + Math.floor(Math.random() * 1800)) * 1000;
}

export async function getObject(
  ctx: ServerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (format === 'none') throw notAcceptable(ACCEPTED_RESPONSE_TYPES);
  const rv = q.get('resourceVersion');
  let stored: StoredObject | undefined;
  if (rv === '0') stored = ctx.cache(def).getStored(objectKey(def, namespace, name));
  else stored = await ctx.storage(def).get(namespace, name);
  if (!stored) throw notFound(groupResource(def), name);
  if (format === 'table' || format === 'partial-metadata') {
    const include = q.get('includeObject') === 'Object' ? 'Object' : q.get('includeObject') === 'None' ? 'None' : 'Metadata';
    return sendJson(reply, 200, buildTable(columnsFor(def), [stored.obj], include, { resourceVersion: String(stored.rv) }));
  }
  return sendBytes(reply, 200, servedBytes(stored.raw, stored.rv), format);
}

interface ListResult {
  items: StoredObject[];
  revision: number;
  continueToken?: string;
  remainingItemCount?: number;
}

/**
 * Where a list is read from. resourceVersion unset: the store, now (a consistent read), paginated. "0": the watch
 * cache, whatever it holds. Exact: the store at that revision. NotOlderThan (or a bare revision): the cache when it
 * is new enough, else the store.
 */
async function readList(ctx: ServerContext, def: ResourceDefinition, namespace: string | undefined, opts: ListOptions): Promise<ListResult> {
  const filter = buildFilter(def, namespace, opts);
  const cache = ctx.cache(def);
  const rv = opts.resourceVersion === undefined ? undefined : Number(opts.resourceVersion);
  if (!opts.continue && rv !== undefined && opts.resourceVersionMatch !== 'Exact') {
    if (rv === 0 || rv <= cache.revision) return cache.list(filter);
    const current = (await ctx.store.range(new Uint8Array([0]), undefined, { countOnly: true })).revision;
    if (rv > current) throw timeout(`Too large resource version: ${rv}, current: ${current}`);
    // The cache lags the store (a remote store's events still on their way): read the store.
  }
  const page = await ctx.storage(def).list(namespace, {
    revision: opts.resourceVersionMatch === 'Exact' ? rv : 0,
    limit: opts.limit,
    continueToken: opts.continue,
    filter: filter.matches,
  });
  return { items: page.items, revision: page.revision, continueToken: page.continueToken, remainingItemCount: page.remainingItemCount };
}

function listJson(def: ResourceDefinition, r: ListResult): Buffer {
  const meta: Record<string, unknown> = { resourceVersion: String(r.revision) };
  if (r.continueToken) meta.continue = r.continueToken;
  if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
  const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
  const parts: Buffer[] = [Buffer.from(`{"kind":"${def.listKind}","apiVersion":"${apiVersion}","metadata":${JSON.stringify(meta)},"items":[`)];
  r.items.forEach((s, i) => {
    if (i > 0) parts.push(Buffer.from(','));
    parts.push(servedBytes(s.raw, s.rv));
  });
  parts.push(Buffer.from(']}'));
  return Buffer.concat(parts);
}

export async function listOrWatch(
  ctx: ServerContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
): Promise<FastifyReply | void> {
  if (format === 'none') throw notAcceptable(ACCEPTED_RESPONSE_TYPES);
  const opts = parseListOptions(q);
  const table = format === 'table' || format === 'partial-metadata' ? { columns: columnsFor(def), include: opts.includeObject } : undefined;
  if (opts.watch) {
    const filter = buildFilter(def, namespace, opts);
    const rv = opts.resourceVersion === undefined || opts.resourceVersion === '0' ? undefined : Number(opts.resourceVersion);
    serveWatch(reply, {
      def,
      cache: ctx.cache(def),
      filter,
      fromRv: rv,
      sendInitialEvents: opts.sendInitialEvents === true,
      table,
      bookmarks: opts.allowWatchBookmarks,
      bookmarkIntervalMs: ctx.bookmarkIntervalMs,
      timeoutMs: opts.timeoutSeconds !== undefined ? opts.timeoutSeconds * 1000 : defaultWatchTimeoutMs(),
    });
    return;
  }
  const r = await readList(ctx, def, namespace, opts);
  if (table) {
    const objs: KubeObject[] = r.items.map((s) => s.obj);
    const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: String(r.revision) };
    if (r.continueToken) meta.continue = r.continueToken;
    if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
    return sendJson(reply, 200, buildTable(table.columns, objs, table.include, meta));
  }
  return sendBytes(reply, 200, listJson(def, r), format);
}
