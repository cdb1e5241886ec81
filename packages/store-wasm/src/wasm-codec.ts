import { StoreError } from './errors.js';
import type { DumpRecord } from './engine.js';
import type { KeyValue, WatchEvent } from './kv.js';
import { copyOut } from './wasm-copy-slab.js';

/**
 * The boundary with the store module: its exports, the views over its memory, how requests are written into
 * scratch and how result records are read back (layouts in assembly/io.ts and assembly/history.ts).
 *
 * A kv record, 48 bytes (f64 numbers, u32 pointers into linear memory):
 *   0           8           16          24          32       36       40         44
 *   | createRev | modRev    | version   | lease     | keyPtr | keyLen | valuePtr | valueLen |
 *
 * io: | f64 a | f64 b | kv record | f64 bytesAt | f64 bytesLen |
 * out: | records ... | the key and value bytes of all records (gathered) |
 * event: | u32 type | u32 hasPrev | kv | prev kv |      dump record: | f64 main | u32 sub | u32 tombstone | kv |
 *
 * A multi-key result is copied out of linear memory with one copy of its gathered bytes; its keys and values are
 * views of that copy (distinct bytes each, so no result shares bytes with another or with the engine). The io kv
 * record points into linear memory and is copied field by field (wasm-copy-slab.ts).
 *
 * Memory growth detaches every view; a detached Uint8Array reports length 0, which `sync()` checks (cheaper than
 * reading memory.buffer) before any view is used.
 */
export interface StoreExports {
  init(maxPages: number): number;
  reserveScratch(n: number): number;
  ioPtr(): number;
  outPtr(): number;
  scratchPtr(): number;
  scratchBytes(): number;
  currentRevision(): number;
  compactRevision(): number;
  putPrepare(klen: number, vlen: number, flags: number): number;
  putCommit(klen: number, vlen: number, lease: number, flags: number): number;
  get(klen: number, at: number, flags: number): number;
  range(klen: number, elen: number, at: number, limit: number, flags: number): number;
  deleteRange(klen: number, elen: number, flags: number): number;
  compare(klen: number, elen: number, target: number, result: number, num: number, vlen: number): number;
  exists(klen: number): number;
  planBegin(): void;
  planPut(klen: number, vlen: number, flags: number): void;
  planDelete(klen: number, elen: number, flags: number): void;
  planRange(klen: number, elen: number): void;
  planCommit(): number;
  txnBegin(): void;
  txnEnd(): number;
  viewRevision(): number;
  txnPutPrepare(klen: number, vlen: number, flags: number): number;
  txnPutCommit(klen: number, vlen: number, lease: number, flags: number): number;
  txnDelete(klen: number, elen: number, flags: number): number;
  txnRange(klen: number, elen: number, limit: number, flags: number): number;
  compact(rev: number): number;
  changes(from: number, to: number, klen: number, elen: number, flags: number, limit: number): number;
  dumpRead(start: number, max: number): number;
  loadRecord(klen: number, vlen: number, main: number, sub: number, create: number, version: number, lease: number, tomb: number): number;
  loadFinish(current: number, compacted: number): void;
  statsKeys(): number;
  statsRevisions(): number;
  memoryInUse(): number;
  memoryLimit(): number;
  memoryMax(): number;
  lastNeedBytes(): number;
  bench(n: number, op: number): number;
}

/** Request flags (assembly/status.ts). */
export const F_PREV_KV = 1;
export const F_IGNORE_VALUE = 2;
export const F_IGNORE_LEASE = 4;
export const F_LEASE_MISSING = 8;
export const F_KEYS_ONLY = 16;
export const F_COUNT_ONLY = 32;
export const CH_HAS_KEY = 1;
export const CH_PREV_KV = 2;

export const KV_BYTES = 48;
export const EVENT_BYTES = 104;
export const DUMP_BYTES = 64;

