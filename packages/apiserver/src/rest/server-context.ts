import type { ResourceDefinition, ResourceRegistry } from '@skiff/api';
import type { Store } from '@skiff/store-wasm';
import type { FastifyBaseLogger } from 'fastify';
import type { ServiceAllocator } from '../allocators/service-allocator.js';
import type { ResourceStorage } from '../storage/resource-storage.js';
import type { WatchCache } from '../watch/watch-cache.js';

/** Everything a request handler may need, built once per server. */
export interface ServerContext {
  readonly registry: ResourceRegistry;
  readonly store: Store;
  readonly allocator: ServiceAllocator;
  readonly logger: FastifyBaseLogger;
  storage(def: ResourceDefinition): ResourceStorage;
  cache(def: ResourceDefinition): WatchCache;
  /** Interval between BOOKMARK events on watches that allow them. */
  readonly bookmarkIntervalMs: number;
  /** Unsent bytes a watcher may fall behind by before it is dropped. */
  readonly watchMaxBufferedBytes: number;
  /** Told when a watcher was dropped for falling behind. */
  watcherTooSlow(def: ResourceDefinition, buffered: number): void;
}
