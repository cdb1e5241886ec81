import type { ChangesOptions, DumpHeader, DumpRecord, EngineOptions, EngineStats, MvccEngine } from '../engine.js';
import { StoreError } from '../errors.js';
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
} from '../kv.js';
import { collectChanges } from './ts-changes.js';
import { compactState } from './ts-compaction.js';
import { dumpRecords, loadRecords } from './ts-snapshot.js';
import { TsState } from './ts-state.js';
import { checkPut, runTxn } from './ts-txn.js';

/**
 * Rough heap cost of one key besides its bytes: the KeyIndex, its latin1 string's header, its B+tree entry and its
 * hash-table slots (measured: ~215 B of heap per 40-byte key at 200k keys, key included).
 */
const BYTES_PER_KEY = 175;

const everyLeaseExists = (): boolean => true;

/**
 * The TypeScript twin of the WASM engine: the MvccEngine contract (engine.ts) over a B+tree index, per-key
 * generations, a row-per-revision log and a slab arena for values (ts-state.ts shows how they fit).
 */
export class TsEngine implements MvccEngine {
  readonly kind = 'ts' as const;
  private readonly state = new TsState();
  private readonly leaseExists: (id: number) => boolean;
  private closed = false;

  constructor(opts: EngineOptions = {}) {
    this.leaseExists = opts.leaseExists ?? everyLeaseExists;
  }

  currentRevision(): number {
    this.assertOpen();
    return this.state.rev;
  }

  compactRevision(): number {
    this.assertOpen();
    return this.state.compacted;
  }

  range(key: Uint8Array, rangeEnd?: Uint8Array, opts: RangeOptions = {}): RangeResult {
    this.assertOpen();
    const state = this.state;
    return state.rangeAt(key, rangeEnd, opts, this.readRevision(opts.revision ?? 0), state.rev);
  }

  put(key: Uint8Array, value: Uint8Array, opts: PutOptions = {}): PutResult {
    this.assertOpen();
    const state = this.state;
    checkPut(state, key, opts, this.leaseExists);
    state.startWrite();
    const res = state.put(key, value, opts);
    state.finishWrite();
    return res;
  }

  deleteRange(key: Uint8Array, rangeEnd?: Uint8Array, opts: DeleteRangeOptions = {}): DeleteRangeResult {
    this.assertOpen();
    const state = this.state;
    state.startWrite();
    const res = state.deleteRange(key, rangeEnd, opts.prevKv === true);
    state.finishWrite();
    return res;
  }

  txn(req: TxnRequest): TxnResult {
    this.assertOpen();
    return runTxn(this.state, req, this.leaseExists);
  }

  compact(revision: number): void {
    this.assertOpen();
    const state = this.state;
    if (revision <= state.compacted) throw new StoreError('Compacted', undefined, { compactRevision: state.compacted });
    if (revision > state.rev) throw new StoreError('FutureRev', undefined, { currentRevision: state.rev });
    compactState(state, revision);
  }

  changes(fromRev: number, toRev: number, opts: ChangesOptions = {}): WatchEvent[] {
    this.assertOpen();
    const state = this.state;
    if (fromRev < state.compacted) throw new StoreError('Compacted', undefined, { compactRevision: state.compacted });
    return collectChanges(state, fromRev, toRev, opts);
  }

  stats(): EngineStats {
    this.assertOpen();
    const { tree, table, log, arena, liveKeys, keyBytes } = this.state;
    return {
      keys: liveKeys,
      revisions: log.size,
      memoryBytes: log.memoryBytes + arena.memoryBytes + table.memoryBytes + tree.size * BYTES_PER_KEY + keyBytes,
    };
  }

  dump(): { header: DumpHeader; records: Iterable<DumpRecord> } {
    this.assertOpen();
    const state = this.state;
    return { header: { currentRevision: state.rev, compactRevision: state.compacted }, records: dumpRecords(state) };
  }

  load(header: DumpHeader, records: Iterable<DumpRecord>): void {
    this.assertOpen();
    loadRecords(this.state, header, records);
  }

  close(): void {
    if (this.closed) return;
    this.state.clear();
    this.closed = true;
  }

  /** The main revision a read at `requested` (0 or less: current) is served from. */
  private readRevision(requested: number): number {
    const state = this.state;
    if (requested > state.rev) throw new StoreError('FutureRev', undefined, { currentRevision: state.rev });
    const at = requested <= 0 ? state.rev : requested;
    if (at < state.compacted) throw new StoreError('Compacted', undefined, { compactRevision: state.compacted });
    return at;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('Closed', 'the engine was closed');
  }
}