export class Boundary {
  u8!: Uint8Array;
  /** The memory's buffer, as of the last remap (reading memory.buffer is a slow getter). */
  buf!: ArrayBuffer;
  f64!: Float64Array;
  u32!: Uint32Array;
  private scratch = 0;
  private scratchCap = 0;
  readonly io: number;

  constructor(
    readonly ex: StoreExports,
    private readonly memory: WebAssembly.Memory,
  ) {
    this.remap();
    this.io = ex.ioPtr();
  }

  private remap(): void {
    const buf = this.memory.buffer;
    this.buf = buf;
    this.u8 = new Uint8Array(buf);
    this.f64 = new Float64Array(buf);
    this.u32 = new Uint32Array(buf);
    this.scratch = this.ex.scratchPtr();
    this.scratchCap = this.ex.scratchBytes();
  }

  /** Empties the engine in place (same instance and memory); throws NoSpace if even an empty one does not fit. */
  reset(maxPages: number): void {
    if (this.ex.init(maxPages) < 0) throw new StoreError('NoSpace', `a ${maxPages * 65536}-byte memory cannot hold an empty engine`);
    this.remap();
  }

  /** Re-creates the views if memory grew since they were made. */
  sync(): void {
    if (this.u8.length === 0) this.remap();
  }

  private room(n: number): void {
    if (n > this.scratchCap) {
      if (this.ex.reserveScratch(n) === 0) throw this.noSpace(n);
      this.remap();
    } else {
      this.sync();
    }
  }

  /** Writes bytes at an address the module handed out for them (a value's own block). */
  place(a: Uint8Array, at: number): void {
    this.sync();
    this.u8.set(a, at);
  }

  write1(a: Uint8Array): void {
    this.room(a.length);
    this.u8.set(a, this.scratch);
  }

  write2(a: Uint8Array, b: Uint8Array): void {
    this.room(a.length + b.length);
    this.u8.set(a, this.scratch);
    this.u8.set(b, this.scratch + a.length);
  }

  write3(a: Uint8Array, b: Uint8Array, c: Uint8Array): void {
    this.room(a.length + b.length + c.length);
    this.u8.set(a, this.scratch);
    this.u8.set(b, this.scratch + a.length);
    this.u8.set(c, this.scratch + a.length + b.length);
  }

  /** io.a: a count the last call left there. */
  ioA(): number {
    this.sync();
    return this.f64[this.io >>> 3]!;
  }

  /** io.b: a flag or count the last call left there. */
  ioB(): number {
    this.sync();
    return this.f64[(this.io >>> 3) + 1]!;
  }

  /** The kv record in io (views in sync); its pointers are addresses. `key` stands in for the key copy. */
  ioKv(key?: Uint8Array): KeyValue {
    const f = this.f64;
    const u = this.u32;
    const i = (this.io + 16) >>> 3;
    const j = (this.io + 16) >>> 2;
    return {
      key: key ?? copyOut(this.buf, u[j + 8]!, u[j + 9]!),
      value: copyOut(this.buf, u[j + 10]!, u[j + 11]!),
      createRevision: f[i]!,
      modRevision: f[i + 1]!,
      version: f[i + 2]!,
      lease: f[i + 3]!,
    };
  }

  /**
   * The bytes the module gathered behind the last multi-key result, copied out in one piece; undefined when it
   * could not gather them (record pointers are then addresses).
   */
  private gathered(): Uint8Array | undefined {
    const i = this.io >>> 3;
    const at = this.f64[i + 8]!;
    return at < 0 ? undefined : copyOut(this.buf, at, this.f64[i + 9]!);
  }

