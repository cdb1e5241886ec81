/**
 * One watch connection as an async iterable of events. The server writes one JSON event per line; a line may
 * arrive split over chunks, and one chunk may hold many lines. The stream ends when the server closes it (its
 * timeout), the connection drops, or `close()` is called; an ERROR event (a Status, e.g. 410 Expired) is yielded
 * like any other and the server closes the stream after it.
 */
import type { IncomingMessage } from 'node:http';
import type { KubeObject, Status } from '@skiff/api';
import { ClientError } from '../errors.js';

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

export function watchStream<T>(res: IncomingMessage, abort: AbortController): WatchStream<T> {
  async function* events(): AsyncGenerator<WatchEvent<T>> {
    let carry: Buffer | undefined;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
        let start = 0;
        for (let i = buf.indexOf(NEWLINE); i >= 0; i = buf.indexOf(NEWLINE, start)) {
          if (i > start) yield decode<T>(buf, start, i);
          start = i + 1;
        }
        carry = start < buf.length ? buf.subarray(start) : undefined;
        buf = Buffer.alloc(0);
      }
      // A last event without its newline still counts.
      if (carry && carry.length && carry.toString('utf8').trim()) yield decode<T>(carry, 0, carry.length);
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

function decode<T>(buf: Buffer, start: number, end: number): WatchEvent<T> {
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
  return e as WatchEvent<T>;
}
