import { readFileSync } from 'node:fs';
import type { ChangesOptions, DumpHeader, DumpRecord, EngineOptions, EngineStats, MvccEngine } from './engine.js';
import { StoreError } from './errors.js';
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
import {
  Boundary,
  CH_HAS_KEY,
  CH_PREV_KV,
  F_COUNT_ONLY,
  F_IGNORE_LEASE,
  F_IGNORE_VALUE,
  F_KEYS_ONLY,
  F_LEASE_MISSING,
  F_PREV_KV,
  type StoreExports,
} from './wasm-codec.js';
import { checkHeader, dumpRecords, loadRecords } from './wasm-snapshot.js';
import { runTxn } from './wasm-txn.js';

/**
 * The WASM engine: the MVCC core of assembly/ (B+tree and hash index over key records, revision log, compaction)
 * behind the MvccEngine interface. This file instantiates the module; wasm-codec.ts is the byte layout of the
 * boundary, wasm-txn.ts and wasm-snapshot.ts drive txns and dumps through it. The module is compiled once per
 * process; each engine has one instance with its own linear memory for its whole life (load() empties it in place).
 */

const PAGE = 65536;
/** wasm32 addresses 4 GiB; the allocator's arithmetic is 32-bit, so the last page stays unused. */
const MAX_PAGES = 65535;
const INITIAL_PAGES = 16;
const NO_BYTES = new Uint8Array(0);

export interface WasmEngineOptions extends EngineOptions {
  /**
   * Most linear memory this engine may use, in bytes (whole 64 KiB pages; default and maximum 4 GiB - 64 KiB).
   * Writes that would need more fail with NoSpace and change nothing.
   */
  maxMemoryBytes?: number;
}

let compiled: WebAssembly.Module | undefined;

function storeModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('../build/store.wasm', import.meta.url)));
  return compiled;
}

function instantiate(maxPages: number): Boundary {
  const memory = new WebAssembly.Memory({ initial: Math.min(INITIAL_PAGES, maxPages), maximum: maxPages });
  const instance = new WebAssembly.Instance(storeModule(), { env: { memory } });
  const ex = instance.exports as unknown as StoreExports;
  if (ex.init(maxPages) < 0) {
    throw new StoreError('NoSpace', `a ${maxPages * PAGE}-byte memory cannot hold an empty engine`);
  }
  return new Boundary(ex, memory);
}

function pagesFor(opts: WasmEngineOptions): number {
  const bytes = opts.maxMemoryBytes;
  if (bytes === undefined) return MAX_PAGES;
  if (typeof bytes !== 'number' || !(bytes >= 0)) {
    throw new StoreError('InvalidArgument', `maxMemoryBytes must be a non-negative number of bytes, got ${String(bytes)}`);
  }
  return Math.max(INITIAL_PAGES, Math.min(MAX_PAGES, Math.floor(bytes / PAGE)));
}

/** Limit as the module takes it: 0 (none) for absent or non-positive limits, as etcd treats them. */
function limitOf(limit: number | undefined): number {
  return limit !== undefined && limit > 0 ? limit : 0;
}

export class WasmEngine implements MvccEngine {
  readonly kind = 'wasm' as const;
  private b: Boundary | undefined;
  /** Why the engine was retired, if a trap retired it. */
  private broken: string | undefined;
  private readonly leaseExists: ((id: number) => boolean) | undefined;
  private readonly maxPages: number;

  constructor(opts: WasmEngineOptions = {}) {
    this.leaseExists = opts.leaseExists;
    this.maxPages = pagesFor(opts);
    this.b = instantiate(this.maxPages);
  }

  private get io(): Boundary {
    if (this.b === undefined) throw this.broken === undefined ? new StoreError('Closed') : new StoreError('Corrupt', this.broken);
    return this.b;
  }

  /**
   * The module traps only on a bug (an allocation failing inside a write whose memory was planned, an address out
   * of bounds): its state can no longer be trusted, so the engine is retired and every later call fails Corrupt.
   */
  private retire(err: unknown): never {
    if (err instanceof WebAssembly.RuntimeError) {
      this.b = undefined;
      this.broken = `the wasm engine trapped (${err.message}) and was retired; reload it from a snapshot`;
      throw new StoreError('Corrupt', this.broken);
    }
    throw err;
  }

  currentRevision(): number {
    return this.io.ex.currentRevision();
  }

  compactRevision(): number {
    return this.io.ex.compactRevision();
  }

