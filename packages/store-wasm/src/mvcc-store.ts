import { randomInt } from 'node:crypto';
import { Applier } from './applier.js';
import { encodeWriteRequest, decodeWriteRequest } from './durability/request-codec.js';
import type { RecoveredLog, WriteLog } from './durability/write-log.js';
import type { MvccEngine } from './engine.js';
import { StoreError, isStoreError } from './errors.js';
import { Lessor } from './lessor.js';
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
} from './kv.js';
import type { LocalStore, StoreLogger, StoreStatus, WatchListener, WatchOptions, Watcher } from './store.js';
import { checkKey, validateWrite, type RequestLimits } from './validate-request.js';
import { WatchHub } from './watch-hub.js';
import type { WriteRequest, WriteResults } from './write-request.js';

interface Pending {
  req: WriteRequest;
  index: number;
  durable: boolean;
  error?: unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export interface MvccStoreOptions extends RequestLimits {
  /** Absent: memory only, writes apply at once. */
  log?: WriteLog;
  snapshotEveryRecords: number;
  logger?: StoreLogger;
  /** How often expired leases are looked for, ms. */
  leaseCheckMs?: number;
}

/** How many ids to try before giving up on finding a free random lease id (a full id space is not realistic). */
const LEASE_ID_ATTEMPTS = 64;

/**
 * The store: validation -> log (when durable) -> apply in log order -> watchers. See store.ts for the contract.
 */
export class MvccStore implements LocalStore {
  private readonly lessor = new Lessor();
  private readonly applier: Applier;
  private readonly hub: WatchHub;
  private readonly queue: Pending[] = [];
  private readonly revoking = new Set<number>();
  private readonly leaseTimer: NodeJS.Timeout;
  private readonly idleWaiters: (() => void)[] = [];
  private appliedIndex = 0;
  private snapshotIndex = 0;
  private closed = false;

  constructor(
    readonly engine: MvccEngine,
    private readonly opts: MvccStoreOptions,
  ) {
    this.applier = new Applier(engine, this.lessor);
    this.hub = new WatchHub(engine);
    this.leaseTimer = setInterval(() => this.expireLeases(), opts.leaseCheckMs ?? 500);
    this.leaseTimer.unref();
  }

  /** Exposed for engines built with a leaseExists hook. */
  leaseExists = (id: number): boolean => this.lessor.has(id);

  /** Rebuilds state from a recovered log: the snapshot, then every record after it. */
  restore(recovered: RecoveredLog): void {
    const snap = recovered.snapshot;
    if (snap) {
      this.engine.load(snap.header, snap.records);
      this.lessor.restore(snap.leases);
      this.applier.reattachAll();
      this.appliedIndex = this.snapshotIndex = snap.appliedIndex;
    }
    let replayed = 0;
    for (const { index, payload } of recovered.records) {
      try {
        this.applier.apply(decodeWriteRequest(payload));
      } catch (e) {
        // The same request failed the same way when first applied (apply is deterministic); that is not damage.
        if (!isStoreError(e) || e.code === 'Corrupt') throw e;
      }
      this.appliedIndex = index;
      replayed++;
    }
    this.opts.logger?.info({ revision: this.engine.currentRevision(), replayed, appliedIndex: this.appliedIndex }, 'store recovered');
  }

  // ---- reads ----

  range(key: Uint8Array, rangeEnd?: Uint8Array, opts?: RangeOptions): Promise<RangeResult> {
    return this.read(() => {
      checkKey(key);
      return this.engine.range(key, rangeEnd, opts);
    });
  }

  leases(): Promise<number[]> {
    return this.read(() => this.lessor.ids());
  }

  leaseTimeToLive(id: number, keys = false): Promise<LeaseTimeToLiveResult> {
    return this.read(() => {
      if (!this.lessor.has(id)) return { id, ttl: -1, grantedTtl: 0, keys: [] };
      const attached = keys ? this.lessor.attachedKeys(id).filter((k) => this.engine.range(k).kvs[0]?.lease === id) : [];
      return { id, ttl: this.lessor.remaining(id), grantedTtl: this.lessor.granted(id), keys: attached };
    });
  }

  leaseKeepAlive(id: number): Promise<number> {
    return this.read(() => {
      if (this.revoking.has(id)) throw new StoreError('LeaseNotFound', `lease ${id.toString(16)} has expired`);
      return this.lessor.keepAlive(id);
    });
  }

  status(): Promise<StoreStatus> {
    return this.read(() => this.localStatus());
  }

  localStatus(): Required<StoreStatus> {
    const stats = this.engine.stats();
    return {
      revision: this.engine.currentRevision(),
      compactRevision: this.engine.compactRevision(),
      keys: stats.keys,
      dbSize: this.opts.log?.size() ?? 0,
      dbSizeInUse: stats.memoryBytes,
      appliedIndex: this.appliedIndex,
      engine: this.engine.kind,
    };
  }

  watch(opts: WatchOptions, listener: WatchListener): Watcher {
    if (this.closed) throw new StoreError('Closed');
    checkKey(opts.key);
    return this.hub.watch(opts, listener);
  }

