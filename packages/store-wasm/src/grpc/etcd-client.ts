import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { Channel, credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import type { MvccEngine } from '../engine.js';
import { StoreError, isStoreError } from '../errors.js';
import type {
  DeleteRangeOptions,
  DeleteRangeResult,
  LeaseGrantResult,
  LeaseTimeToLiveResult,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  TxnRequest,
  TxnResult,
} from '../kv.js';
import type { Store, StoreLogger, StoreStatus, WatchListener, WatchOptions, Watcher } from '../store.js';
import { deleteFromWire, plainBytes, wireRangeEnd, putFromWire, rangeFromWire, revisionOf, txnFromWire, txnToWire } from './client-codec.js';
import { KeepAliveMux, type KeepAliveMuxOptions } from './client-keepalive.js';
import { ConfigError, hostPort, parseClientUrl } from './client-urls.js';
import { WatchMux, type WatchMuxOptions } from './client-watch.js';
import { etcdServices } from './etcd-protos.js';
import { fromGrpcError } from './grpc-errors.js';
import { exactInt64, int64ToNumber } from './int64.js';
import { LeaseAliases } from './lease-aliases.js';
import type { WireHeader, WireLeaseGrantResponse, WireLeaseLeasesResponse, WireLeaseTimeToLiveResponse, WireStatusResponse } from './wire.js';

export interface EtcdClientOptions {
  /** "http://127.0.0.1:2379" or "127.0.0.1:2379"; several IP endpoints fail over in order. */
  endpoints: string[];
  /** Deadline of each call, waiting for a connection included. Default 15 s. */
  requestTimeoutMs?: number;
  logger?: StoreLogger;
}

/** What a server says about itself (Maintenance.Status), for tools; the Store contract's status() is local-only. */
export interface RemoteStatus {
  version: string;
  revision: number;
  memberId: string;
  leader: string;
  dbSize: number;
  dbSizeInUse: number;
  raftIndex: number;
  raftAppliedIndex: number;
  raftTerm: number;
  errors: string[];
}

type Callback<Res> = (err: ServiceError | null, res?: Res) => void;
type UnaryMethod = (req: object, options: object, cb: Callback<unknown>) => void;

const silent: StoreLogger = { info() {}, warn() {}, error() {}, debug() {} };
/** This client grants lease ids below 2^48, like the embedded store, so every id it makes is exact as a number. */
const LEASE_ID_SPACE = 2 ** 48;
const GRANT_ATTEMPTS = 8;

/** A gRPC target for the endpoints: one address, or a static list grpc-js fails over in order. */
function targetOf(endpoints: string[]): string {
  if (endpoints.length === 0) throw new ConfigError('MissingValue', 'etcd client: no endpoints given');
  const urls = endpoints.map((e) => parseClientUrl(e, 'etcd client endpoint', true));
  if (urls.length === 1) return hostPort(urls[0]!);
  const hosts = urls.map((u) => ({ ...u, host: u.host === 'localhost' ? '127.0.0.1' : u.host }));
  const family = isIP(hosts[0]!.host);
  if (family === 0 || hosts.some((u) => isIP(u.host) !== family)) {
    throw new ConfigError('BadUrl', `etcd client: several endpoints must all be IPv4 or all IPv6 addresses, got ${endpoints.join(', ')}`);
  }
  return `ipv${family}:${hosts.map(hostPort).join(',')}`;
}

/**
 * The Store contract over etcd's v3 gRPC API, for skiff-store and for a real etcd alike. Results and errors are the
 * embedded store's (etcd's error messages map back to StoreError codes).
 *
 * A watch without a start revision sees every change the server applies after the watch is created there; this
 * client's own writes wait for watches still being created, so a write made after watch() returned is always seen
 * by that watch, as with the embedded store.
 *
 * status() answers from Maintenance.Status (no key count or compacted revision: etcd does not report them);
 * remoteStatus() gives everything the server reports.
 */
export class EtcdClient implements Store {
  private readonly channel: Channel;
  private readonly kv: Client;
  private readonly lease: Client;
  private readonly maintenance: Client;
  private readonly leaseIds = new LeaseAliases();
  private readonly watches: WatchMux;
  private readonly keepAlives: KeepAliveMux;
  private readonly timeoutMs: number;
  private readonly endpoint: string;
  private seenRevision = 0;
  private closed = false;

  constructor(opts: EtcdClientOptions) {
    const target = targetOf(opts.endpoints);
    this.endpoint = opts.endpoints.join(',');
    this.timeoutMs = opts.requestTimeoutMs ?? 15_000;
    const creds = credentials.createInsecure();
    this.channel = new Channel(target, creds, {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      'grpc.enable_channelz': 0,
    });
    const s = etcdServices();
    const shared = { channelOverride: this.channel };
    this.kv = new s.KV(target, creds, shared);
    this.lease = new s.Lease(target, creds, shared);
    this.maintenance = new s.Maintenance(target, creds, shared);
    const watchClient = new s.Watch(target, creds, shared);
    const logger = opts.logger ?? silent;
    this.watches = new WatchMux({
      // waitForReady: a stream opened while reconnecting waits for the connection instead of failing at once.
      open: () => (watchClient as unknown as { Watch(o: object): ReturnType<WatchMuxOptions['open']> }).Watch({ waitForReady: true }),
      leases: this.leaseIds,
      seenRevision: () => this.seenRevision,
      logger,
      reconnectMinMs: 100,
      reconnectMaxMs: 5_000,
    });
    this.keepAlives = new KeepAliveMux({
      open: () => (this.lease as unknown as { LeaseKeepAlive(o: object): ReturnType<KeepAliveMuxOptions['open']> }).LeaseKeepAlive({ waitForReady: true }),
      endpoint: this.endpoint,
      timeoutMs: this.timeoutMs,
    });
  }

  /** The newest revision any response has shown: a watch whose create was lost with its stream resumes after it. */
  private noteRevision(header: WireHeader | null | undefined): void {
    const rev = int64ToNumber(header?.revision);
    if (rev > this.seenRevision) this.seenRevision = rev;
  }

  /** A write waits for watches still being created, so they see it (see WatchMux.whenCreated). */
  private async write<Res>(client: Client, method: string, req: object): Promise<Res> {
    if (this.watches.pendingCreates > 0) await this.watches.whenCreated();
    return this.call<Res>(client, method, req);
  }

  private call<Res>(client: Client, method: string, req: object): Promise<Res> {
    if (this.closed) return Promise.reject(new StoreError('Closed'));
    const fn = (client as unknown as Record<string, UnaryMethod>)[method]!;
    return new Promise<Res>((resolve, reject) => {
      // waitForReady: a call made while reconnecting waits for the connection (up to its deadline) instead of
      // failing at once. It is never resent after reaching the server, so a write cannot apply twice.
      fn.call(client, req, { deadline: Date.now() + this.timeoutMs, waitForReady: true }, (err, res) => {
        if (err) reject(fromGrpcError(err, this.endpoint));
        else {
          this.noteRevision((res as { header?: WireHeader | null }).header);
          resolve(res as Res);
        }
      });
    });
  }

  async range(key: Uint8Array, rangeEnd?: Uint8Array, opts: RangeOptions = {}): Promise<RangeResult> {
    const res = await this.call<object>(this.kv, 'Range', {
      key,
      range_end: wireRangeEnd(rangeEnd),
      revision: opts.revision ?? 0,
      limit: opts.limit ?? 0,
      keys_only: opts.keysOnly === true,
      count_only: opts.countOnly === true,
    });
    return rangeFromWire(res, this.leaseIds);
  }

  async put(key: Uint8Array, value: Uint8Array, opts: PutOptions = {}): Promise<PutResult> {
    const res = await this.write<object>(this.kv, 'Put', {
      key,
      value,
      lease: this.leaseIds.toWire(opts.lease),
      prev_kv: opts.prevKv === true,
      ignore_value: opts.ignoreValue === true,
      ignore_lease: opts.ignoreLease === true,
    });
    return putFromWire(res, this.leaseIds);
  }

  async deleteRange(key: Uint8Array, rangeEnd?: Uint8Array, opts: DeleteRangeOptions = {}): Promise<DeleteRangeResult> {
    const res = await this.write<object>(this.kv, 'DeleteRange', { key, range_end: wireRangeEnd(rangeEnd), prev_kv: opts.prevKv === true });
    return deleteFromWire(res, this.leaseIds, opts.prevKv === true);
  }

  async txn(req: TxnRequest): Promise<TxnResult> {
    const res = await this.write<object>(this.kv, 'Txn', txnToWire(req, this.leaseIds));
    return txnFromWire(res, req, this.leaseIds);
  }

  async compact(revision: number): Promise<{ revision: number }> {
    const res = await this.call<{ header?: object }>(this.kv, 'Compact', { revision });
    return { revision: revisionOf(res.header) };
  }

  watch(opts: WatchOptions, listener: WatchListener): Watcher {
    if (this.closed) throw new StoreError('Closed');
    return this.watches.watch(opts, listener);
  }

  async leaseGrant(ttl: number, id = 0): Promise<LeaseGrantResult> {
    for (let attempt = 0; ; attempt++) {
      const wanted = id || randomInt(1, LEASE_ID_SPACE);
      try {
        const res = await this.call<WireLeaseGrantResponse>(this.lease, 'LeaseGrant', { TTL: ttl, ID: this.leaseIds.toWire(wanted) });
        if (res.error) throw new StoreError('InvalidArgument', res.error);
        return { id: this.leaseIds.toLocal(res.ID), ttl: exactInt64(res.TTL, 'TTL') };
      } catch (e) {
        // A random id that happens to be taken: pick another. An id the caller chose is their conflict.
        if (id === 0 && isStoreError(e, 'LeaseExists') && attempt < GRANT_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  async leaseRevoke(id: number): Promise<{ revision: number }> {
    const res = await this.write<{ header?: object }>(this.lease, 'LeaseRevoke', { ID: this.leaseIds.toWire(id) });
    return { revision: revisionOf(res.header) };
  }

  leaseKeepAlive(id: number): Promise<number> {
    try {
      return this.keepAlives.keepAlive(this.leaseIds.toWire(id));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async leaseTimeToLive(id: number, keys = false): Promise<LeaseTimeToLiveResult> {
    const res = await this.call<WireLeaseTimeToLiveResponse>(this.lease, 'LeaseTimeToLive', { ID: this.leaseIds.toWire(id), keys });
    return {
      id,
      ttl: int64ToNumber(res.TTL),
      grantedTtl: int64ToNumber(res.grantedTTL),
      keys: (res.keys ?? []).map(plainBytes),
    };
  }

  async leases(): Promise<number[]> {
    const res = await this.call<WireLeaseLeasesResponse>(this.lease, 'LeaseLeases', {});
    return (res.leases ?? []).map((l) => this.leaseIds.toLocal(l.ID));
  }

  /** What the Store contract asks, from Maintenance.Status; etcd reports no key count or compacted revision. */
  async status(): Promise<StoreStatus> {
    const s = await this.remoteStatus();
    return { revision: s.revision, dbSize: s.dbSize, dbSizeInUse: s.dbSizeInUse, appliedIndex: s.raftAppliedIndex, engine: 'remote' };
  }

  async remoteStatus(): Promise<RemoteStatus> {
    const s = await this.call<WireStatusResponse>(this.maintenance, 'Status', {});
    return {
      version: s.version ?? '',
      revision: revisionOf(s.header),
      memberId: String(s.header?.member_id ?? '0'),
      leader: String(s.leader ?? '0'),
      dbSize: int64ToNumber(s.dbSize),
      dbSizeInUse: int64ToNumber(s.dbSizeInUse),
      raftIndex: int64ToNumber(s.raftIndex),
      raftAppliedIndex: int64ToNumber(s.raftAppliedIndex),
      raftTerm: int64ToNumber(s.raftTerm),
      errors: s.errors ?? [],
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watches.close();
    this.keepAlives.close();
    this.channel.close();
  }
}

/** A Store over etcd's v3 gRPC API (skiff-store or a real etcd). Connects lazily; no call is made here. */
export function createEtcdClient(opts: EtcdClientOptions): EtcdClient {
  return new EtcdClient(opts);
}