  /**
   * The kv record at byte offset r of out: its key and value are views of `buf` from `base` (the gathered copy),
   * or copies out of linear memory when there is none. (`buffer` is read once per result: it is a slow getter.)
   */
  private outKv(r: number, buf: ArrayBufferLike | undefined, base: number): KeyValue {
    const f = this.f64;
    const u = this.u32;
    const i = r >>> 3;
    const j = r >>> 2;
    let key: Uint8Array;
    let value: Uint8Array;
    if (buf !== undefined) {
      key = new Uint8Array(buf, base + u[j + 8]!, u[j + 9]!);
      value = new Uint8Array(buf, base + u[j + 10]!, u[j + 11]!);
    } else {
      key = copyOut(this.buf, u[j + 8]!, u[j + 9]!);
      value = copyOut(this.buf, u[j + 10]!, u[j + 11]!);
    }
    return { key, value, createRevision: f[i]!, modRevision: f[i + 1]!, version: f[i + 2]!, lease: f[i + 3]! };
  }

  /** n kv records from out. */
  kvs(n: number): KeyValue[] {
    this.sync();
    const out: KeyValue[] = new Array(n);
    if (n === 0) return out;
    const bytes = this.gathered();
    const buf = bytes?.buffer;
    const base = bytes === undefined ? 0 : bytes.byteOffset;
    let r = this.ex.outPtr();
    for (let i = 0; i < n; i++, r += KV_BYTES) out[i] = this.outKv(r, buf, base);
    return out;
  }

  /** n event records from out. */
  events(n: number): WatchEvent[] {
    this.sync();
    const out: WatchEvent[] = new Array(n);
    if (n === 0) return out;
    const bytes = this.gathered();
    const buf = bytes?.buffer;
    const base = bytes === undefined ? 0 : bytes.byteOffset;
    let r = this.ex.outPtr();
    for (let i = 0; i < n; i++, r += EVENT_BYTES) {
      const j = r >>> 2;
      const ev: WatchEvent = { type: this.u32[j] === 1 ? 'DELETE' : 'PUT', kv: this.outKv(r + 8, buf, base) };
      if (this.u32[j + 1] === 1) ev.prevKv = this.outKv(r + 8 + KV_BYTES, buf, base);
      out[i] = ev;
    }
    return out;
  }

  /** n dump records from out. */
  dumpRecords(n: number): DumpRecord[] {
    this.sync();
    const out: DumpRecord[] = new Array(n);
    if (n === 0) return out;
    const bytes = this.gathered();
    const buf = bytes?.buffer;
    const base = bytes === undefined ? 0 : bytes.byteOffset;
    let r = this.ex.outPtr();
    for (let i = 0; i < n; i++, r += DUMP_BYTES) {
      const kv = this.outKv(r + 16, buf, base);
      out[i] = {
        key: kv.key,
        value: kv.value,
        main: this.f64[r >>> 3]!,
        sub: this.u32[(r >>> 2) + 2]!,
        createRevision: kv.createRevision,
        version: kv.version,
        lease: kv.lease,
        tombstone: this.u32[(r >>> 2) + 3] === 1,
      };
    }
    return out;
  }

  /** The StoreError for a negative status from the module. */
  error(status: number): StoreError {
    switch (status) {
      case -1:
        return new StoreError('Compacted', undefined, { compactRevision: this.ex.compactRevision() });
      case -2:
        return new StoreError('FutureRev', undefined, { currentRevision: this.ex.currentRevision() });
      case -3:
        return new StoreError('KeyNotFound');
      case -4:
        return new StoreError('LeaseNotFound');
      case -5:
        return this.noSpace(this.ex.lastNeedBytes());
      case -6:
        return new StoreError('Corrupt', 'load records out of (main, sub) order');
      default:
        return new StoreError('Corrupt', `unknown status ${status} from the wasm engine`);
    }
  }

  private noSpace(need: number): StoreError {
    const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
    return new StoreError(
      'NoSpace',
      `needed ${need} more bytes; linear memory is ${mib(this.ex.memoryLimit())} of at most ${mib(this.ex.memoryMax())}, ${mib(this.ex.memoryInUse())} in use`,
    );
  }
}

