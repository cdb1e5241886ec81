import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { ServiceContext } from './service-context.js';
import { WatchSession } from './watch-session.js';
import type { WireWatchRequest, WireWatchResponse } from './wire.js';

/** etcd's default interval between progress notifications (watches created with progress_notify). */
export const DEFAULT_PROGRESS_NOTIFY_MS = 10 * 60 * 1000;
/** How far a watch client may fall behind, in response bytes, before its stream is closed. */
export const DEFAULT_MAX_QUEUED_WATCH_BYTES = 64 * 1024 * 1024;

export interface WatchServiceOptions {
  progressNotifyIntervalMs: number;
  maxQueuedBytes: number;
}

export interface WatchService {
  implementation: UntypedServiceImplementation;
  /** Live streams and watches, for status lines and tests. */
  stats(): { streams: number; watches: number };
  /** Ends every stream (the server is going away) and stops the progress timer. */
  close(): void;
}

/** etcdserverpb.Watch: one WatchSession per stream, and one timer for every stream's progress notifications. */
export function watchService(ctx: ServiceContext, opts: WatchServiceOptions): WatchService {
  const sessions = new Set<WatchSession>();
  const timer = setInterval(() => {
    for (const s of sessions) s.progressTick();
  }, opts.progressNotifyIntervalMs);
  timer.unref();

  return {
    implementation: {
      Watch: (call: ServerDuplexStream<WireWatchRequest, WireWatchResponse>) => {
        const session = new WatchSession(call, ctx, { maxQueuedBytes: opts.maxQueuedBytes }, (s) => sessions.delete(s));
        sessions.add(session);
      },
    },
    stats: () => {
      let watches = 0;
      for (const s of sessions) watches += s.size;
      return { streams: sessions.size, watches };
    },
    close: () => {
      clearInterval(timer);
      for (const s of [...sessions]) s.end();
    },
  };
}