  // ---- writes ----

  put(key: Uint8Array, value: Uint8Array, opts: PutOptions = {}): Promise<PutResult> {
    return this.write({ type: 'put', key, value, opts });
  }

  deleteRange(key: Uint8Array, rangeEnd?: Uint8Array, opts: DeleteRangeOptions = {}): Promise<DeleteRangeResult> {
    return this.write({ type: 'deleteRange', key, rangeEnd, opts });
  }

  txn(req: TxnRequest): Promise<TxnResult> {
    return this.write({ type: 'txn', req });
  }

  compact(revision: number): Promise<{ revision: number }> {
    return this.write({ type: 'compact', revision });
  }

  leaseGrant(ttl: number, id = 0): Promise<LeaseGrantResult> {
    try {
      const normalized = Lessor.normalizeTtl(ttl);
      if (id < 0 || !Number.isSafeInteger(id)) throw new StoreError('InvalidArgument', `lease id ${id} must be a positive integer`);
      if (id !== 0 && (this.lessor.has(id) || this.isPendingGrant(id))) throw new StoreError('LeaseExists');
      return this.write({ type: 'leaseGrant', id: id || this.freeLeaseId(), ttl: normalized });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  leaseRevoke(id: number): Promise<{ revision: number }> {
    return this.write({ type: 'leaseRevoke', id });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.leaseTimer);
    // Writes already handed to the log get their answer before the log closes.
    if (this.queue.length > 0) await new Promise<void>((done) => this.idleWaiters.push(done));
    this.hub.close();
    await this.opts.log?.close();
    this.engine.close();
  }

  // ---- the write path ----

  private read<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('Closed'));
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private write<R extends WriteRequest>(req: R): Promise<WriteResults[R['type']]> {
    if (this.closed) return Promise.reject(new StoreError('Closed'));
    try {
      validateWrite(req, this.opts);
    } catch (e) {
      return Promise.reject(e);
    }
    const log = this.opts.log;
    if (!log) {
      this.appliedIndex++;
      try {
        const res = this.applyOne(req);
        return Promise.resolve(res as WriteResults[R['type']]);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const { index, durable } = log.append(encodeWriteRequest(req));
    return new Promise((resolve, reject) => {
      const p: Pending = { req, index, durable: false, resolve: resolve as (v: unknown) => void, reject };
      this.queue.push(p);
      durable.then(
        () => {
          p.durable = true;
          this.drain();
        },
        (err) => {
          p.durable = true;
          p.error = err;
          this.drain();
        },
      );
    });
  }

  /** Applies durable records strictly in log order, whatever order their promises settled in. */
  private drain(): void {
    while (this.queue.length > 0 && this.queue[0]!.durable) {
      const p = this.queue.shift()!;
      if (p.error !== undefined) {
        p.reject(p.error);
        continue;
      }
      try {
        const res = this.applyOne(p.req);
        this.appliedIndex = p.index;
        p.resolve(res);
      } catch (e) {
        this.appliedIndex = p.index;
        p.reject(e);
      }
    }
    if (this.queue.length === 0) for (const done of this.idleWaiters.splice(0)) done();
    this.maybeSnapshot();
  }

  private applyOne(req: WriteRequest): unknown {
    const before = this.engine.currentRevision();
    const res = this.applier.apply(req);
    const after = this.engine.currentRevision();
    if (req.type === 'leaseRevoke') this.revoking.delete(req.id);
    if (after > before) this.hub.notify(before + 1, after);
    return res;
  }

  private maybeSnapshot(): void {
    const log = this.opts.log;
    if (!log || this.closed || this.appliedIndex - this.snapshotIndex < this.opts.snapshotEveryRecords) return;
    // The applied state matches exactly log position appliedIndex; records still pending have higher indexes and
    // stay in the log, so a snapshot is correct even while writes are in flight.
    this.snapshotIndex = this.appliedIndex;
    const { header, records } = this.engine.dump();
    log
      .snapshot({ header, records, leases: this.lessor.records(), appliedIndex: this.appliedIndex })
      .catch((err) => this.opts.logger?.error({ err }, 'snapshot failed; the log keeps every record'));
  }

  private isPendingGrant(id: number): boolean {
    return this.queue.some((p) => p.req.type === 'leaseGrant' && p.req.id === id);
  }

  private freeLeaseId(): number {
    for (let i = 0; i < LEASE_ID_ATTEMPTS; i++) {
      const id = randomInt(1, 2 ** 48);
      if (!this.lessor.has(id) && !this.isPendingGrant(id)) return id;
    }
    throw new StoreError('InvalidArgument', 'could not find a free lease id');
  }

  private expireLeases(): void {
    if (this.closed) return;
    for (const id of this.lessor.expired()) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.write({ type: 'leaseRevoke', id }).catch((err) => {
        this.revoking.delete(id);
        if (!isStoreError(err, 'LeaseNotFound')) this.opts.logger?.warn({ err, lease: id }, 'revoking an expired lease failed');
      });
    }
  }
}
