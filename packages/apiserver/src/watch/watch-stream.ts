/**
 * A watch over HTTP: 200, chunked, one JSON event per line (client-node splits on newlines), until the timeout,
 * the client leaving, or an ERROR event. The handler hijacks the reply and writes to the socket directly.
 */
import type { KubeObject, ResourceDefinition, Status } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import { CACHE_CONTROL } from '../http/respond.js';
import { servedBytes } from '../storage/object-codec.js';
import { columnDefinitions, tableRow, type Column, type IncludeObject } from '../tables/table.js';
import type { CacheEvent, WatchEventType } from './cache-event.js';
import type { WatchCache, WatchFilter } from './watch-cache.js';

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
  onClose?: () => void;
}

const NEWLINE = 0x0a;

function jsonEvent(type: WatchEventType, ev: CacheEvent): Buffer {
  const head = Buffer.from(`{"type":"${type}","object":`);
  const obj = servedBytes(ev.current.raw, ev.rv);
  return Buffer.concat([head, obj, Buffer.from([0x7d, NEWLINE])]);
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
  const maxBuffered = w.maxBufferedBytes ?? 64 * 1024 * 1024;
  let done = false;
  let lastRv = w.fromRv ?? w.cache.revision;
  const timers: NodeJS.Timeout[] = [];
  let cacheWatcher: { stop(): void } | undefined;

  const finish = () => {
    if (done) return;
    done = true;
    for (const t of timers) clearTimeout(t);
    timers.length = 0;
    cacheWatcher?.stop();
    if (!res.writableEnded) res.end();
    w.onClose?.();
  };
  // Events written in one turn of the event loop leave in one writev (flushed by setImmediate, after the turn's
  // I/O callbacks): under load many changes arrive per turn, and each watcher still costs one syscall per turn.
  let corked = false;
  const uncork = () => {
    corked = false;
    if (!done) res.uncork();
  };
  const write = (b: Buffer) => {
    if (done) return;
    if (!corked) {
      corked = true;
      res.cork();
      setImmediate(uncork);
    }
    res.write(b);
    if (res.writableLength > maxBuffered) finish();
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const obj: KubeObject = { kind: w.def.kind, apiVersion: w.def.group ? `${w.def.group}/${w.def.version}` : w.def.version, metadata: { resourceVersion: String(lastRv) } };
    if (annotations) obj.metadata.annotations = annotations;
    write(Buffer.from(JSON.stringify({ type: 'BOOKMARK', object: obj }) + '\n'));
  };

  const sink = {
    event(type: WatchEventType, ev: CacheEvent) {
      lastRv = Math.max(lastRv, ev.rv);
      if (w.table) {
        const table = w.table;
        write(ev.encode(`table:${table.include}:${type}`, () => tableEvent(type, withRv(ev), table)));
      } else write(ev.encode(`json:${type}`, () => jsonEvent(type, ev)));
    },
    error(status: Status) {
      write(Buffer.from(JSON.stringify({ type: 'ERROR', object: status }) + '\n'));
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
