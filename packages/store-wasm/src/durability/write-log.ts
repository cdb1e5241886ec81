import type { DumpHeader, DumpRecord } from '../engine.js';
import type { LeaseRecord } from '../lessor.js';
import type { FsyncMode, StoreLogger } from '../store.js';

/** Everything a snapshot holds: the engine's records, the leases, and the log position it reflects. */
export interface SnapshotState {
  header: DumpHeader;
  records: Iterable<DumpRecord>;
  leases: LeaseRecord[];
  /** Index of the last log record applied to this state. */
  appliedIndex: number;
}

export interface RecoveredLog {
  /** The newest valid snapshot, if any. */
  snapshot?: SnapshotState;
  /** Log records after the snapshot, in order, as written by append(). */
  records: Iterable<{ index: number; payload: Uint8Array }>;
}

export interface WriteLogOptions {
  dataDir: string;
  fsync: FsyncMode;
  batchIntervalMs: number;
  logger?: StoreLogger;
}

/**
 * The durability seam of the store. The store encodes each validated write request, appends it, and applies it
 * only once append() has resolved, strictly in append order, so what is acknowledged is on disk and recovery
 * (snapshot + replay) rebuilds exactly the acknowledged state.
 */
export interface WriteLog {
  /** Reads what is on disk. Called once, before any append. Throws StoreError('Corrupt') naming file and offset. */
  recover(): Promise<RecoveredLog>;
  /**
   * Appends one record and returns its index (consecutive from the recovered position). The promise resolves when the
   * record is as durable as the fsync mode promises; promises resolve in index order. A disk error rejects this and
   * every later append.
   */
  append(payload: Uint8Array): { index: number; durable: Promise<void> };
  /**
   * Writes a snapshot of `state`, then drops the log records it covers. It must consume `state.records` before it
   * returns (synchronously: the engine keeps taking writes once this call returns); the disk work may finish later.
   */
  snapshot(state: SnapshotState): Promise<void>;
  /** Bytes on disk. */
  size(): number;
  close(): Promise<void>;
}
