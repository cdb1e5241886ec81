/** GET of one object, LIST, and WATCH. */
import { notAcceptable, notFound, timeout, type KubeObject, type ResourceDefinition } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import { ACCEPTED_RESPONSE_TYPES, type ResponseFormat } from '../http/media-types.js';
import { parseListOptions, type ListOptions } from '../http/query-options.js';
import { sendBytes, sendJson } from '../http/respond.js';
import { groupResource } from '../rest/object-rest.js';
import type { ServerContext } from '../rest/server-context.js';
import { encodeContinue } from '../storage/continue-token.js';
import { objectKey } from '../storage/keys.js';
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
  const cache = ctx.cache(def);
  // "0" accepts whatever the cache holds; otherwise the latest state, which the cache holds when it is in sync.
  const stored =
    q.get('resourceVersion') === '0' || cache.consistentRevision() !== undefined
      ? cache.getStored(objectKey(def, namespace, name))
      : await ctx.storage(def).get(namespace, name);
  if (!stored) throw notFound(groupResource(def), name);
  if (format === 'table' || format === 'partial-metadata') {
    const include = q.get('includeObject') === 'Object' ? 'Object' : q.get('includeObject') === 'None' ? 'None' : 'Metadata';
    return sendJson(reply, 200, buildTable(columnsFor(def), [stored.obj], include, { resourceVersion: String(stored.rv) }));
  }
  return sendBytes(reply, 200, stored.served, format);
}

interface ListResult {
  items: StoredObject[];
  revision: number;
  continueToken?: string;
  remainingItemCount?: number;
}

/**
 * Where a list is read from. resourceVersion unset: a consistent read, paginated: from the watch cache when it is
 * in sync with the store (the same items, revision and continue token the store would give), else the store.
 * "0": the watch cache, whatever it holds. Exact: the store at that revision. NotOlderThan (or a bare revision):
 * the cache when it is new enough, else the store. Later pages (continue) come from the store at the first
 * page's revision.
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
  const at = rv === undefined && !opts.continue ? cache.consistentRevision() : undefined;
  if (at !== undefined) {
    const page = cache.page(filter, opts.limit);
    const r: ListResult = { items: page.items, revision: at };
    if (page.lastKey !== undefined) {
      r.continueToken = encodeContinue({ rv: at, start: page.lastKey + '\u0000' });
      if (!filter.matches) r.remainingItemCount = page.remaining;
    }
    return r;
  }
  const page = await ctx.storage(def).list(namespace, {
    revision: opts.resourceVersionMatch === 'Exact' ? rv : 0,
    limit: opts.limit,
    continueToken: opts.continue,
    filter: filter.matches,
  });
  return { items: page.items, revision: page.revision, continueToken: page.continueToken, remainingItemCount: page.remainingItemCount };
}

const LIST_END = Buffer.from(']}');
const COMMA = Buffer.from(',');

/** The list's JSON: a small head, then each item's cached bytes, joined without parsing or re-encoding any. */
function listJson(def: ResourceDefinition, r: ListResult): Buffer {
  const meta: Record<string, unknown> = { resourceVersion: String(r.revision) };
  if (r.continueToken) meta.continue = r.continueToken;
  if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
  const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
  const parts: Buffer[] = new Array(r.items.length * 2 + 1);
  parts[0] = Buffer.from(`{"kind":"${def.listKind}","apiVersion":"${apiVersion}","metadata":${JSON.stringify(meta)},"items":[`);
  let n = 1;
  for (let i = 0; i < r.items.length; i++) {
    if (i > 0) parts[n++] = COMMA;
    parts[n++] = r.items[i]!.served;
  }
  parts[n++] = LIST_END;
  parts.length = n;
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
      maxBufferedBytes: ctx.watchMaxBufferedBytes,
      onTooSlow: (buffered) => ctx.watcherTooSlow(def, buffered),
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
