import type {
  DeleteRangeOptions,
  DeleteRangeResult,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  TxnRequest,
  TxnResult,
  WatchEvent,
} from './kv.js';

export type EngineKind = 'wasm' | 'ts';

export interface EngineOptions {
  /**
   * Tells whether a lease exists. Puts that name a lease (alone or in the chosen branch of a txn) fail with
   * LeaseNotFound, before anything is applied, when this returns false. Absent: every lease exists.
   */
  leaseExists?: (id: number) => boolean;
}

export interface ChangesOptions {
  /** Only changes to keys in this range (etcd conventions); absent: every key. */
  key?: Uint8Array;
  rangeEnd?: Uint8Array;
  /** Fill WatchEvent.prevKv. */
  prevKv?: boolean;
  /**
   * Stop after about this many events. The events of the last main revision reached are always completed, so a
   * caller can continue from (last event's modRevision + 1). 0 or absent: no limit.
   */
  limit?: number;
}

export interface EngineStats {
  /** Keys that exist at the current revision. */
  keys: number;
  /** Stored revisions of all keys (history not yet compacted, tombstones included). */
  revisions: number;
  /** Bytes the engine holds for index, history and values (wasm: linear memory in use; ts: an estimate). */
  memoryBytes: number;
}

/**
 * One stored revision of one key, as snapshots carry it. Records are produced and consumed in (main, sub) order.
 * A tombstone carries the key and its revision only.
 */
export interface DumpRecord {
  key: Uint8Array;
  value: Uint8Array;
  main: number;
  sub: number;
  createRevision: number;
  version: number;
  lease: number;
  tombstone: boolean;
}

export interface DumpHeader {
  currentRevision: number;
  compactRevision: number;
}

/**
 * The in-memory MVCC core: etcd's kvstore semantics over a B+tree index, synchronous, no durability.
 * Both engines (wasm and ts) implement it with identical observable results.
 *
 * Revision rules (as etcd):
 *  - A fresh engine is at revision 1. A put always advances it; a deleteRange or txn advances it only if it
 *    changed something. All changes of one call share the new main revision and take sub revisions 0, 1, 2...
 *  - Inside a txn, every compare (nested txns' too) is evaluated against the state before the txn. Reads in the
 *    chosen branch see the branch's earlier writes. Nested results report: range -> the view revision at that
 *    point (begin, or begin + 1 once the txn has changed something); put -> begin + 1; deleteRange -> begin + 1
 *    if the txn has changed anything so far (this delete included), else begin.
 *  - Before anything in the chosen branch is applied, its puts are checked (recursively): ignoreValue/ignoreLease
 *    on a key absent before the txn -> KeyNotFound; a lease for which leaseExists is false -> LeaseNotFound.
 *  - Reads at revision r: r > current -> FutureRev; 0 < r < compactRevision -> Compacted (r = compactRevision is
 *    readable). compact(r): r <= compactRevision -> Compacted; r > current -> FutureRev.
 *  - compact(r) drops, for every key, the revisions below r except the latest one at or below r, and drops that
 *    one too if it is a tombstone; reads at any r' >= r give the same results as before.
 *
 * Request validation (empty keys, txn size, duplicate keys, value/lease provided with ignore flags) is the
 * caller's job (validate-request.ts); engines may assume valid requests.
 */
export interface MvccEngine {
  readonly kind: EngineKind;
  currentRevision(): number;
  /** The revision last compacted to, 0 if never. */
  compactRevision(): number;
  range(key: Uint8Array, rangeEnd?: Uint8Array, opts?: RangeOptions): RangeResult;
  put(key: Uint8Array, value: Uint8Array, opts?: PutOptions): PutResult;
  deleteRange(key: Uint8Array, rangeEnd?: Uint8Array, opts?: DeleteRangeOptions): DeleteRangeResult;
  txn(req: TxnRequest): TxnResult;
  compact(revision: number): void;
  /**
   * Every change with main revision in [fromRev, toRev], ordered by (main, sub). fromRev < compactRevision ->
   * Compacted.
   */
  changes(fromRev: number, toRev: number, opts?: ChangesOptions): WatchEvent[];
  stats(): EngineStats;
  /** Every stored revision, in (main, sub) order, for a snapshot. The engine must not be written while iterating. */
  dump(): { header: DumpHeader; records: Iterable<DumpRecord> };
  /** Replace this (fresh) engine's whole state with a dump's. */
  load(header: DumpHeader, records: Iterable<DumpRecord>): void;
  /** Release memory; the engine is unusable afterwards. */
  close(): void;
}
