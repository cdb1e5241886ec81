/**
 * A watch over HTTP: 200, chunked, one JSON event per line (client-node splits on newlines), until the timeout,
 * the client leaving, an ERROR event, or the client falling too far behind. The handler hijacks the reply; lines
 * go out through a WatchWriter (one chunk per event-loop turn, shared between watchers sent the same lines).
 *
 * Each event is serialized once per wire form (a JSON line per event type, a Table line per includeObject) and
 * memoized on the cache's event, so a thousand watchers of one form cost one serialization.
 */
import type { KubeObject, ResourceDefinition, Status } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import { CACHE_CONTROL } from '../http/respond.js';
import { columnDefinitions, tableRow, type Column, type IncludeObject } from '../tables/table.js';
import type { CacheEvent, WatchEventType } from './cache-event.js';
import type { WatchCache, WatchFilter } from './watch-cache.js';
import { WatchWriter } from './watch-writer.js';

export interface WatchRequest {
  def: ResourceDefinition;
  cache: WatchCache;
  filter: WatchFilter;
  /** Undefined: start with the current objects as ADDED events. */
  fromRv: number | undefined;
  /** With a fromRv: still send the current objects first, then a BOOKMARK marking their end (watch-list). */
  sendInitialEvents: boolean;
  table?: { columns: Column[]; include: IncludeObject };
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutMs: number;
  /** A client further behind than this many buffered bytes is dropped; it will re-watch from its last RV. */
  maxBufferedBytes?: number;
  /** Told when a watcher is dropped for falling behind (for logs and metrics). */
  onTooSlow?: (buffered: number) => void;
  onClose?: () => void;
}

/** Default bound on what one watcher may leave unsent before it is dropped. */
export const DEFAULT_WATCH_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** How long a dropped watcher's connection may take to drain what was already queued before it is cut. */
const DROP_GRACE_MS = 10_000;

const TYPES: readonly WatchEventType[] = ['ADDED', 'MODIFIED', 'DELETED'];
const JSON_HEADS = Object.fromEntries(TYPES.map((t) => [t, Buffer.from(`{"type":"${t}","object":`)])) as Record<WatchEventType, Buffer>;
const JSON_FORMATS = Object.fromEntries(TYPES.map((t) => [t, `json:${t}`])) as Record<WatchEventType, string>;
const LINE_END = Buffer.from('}\n');

function jsonEvent(type: WatchEventType, ev: CacheEvent): Buffer {
  const head = JSON_HEADS[type];
  const obj = ev.current.served;
  const out = Buffer.allocUnsafe(head.length + obj.length + LINE_END.length);
  head.copy(out, 0);
  obj.copy(out, head.length);
  LINE_END.copy(out, head.length + obj.length);
  return out;
}

function tableEvent(type: WatchEventType, obj: KubeObject, table: NonNullable<WatchRequest['table']>): Buffer {
  const row = tableRow(table.columns, obj, table.include, Date.now());
  const t = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: obj.metadata?.resourceVersion },
    columnDefinitions: columnDefinitions(table.columns),
    rows: [row],
  };
  return Buffer.from(JSON.stringify({ type, object: t }) + '\n');
}

export function serveWatch(reply: FastifyReply, w: WatchRequest): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': CACHE_CONTROL, 'transfer-encoding': 'chunked' });
  res.flushHeaders?.();
  let done = false;
  let lastRv = w.fromRv ?? w.cache.revision;
  const timers: NodeJS.Timeout[] = [];
  let cacheWatcher: { stop(): void } | undefined;

  const stopWatching = () => {
    if (done) return false;
    done = true;
    for (const t of timers) clearTimeout(t);
    timers.length = 0;
    cacheWatcher?.stop();
    return true;
  };
  const finish = () => {
    if (!stopWatching()) return;
    writer.end();
    w.onClose?.();
  };
  const writer = new WatchWriter(res, {
    maxBufferedBytes: w.maxBufferedBytes ?? DEFAULT_WATCH_MAX_BUFFERED_BYTES,
    onTooSlow(buffered) {
      // As the real server does with a watcher whose buffer is full: stop sending and close the stream. What is
      // already queued still drains (the client resumes from the last event it read), within a grace period.
      if (!stopWatching()) return;
      w.onTooSlow?.(buffered);
      writer.abandon();
      const cut = setTimeout(() => res.destroy(), DROP_GRACE_MS);
      cut.unref();
      res.once('close', () => clearTimeout(cut));
      w.onClose?.();
    },
  });

  const bookmark = (annotations?: Record<string, string>) => {
    const obj: KubeObject = { kind: w.def.kind, apiVersion: w.def.group ? `${w.def.group}/${w.def.version}` : w.def.version, metadata: { resourceVersion: String(lastRv) } };
    if (annotations) obj.metadata.annotations = annotations;
    writer.push(Buffer.from(JSON.stringify({ type: 'BOOKMARK', object: obj }) + '\n'));
  };

  const table = w.table;
  const tableFormats = table && (Object.fromEntries(TYPES.map((t) => [t, `table:${table.include}:${t}`])) as Record<WatchEventType, string>);
  const sink = {
    event(type: WatchEventType, ev: CacheEvent) {
      if (ev.rv > lastRv) lastRv = ev.rv;
      if (table) writer.push(ev.encode(tableFormats![type], () => tableEvent(type, withRv(ev), table)));
      else writer.push(ev.encode(JSON_FORMATS[type], () => jsonEvent(type, ev)));
    },
    error(status: Status) {
      writer.push(Buffer.from(JSON.stringify({ type: 'ERROR', object: status }) + '\n'));
      finish();
    },
  };

  res.on('close', finish);
  res.on('error', finish);

  if (w.sendInitialEvents && w.fromRv !== undefined) {
    cacheWatcher = w.cache.watch(w.filter, undefined, sink);
    lastRv = w.cache.revision;
    if (w.bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    cacheWatcher = w.cache.watch(w.filter, w.fromRv, sink);
  }
  if (done) return;
  if (w.timeoutMs > 0) timers.push(setTimeout(finish, w.timeoutMs));
  if (w.bookmarks && w.bookmarkIntervalMs > 0) {
    const every = setInterval(() => {
      // Queued after every event already dispatched to this watcher, so the bookmark never runs ahead of them.
      lastRv = Math.max(lastRv, w.cache.revision);
      bookmark();
    }, w.bookmarkIntervalMs);
    timers.push(every);
  }
}

/** The event's object with its resourceVersion, decoded (tables need the fields). */
function withRv(ev: CacheEvent): KubeObject {
  const o = ev.current.obj;
  if (o.metadata.resourceVersion !== String(ev.rv)) o.metadata.resourceVersion = String(ev.rv);
  return o;
}
