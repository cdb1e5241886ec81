/**
 * createApiServer: fastify on 127.0.0.1 (port 0 picks a free one), storage through any `Store` (the embedded one
 * when none is given), one watch cache per resource, the cluster's built-in objects, and the routes.
 *
 * Request pipeline, in order, for every resource request (see pipeline/stages.ts):
 *   authentication -> authorization -> admission (mutating, then validating) -> validation -> storage
 */
import { ResourceRegistry, type ResourceDefinition } from '@skiff/api';
import { createStore, type Store } from '@skiff/store-wasm';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ServiceAllocator } from './allocators/service-allocator.js';
import { bootstrapCluster } from './bootstrap.js';
import { versionInfo } from './discovery/version.js';
import { registerApiRoutes } from './handlers/api-routes.js';
import { TokenIssuer } from './handlers/token-request.js';
import { installContentParsers } from './http/content-parsers.js';
import { installErrorHandling } from './http/error-handling.js';
import { CACHE_CONTROL } from './http/respond.js';
import { Metrics } from './metrics/metrics.js';
import { debugEnabled, installPipeline } from './pipeline/stages.js';
import { decodeProtobufObject } from './protobuf/protobuf-decoder.js';
import { registerOpenApiRoutes } from './openapi/openapi-routes.js';
import { ObjectRest } from './rest/object-rest.js';
import type { ServerContext } from './rest/server-context.js';
import { ResourceStorage } from './storage/resource-storage.js';
import { createStreamingHandler } from './streaming/streaming-handler.js';
import { installUpgradeProxy } from './streaming/upgrade-proxy.js';
import { Compactor } from './storage/compactor.js';
import { WrittenObjects } from './storage/written-objects.js';
import { WatchCache } from './watch/watch-cache.js';
import { DEFAULT_WATCH_MAX_BUFFERED_BYTES } from './watch/watch-stream.js';

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface ApiServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Where objects live; an embedded in-memory store (TS engine) when absent. Closed with the server only if created here. */
  store?: Store;
  /** A pino logger, or a level for a new one ('silent' by default). */
  logger?: FastifyBaseLogger | string;
  /** Events each resource's watch cache keeps for resuming watches. */
  watchCacheSize?: number;
  /**
   * Bytes a watcher may leave unsent (its client not reading fast enough) before the server closes its watch, as
   * the real server closes unresponsive watchers; the client then resumes from the last event it read. 16 MiB.
   */
  watchMaxBufferedBytes?: number;
  bookmarkIntervalMs?: number;
  serviceCidr?: string;
  nodePortRange?: [number, number];
  maxBodyBytes?: number;
  /** Compact the store to the revision of one interval ago, every interval (0: never). Default 5 minutes. */
  compactionIntervalMs?: number;
  /**
   * Signs service account tokens (HS256). A random key per server when absent: tokens issued before a restart then
   * no longer pass a TokenReview (see loadSigningKey for a key kept in a file).
   */
  serviceAccountSigningKey?: Buffer;
}

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export async function createApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const ownStore = options.store === undefined;
  const store = options.store ?? (await createStore({ engine: 'wasm' }));
  const loggerOpt = options.logger ?? 'silent';
  const app = Fastify({
    ...(typeof loggerOpt === 'string' ? { logger: { level: loggerOpt } } : { loggerInstance: loggerOpt }),
    bodyLimit: maxBodyBytes,
    // One debug line per request comes from the pipeline's metrics hook instead (pipeline/stages.ts).
    logController: new LogController({ disableRequestLogging: true }),
    // A child logger per request (for its reqId) only when request-level lines can be written at all.
    childLoggerFactory: (logger, bindings, opts) => (debugEnabled(logger) ? logger.child(bindings, opts) : logger),
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 1000 },
    return503OnClosing: false,
  }) as unknown as FastifyInstance;

  const registry = new ResourceRegistry();
  const metrics = new Metrics();
  const storages = new Map<ResourceDefinition, ResourceStorage>();
  const caches = new Map<string, WatchCache>();
  const allocator = new ServiceAllocator(store, {
    serviceCidr: options.serviceCidr ?? '10.96.0.0/12',
    nodePortRange: options.nodePortRange ?? [30000, 32767],
  });
  const instrumented = metrics.instrumentStore(store);
  const written = new WrittenObjects();
  const ctx: ServerContext = {
    registry,
    store: instrumented,
    allocator,
    logger: app.log,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    watchMaxBufferedBytes: options.watchMaxBufferedBytes ?? DEFAULT_WATCH_MAX_BUFFERED_BYTES,
    watcherTooSlow(def, buffered) {
      metrics.countTerminatedWatcher(def.resource);
      app.log.warn({ resource: def.resource, group: def.group, buffered }, 'closed a watch whose client is not keeping up');
    },
    storage(def) {
      let s = storages.get(def);
      if (!s) storages.set(def, (s = new ResourceStorage(def, instrumented, written)));
      return s;
    },
    cache(def) {
      // Keyed by group and version as well: events.k8s.io Events and autoscaling/v1 HPAs have caches of their own,
      // of the stored form converted (storage-conversion.ts).
      return caches.get(`${def.group}/${def.version}/${def.resource}`)!;
    },
  };
  for (const def of registry.all) {
    if (def.computed) continue;
    caches.set(`${def.group}/${def.version}/${def.resource}`, new WatchCache(def, store, { capacity: options.watchCacheSize ?? 10_000, logger: app.log, written }));
  }
  await Promise.all([...caches.values()].map((c) => c.start()));
  metrics.watchers = () => [...caches.values()].reduce((n, c) => n + c.watcherCount, 0);

  const rest = new ObjectRest(ctx);
  installContentParsers(app);
  installErrorHandling(app, maxBodyBytes);
  installPipeline(app, metrics);

  let listenPort = options.port ?? 0;
  app.get('/version', async (_req, reply) => reply.header('cache-control', CACHE_CONTROL).send(versionInfo()));
  for (const path of ['/healthz', '/livez', '/readyz']) {
    app.get(path, async (_req, reply) => reply.header('cache-control', CACHE_CONTROL).type('text/plain').send('ok'));
  }
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()));
  registerOpenApiRoutes(app, registry);
  registerApiRoutes(app, {
    ctx,
    rest,
    decodeProtobuf: decodeProtobufObject,
    serverAddress: () => `${host}:${listenPort}`,
    streaming: createStreamingHandler(ctx),
    tokens: new TokenIssuer(options.serviceAccountSigningKey),
  });

  installUpgradeProxy(app.server, ctx);
  await app.listen({ port: listenPort, host });
  const addr = app.server.address();
  listenPort = typeof addr === 'object' && addr ? addr.port : listenPort;
  await bootstrapCluster(rest, registry, { kubernetesServiceIp: allocator.kubernetesServiceIp, advertiseAddress: host === '0.0.0.0' ? '127.0.0.1' : host, port: listenPort });
  const compactor = new Compactor(store, options.compactionIntervalMs ?? 5 * 60_000, app.log);
  compactor.start();

  let closed = false;
  return {
    app,
    store,
    host,
    port: listenPort,
    url: `http://${host}:${listenPort}`,
    metrics,
    async close() {
      if (closed) return;
      closed = true;
      compactor.stop();
      for (const c of caches.values()) c.stop();
      await app.close();
      if (ownStore) await store.close();
    },
  };
}
