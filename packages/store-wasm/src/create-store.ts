import { FileWriteLog, type FileWriteLogOptions } from './durability/file-write-log.js';
import { createEngine } from './engine-factory.js';
import { StoreError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import type { FsyncMode, LocalStore, StoreOptions } from './store.js';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_TXN_OPS } from './validate-request.js';

/** etcd 3.4's --snapshot-count. */
const DEFAULT_SNAPSHOT_EVERY = 100_000;
const DEFAULT_BATCH_INTERVAL_MS = 10;
const FSYNC_MODES: readonly FsyncMode[] = ['always', 'batch', 'none'];

/** Settings of the durable log that StoreOptions does not carry (segment size, injected fs...): tests and tools. */
export type DurableTuning = Omit<Partial<FileWriteLogOptions>, 'dataDir' | 'fsync' | 'batchIntervalMs' | 'logger'>;

/**
 * Opens a store: in memory, or durable in `dataDir` (recovering what is there). The WASM engine by default.
 */
export function createStore(opts: StoreOptions = {}): Promise<LocalStore> {
  return createStoreWith(opts, {});
}

/** createStore with the durable log tuned; see DurableTuning. */
export async function createStoreWith(opts: StoreOptions, tuning: DurableTuning): Promise<LocalStore> {
  const fsync = opts.fsync ?? 'always';
  const batchIntervalMs = opts.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
  const snapshotEveryRecords = opts.snapshotEveryRecords ?? DEFAULT_SNAPSHOT_EVERY;
  checkOptions(fsync, batchIntervalMs, snapshotEveryRecords, opts.dataDir);
  let store: MvccStore | undefined;
  const engine = createEngine(opts.engine ?? 'wasm', { leaseExists: (id) => store!.leaseExists(id) });
  const log = opts.dataDir === undefined ? undefined : new FileWriteLog({ ...tuning, dataDir: opts.dataDir, fsync, batchIntervalMs, logger: opts.logger });
  store = new MvccStore(engine, {
    maxRequestBytes: opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    maxTxnOps: opts.maxTxnOps ?? DEFAULT_MAX_TXN_OPS,
    snapshotEveryRecords,
    logger: opts.logger,
    log,
  });
  if (!log) return store;
  const started = performance.now();
  opts.logger?.info({ dataDir: opts.dataDir, engine: engine.kind, fsync }, 'opening data dir');
  try {
    store.restore(await log.recover());
  } catch (e) {
    // Nothing is served from a store that did not recover whole; the lock is released for the next attempt.
    await store.close().catch(() => undefined);
    throw e;
  }
  const status = store.localStatus();
  opts.logger?.info(
    { dataDir: opts.dataDir, revision: status.revision, appliedIndex: status.appliedIndex, keys: status.keys, ms: Math.round(performance.now() - started) },
    'store ready',
  );
  return store;
}

function checkOptions(fsync: FsyncMode, batchIntervalMs: number, snapshotEveryRecords: number, dataDir: string | undefined): void {
  if (!FSYNC_MODES.includes(fsync)) throw new StoreError('InvalidArgument', `fsync "${String(fsync)}": expected one of ${FSYNC_MODES.join(', ')}`);
  if (!(batchIntervalMs > 0) || !Number.isFinite(batchIntervalMs)) {
    throw new StoreError('InvalidArgument', `batchIntervalMs ${batchIntervalMs}: expected a positive number of milliseconds`);
  }
  if (!Number.isSafeInteger(snapshotEveryRecords) || snapshotEveryRecords < 1) {
    throw new StoreError('InvalidArgument', `snapshotEveryRecords ${snapshotEveryRecords}: expected a positive integer`);
  }
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.length === 0)) {
    throw new StoreError('InvalidArgument', 'dataDir must be a non-empty path');
  }
}