  range(key: Uint8Array, rangeEnd?: Uint8Array, opts?: RangeOptions): RangeResult {
    try {
      const b = this.io;
      const at = opts?.revision ?? 0;
      const keysOnly = opts?.keysOnly === true;
      const countOnly = opts?.countOnly === true;
      if (rangeEnd === undefined || rangeEnd.length === 0) {
        b.write1(key);
        const found = b.ex.get(key.length, at, keysOnly ? F_KEYS_ONLY : 0);
        if (found < 0) throw b.error(found);
        const revision = b.ex.currentRevision();
        if (found === 0) return { kvs: [], count: 0, more: false, revision };
        if (countOnly) return { kvs: [], count: 1, more: false, revision };
        b.sync();
        return { kvs: [b.ioKv(new Uint8Array(key))], count: 1, more: false, revision };
      }
      const limit = limitOf(opts?.limit);
      b.write2(key, rangeEnd);
      const st = b.ex.range(key.length, rangeEnd.length, at, limit, (keysOnly ? F_KEYS_ONLY : 0) | (countOnly ? F_COUNT_ONLY : 0));
      if (st < 0) throw b.error(st);
      const count = b.ioA();
      const n = countOnly ? 0 : limit > 0 ? Math.min(count, limit) : count;
      return { kvs: b.kvs(n), count, more: !countOnly && limit > 0 && count > limit, revision: b.ex.currentRevision() };
    } catch (err) {
      return this.retire(err);
    }
  }

  put(key: Uint8Array, value: Uint8Array, opts?: PutOptions): PutResult {
    try {
      const b = this.io;
      const lease = opts?.lease ?? 0;
      let flags = 0;
      if (opts !== undefined) {
        if (opts.prevKv) flags |= F_PREV_KV;
        if (opts.ignoreValue) flags |= F_IGNORE_VALUE;
        if (opts.ignoreLease) flags |= F_IGNORE_LEASE;
      }
      if (lease !== 0 && this.leaseExists !== undefined && !this.leaseExists(lease)) flags |= F_LEASE_MISSING;
      b.write1(key);
      const at = b.ex.putPrepare(key.length, value.length, flags);
      if (at < 0) throw b.error(at);
      if (at > 0) b.place(value, at);
      const revision = b.ex.putCommit(key.length, value.length, lease, flags);
      if ((flags & F_PREV_KV) === 0 || b.ioB() !== 1) return { revision };
      return { revision, prevKv: b.ioKv() };
    } catch (err) {
      return this.retire(err);
    }
  }

  deleteRange(key: Uint8Array, rangeEnd?: Uint8Array, opts?: DeleteRangeOptions): DeleteRangeResult {
    try {
      const b = this.io;
      const end = rangeEnd ?? NO_BYTES;
      const prevKv = opts?.prevKv === true;
      b.write2(key, end);
      const revision = b.ex.deleteRange(key.length, end.length, prevKv ? F_PREV_KV : 0);
      if (revision < 0) throw b.error(revision);
      const deleted = b.ioA();
      return prevKv ? { revision, deleted, prevKvs: b.kvs(deleted) } : { revision, deleted };
    } catch (err) {
      return this.retire(err);
    }
  }

  txn(req: TxnRequest): TxnResult {
    try {
      return runTxn(this.io, req, this.leaseExists);
    } catch (err) {
      return this.retire(err);
    }
  }

  compact(revision: number): void {
    try {
      const b = this.io;
      const st = b.ex.compact(revision);
      if (st < 0) throw b.error(st);
    } catch (err) {
      return this.retire(err);
    }
  }

  changes(fromRev: number, toRev: number, opts?: ChangesOptions): WatchEvent[] {
    try {
      const b = this.io;
      let flags = opts?.prevKv ? CH_PREV_KV : 0;
      let klen = 0;
      let elen = 0;
      if (opts?.key !== undefined) {
        const end = opts.rangeEnd ?? NO_BYTES;
        b.write2(opts.key, end);
        flags |= CH_HAS_KEY;
        klen = opts.key.length;
        elen = end.length;
      }
      const st = b.ex.changes(fromRev, toRev, klen, elen, flags, limitOf(opts?.limit));
      if (st < 0) throw b.error(st);
      return b.events(b.ioA());
    } catch (err) {
      return this.retire(err);
    }
  }

  stats(): EngineStats {
    const ex = this.io.ex;
    return { keys: ex.statsKeys(), revisions: ex.statsRevisions(), memoryBytes: ex.memoryInUse() };
  }

  /** Bytes of linear memory the engine has grown to (what the process pays, free lists included). */
  linearMemoryBytes(): number {
    return this.io.ex.memoryLimit();
  }

  dump(): { header: DumpHeader; records: Iterable<DumpRecord> } {
    const b = this.io;
    const header = { currentRevision: b.ex.currentRevision(), compactRevision: b.ex.compactRevision() };
    return { header, records: { [Symbol.iterator]: () => dumpRecords(b) } };
  }

  load(header: DumpHeader, records: Iterable<DumpRecord>): void {
    const b = this.io;
    checkHeader(header);
    // Loading starts from an empty engine, and a failed load empties it again rather than leave part of a dump.
    try {
      b.reset(this.maxPages);
      loadRecords(b, header, records);
    } catch (err) {
      try {
        b.reset(this.maxPages);
      } catch (again) {
        return this.retire(again);
      }
      return this.retire(err);
    }
  }

  close(): void {
    this.b = undefined;
  }

  /** The module's kernel benchmark (assembly/bench.ts): n operations of kind op with no boundary in the loop. */
  kernelBench(n: number, op: 0 | 1 | 2): number {
    return this.io.ex.bench(n, op);
  }
}

export function createWasmEngine(opts: WasmEngineOptions = {}): MvccEngine {
  return new WasmEngine(opts);
}
