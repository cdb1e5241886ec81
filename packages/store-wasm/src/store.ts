import type { EngineKind, MvccEngine } from './engine.js';
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
  WatchEvent,
} from './kv.js';

/**
 * How writes reach the disk (only with a dataDir):
 *  - 'always' (default): a write resolves after its log record is fsynced; concurrent writes share one fsync.
 *  - 'batch': a write resolves once written to the OS; the log is fsynced at most every `batchIntervalMs`.
 *    A machine crash (not a process crash) can lose the last interval.
 *  - 'none': never fsync; the OS decides.
 */
export type FsyncMode = 'always' | 'batch' | 'none';

export interface StoreOptions {
  /** 'wasm' (default) or 'ts'. */
  engine?: EngineKind;
  /** Directory for the write-ahead log and snapshots. Absent: memory only. */
  dataDir?: string;
  fsync?: FsyncMode;
  batchIntervalMs?: number;
  /** Take a snapshot (and start a new log segment) after this many log records. */
  snapshotEveryRecords?: number;
  /** Largest accepted request, in bytes (etcd: 1.5 MiB). */
  maxRequestBytes?: number;
  /** Most operations in one txn, counting each branch separately (etcd: 128). */
  maxTxnOps?: number;
  /** pino-compatible logger; absent: silent. */
  logger?: StoreLogger;
}

export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface WatchOptions {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  /** First revision to deliver (inclusive). 0 or absent: changes after the current revision. */
  startRevision?: number;
  prevKv?: boolean;
  noPut?: boolean;
  noDelete?: boolean;
}

export interface WatchListener {
  /**
   * Changes, in revision order. A batch never splits one main revision's changes. `revision` is the store's
   * revision when the batch was sent (>= the last event's modRevision).
   */
  onEvents(events: WatchEvent[], revision: number): void;
  /** startRevision is below the compacted revision: the watch is canceled and nothing more arrives. */
  onCompacted(compactRevision: number): void;
}

export interface Watcher {
  readonly id: number;
  cancel(): void;
}

export interface StoreStatus {
  revision: number;
  /** Absent when the store cannot tell (a remote etcd does not report it). */
  compactRevision?: number;
  /** Keys at the current revision; absent when the store cannot tell (remote). */
  keys?: number;
  /** Bytes on disk (log + snapshot), 0 in memory. */
  dbSize: number;
  /** Bytes the engine holds in memory. */
  dbSizeInUse: number;
  /** Log records applied since the store was created (etcd's raft index analogue). */
  appliedIndex: number;
  /** The in-process engine, or 'remote' for a store reached over the network. */
  engine: EngineKind | 'remote';
}

/**
 * A store with etcd v3 semantics: the embedded one (createStore) or a remote etcd / skiff-store (createEtcdClient).
 * Every member may need a round trip, so all of them are asynchronous.
 */
export interface Store {
  range(key: Uint8Array, rangeEnd?: Uint8Array, opts?: RangeOptions): Promise<RangeResult>;
  put(key: Uint8Array, value: Uint8Array, opts?: PutOptions): Promise<PutResult>;
  deleteRange(key: Uint8Array, rangeEnd?: Uint8Array, opts?: DeleteRangeOptions): Promise<DeleteRangeResult>;
  txn(req: TxnRequest): Promise<TxnResult>;
  /** Resolves with the store's revision after compaction. */
  compact(revision: number): Promise<{ revision: number }>;
  watch(opts: WatchOptions, listener: WatchListener): Watcher;
  /** Seconds; TTLs below the minimum (2 s, as etcd) are raised to it. id 0/absent: the store picks one. */
  leaseGrant(ttl: number, id?: number): Promise<LeaseGrantResult>;
  /** Deletes the lease's keys in one revision. */
  leaseRevoke(id: number): Promise<{ revision: number }>;
  /** Resets the lease's countdown; resolves with its TTL. */
  leaseKeepAlive(id: number): Promise<number>;
  leaseTimeToLive(id: number, keys?: boolean): Promise<LeaseTimeToLiveResult>;
  leases(): Promise<number[]>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}

/**
 * The embedded store: an MVCC engine in this process plus leases, watches, request validation and (with a dataDir)
 * durability. Every write is validated, logged, made durable as `fsync` says, applied, then resolved, in one total
 * order. Reads are served at once from the applied state, so the engine can also be read directly.
 */
export interface LocalStore extends Store {
  readonly engine: MvccEngine;
  /** status() without the promise: everything is in this process. */
  localStatus(): Required<StoreStatus>;
}
