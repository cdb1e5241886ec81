import { createEngine } from './engine-factory.js';
import { StoreError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import type { Store, StoreOptions } from './store.js';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_TXN_OPS } from './validate-request.js';

/** etcd 3.4's --snapshot-count. */
const DEFAULT_SNAPSHOT_EVERY = 100_000;

/**
 * Opens a store: in memory, or durable in `dataDir` (recovering what is there). The WASM engine by default.
 */
export async function createStore(opts: StoreOptions = {}): Promise<Store> {
  let store: MvccStore | undefined;
  const engine = createEngine(opts.engine ?? 'wasm', { leaseExists: (id) => store!.leaseExists(id) });
  if (opts.dataDir !== undefined) {
    engine.close();
    throw new StoreError('InvalidArgument', 'durable stores (dataDir) are not available yet');
  }
  store = new MvccStore(engine, {
    maxRequestBytes: opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    maxTxnOps: opts.maxTxnOps ?? DEFAULT_MAX_TXN_OPS,
    snapshotEveryRecords: opts.snapshotEveryRecords ?? DEFAULT_SNAPSHOT_EVERY,
    logger: opts.logger,
  });
  return store;
}
