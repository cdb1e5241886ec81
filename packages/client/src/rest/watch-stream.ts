/**
 * One watch connection as an async iterable of events. The server writes one JSON event per line; a line may
 * arrive split over chunks, and one chunk may hold many lines. The stream ends when the server closes it (its
 * timeout), the connection drops, or `close()` is called; an ERROR event (a Status, e.g. 410 Expired) is yielded
 * like any other and the server closes the stream after it.
 */
import type { IncomingMessage } from 'node:http';
import type { KubeObject, Status } from '@skiff/api';
import { ClientError } from '../errors.js';
import type { ObjectLike } from '../object-like.js';
import { dropManagedFields } from './managed-fields.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export type WatchEvent<T = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  /** Only `metadata.resourceVersion` (and, at the end of initial events, an annotation) is meaningful. */
  | { type: 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

export interface WatchStream<T = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  /** Ends the stream; iteration finishes after the events already decoded. */
  close(): void;
}

const NEWLINE = 0x0a;

export interface WatchStreamOptions {
  /** Leave metadata.managedFields out of every object (see managed-fields.ts). */
  dropManagedFields?: boolean;
}

export function watchStream<T>(res: IncomingMessage, abort: AbortController, opts: WatchStreamOptions = {}): WatchStream<T> {
  const drop = opts.dropManagedFields === true;
  async function* events(): AsyncGenerator<WatchEvent<T>> {
    // The bytes of an event whose newline has not arrived yet: a view of the last chunk, copied only if the
    // event turns out to straddle chunks (rather than copying every chunk onto the leftover of the one before).
    let carry: Buffer | undefined;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        let start = 0;
        let nl = chunk.indexOf(NEWLINE);
        if (carry) {
          if (nl < 0) {
            carry = Buffer.concat([carry, chunk]);
            continue;
          }
          const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
          carry = undefined;
          if (line.length) yield decode<T>(line, 0, line.length, drop);
          start = nl + 1;
          nl = chunk.indexOf(NEWLINE, start);
        }
        for (; nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
          if (nl > start) yield decode<T>(chunk, start, nl, drop);
          start = nl + 1;
        }
        if (start < chunk.length) carry = chunk.subarray(start);
      }
      // A last event without its newline still counts.
      if (carry && carry.length && carry.toString('utf8').trim()) yield decode<T>(carry, 0, carry.length, drop);
    } catch (e) {
      if (abort.signal.aborted) return;
      throw new ClientError('Transport', `watch stream broke: ${(e as Error).message}`, { cause: e });
    } finally {
      if (!res.destroyed) res.destroy();
    }
  }
  const it = events();
  return {
    [Symbol.asyncIterator]: () => it,
    close: () => abort.abort(),
  };
}

function decode<T>(buf: Buffer, start: number, end: number, dropFields: boolean): WatchEvent<T> {
  const text = buf.toString('utf8', start, end);
  let ev: unknown;
  try {
    ev = JSON.parse(text);
  } catch (e) {
    throw new ClientError('Decode', `a watch event is not JSON: ${text.slice(0, 200)}`, { cause: e });
  }
  const e = ev as { type?: string; object?: unknown };
  if (!e || typeof e.type !== 'string' || typeof e.object !== 'object') {
    throw new ClientError('Decode', `a watch event has no type or object: ${text.slice(0, 200)}`);
  }
  if (dropFields && e.type !== 'ERROR') dropManagedFields(e.object as ObjectLike);
  return e as WatchEvent<T>;
}
