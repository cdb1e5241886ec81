import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { LocalStore, StoreLogger } from '../store.js';
import { DEFAULT_MAX_REQUEST_BYTES } from '../validate-request.js';
import { ConfigError, formatUrl, hostPort, parseClientUrl, type ClientUrl } from './client-urls.js';
import { clusterService } from './cluster-service.js';
import { etcdServices } from './etcd-protos.js';
import { kvService } from './kv-service.js';
import { leaseService, type StreamRegistry } from './lease-service.js';
import { maintenanceService } from './maintenance-service.js';
import { memberIdentity, hexId, type MemberIdentity } from './response-header.js';
import { GRPC_OVERHEAD_BYTES, type ServiceContext } from './service-context.js';
import { DEFAULT_MAX_QUEUED_WATCH_BYTES, DEFAULT_PROGRESS_NOTIFY_MS, watchService } from './watch-service.js';

/** How long close() lets calls in flight finish before cutting connections. */
const SHUTDOWN_GRACE_MS = 2_000;

export interface EtcdServerOptions {
  /** Where to listen (etcd's --listen-client-urls). Port 0 picks a free port. Default http://127.0.0.1:2379. */
  listenClientUrls?: string[];
  /** What MemberList reports (etcd's --advertise-client-urls). Default: the URLs actually bound. */
  advertiseClientUrls?: string[];
  /** What MemberList reports as peer URLs (etcd's --initial-advertise-peer-urls); skiff-store has no peers. */
  advertisePeerUrls?: string[];
  /** Member name (etcd's --name). Default "default", as etcd. */
  name?: string;
  /** Must match the store's limit (createStore's maxRequestBytes); gRPC refuses messages beyond it + 512 KiB. */
  maxRequestBytes?: number;
  /** Interval of progress notifications for watches that ask for them; etcd: 10 minutes. */
  progressNotifyIntervalMs?: number;
  /** A watch client that falls this many bytes behind loses its stream. */
  maxQueuedWatchBytes?: number;
  logger?: StoreLogger;
}

export interface EtcdServer {
  /** The URLs actually bound (with real ports when 0 was asked for). */
  readonly clientUrls: string[];
  readonly identity: MemberIdentity;
  stats(): { watchStreams: number; watches: number; keepAliveStreams: number };
  /** Ends every stream, lets calls in flight finish (bounded), and stops listening. Does not close the store. */
  close(): Promise<void>;
}

const silent: StoreLogger = { info() {}, warn() {}, error() {}, debug() {} };

function bind(server: Server, url: ClientUrl): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(hostPort(url), ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(new ConfigError('ListenFailed', `cannot listen on ${formatUrl(url)}: ${err.message}`));
      else resolve(port);
    });
  });
}

/**
 * Serves an embedded store over the etcd v3 gRPC API (KV, Watch, Lease, Cluster, Maintenance), so etcdctl and etcd clients
 * work against it unchanged. Resolves once every listen URL is bound.
 */
export async function createEtcdServer(store: LocalStore, opts: EtcdServerOptions = {}): Promise<EtcdServer> {
  const logger = opts.logger ?? silent;
  const maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const listen = (opts.listenClientUrls ?? ['http://127.0.0.1:2379']).map((u) => parseClientUrl(u, 'listen-client-urls'));
  if (listen.length === 0) throw new ConfigError('MissingValue', 'listen-client-urls: no URL given');
  const advertisedPeers = (opts.advertisePeerUrls ?? []).map((u) => formatUrl(parseClientUrl(u, 'initial-advertise-peer-urls')));

  const server = new Server({
    'grpc.max_receive_message_length': maxRequestBytes + GRPC_OVERHEAD_BYTES,
    'grpc.max_send_message_length': -1,
    // Per-call channelz bookkeeping costs CPU on every request and nothing here reads it.
    'grpc.enable_channelz': 0,
  });
  const ctx: ServiceContext = { store, logger, maxRequestBytes, identity: memberIdentity(opts.name ?? 'default', []) };
  const keepAlives: StreamRegistry = new Set();
  const watch = watchService(ctx, {
    progressNotifyIntervalMs: opts.progressNotifyIntervalMs ?? DEFAULT_PROGRESS_NOTIFY_MS,
    maxQueuedBytes: opts.maxQueuedWatchBytes ?? DEFAULT_MAX_QUEUED_WATCH_BYTES,
  });
  const services = etcdServices();
  server.addService(services.KV.service, kvService(ctx));
  server.addService(services.Watch.service, watch.implementation);
  server.addService(services.Lease.service, leaseService(ctx, keepAlives));
  server.addService(services.Cluster.service, clusterService(ctx));
  server.addService(services.Maintenance.service, maintenanceService(ctx));

  const bound: string[] = [];
  try {
    for (const url of listen) bound.push(formatUrl({ host: url.host, port: await bind(server, url) }));
  } catch (e) {
    watch.close();
    server.forceShutdown();
    throw e;
  }
  const advertised = opts.advertiseClientUrls?.map((u) => formatUrl(parseClientUrl(u, 'advertise-client-urls'))) ?? bound;
  // Identity depends on the advertised URLs, known only now; handlers read ctx.identity per call.
  ctx.identity = memberIdentity(opts.name ?? 'default', advertised, advertisedPeers);
  logger.info({ urls: bound, member: hexId(ctx.identity.memberId), memberName: ctx.identity.name, maxRequestBytes }, 'serving the etcd v3 API');

  let closing: Promise<void> | undefined;
  return {
    clientUrls: bound,
    get identity() {
      return ctx.identity;
    },
    stats: () => {
      const w = watch.stats();
      return { watchStreams: w.streams, watches: w.watches, keepAliveStreams: keepAlives.size };
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        watch.close();
        for (const s of [...keepAlives]) s.end();
        const force = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          logger.info({ urls: bound }, 'stopped serving the etcd v3 API');
          resolve();
        });
      });
      return closing;
    },
  };
}
