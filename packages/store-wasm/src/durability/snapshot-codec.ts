import type { DumpHeader, DumpRecord } from '../engine.js';
import type { LeaseRecord } from '../lessor.js';
import { FRAME_HEADER_BYTES, writeFrameHeader } from './record-frame.js';
import type { SnapshotState } from './write-log.js';

/**
 * The body of a snapshot file: a sequence of frames (record-frame.ts), each one block of about BLOCK_BYTES, so a
 * snapshot of any size is written and read a block at a time and a damaged block is found by its own checksum.
 * Numbers are f64 LE (every revision, index and lease id is a safe integer); byte strings are u32 length + bytes.
 *
 *   META     1 | appliedIndex | currentRevision | compactRevision
 *   LEASES   2 | u32 n | (id, ttl) * n                              zero or more blocks
 *   RECORDS  3 | u32 n | record * n                                 zero or more blocks, in (main, sub) order
 *   END      9 | records | leases | u32 blocks before END           last; nothing may follow it
 *   record   = key | value | main | sub | createRevision | version | lease | u8 tombstone
 *
 * END makes a snapshot cut short detectable even when the cut falls exactly between blocks.
 */
export const BLOCK_META = 1;
export const BLOCK_LEASES = 2;
export const BLOCK_RECORDS = 3;
export const BLOCK_END = 9;

/** Target payload size of one block. Large enough that per-block costs vanish, small enough to stream. */
export const BLOCK_BYTES = 1024 * 1024;
/** type byte + u32 count */
const BLOCK_PREFIX = 5;
const RECORD_FIXED_BYTES = 4 + 4 + 5 * 8 + 1;
const LEASE_BYTES = 16;

/** Packs items into blocks and hands each sealed block (a whole frame) to `emit`. */
class BlockPacker {
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private items = 0;
  private type = 0;
  blocks = 0;

  constructor(private readonly emit: (frame: Uint8Array) => void) {}

  /** Makes room for `bytes` more in a block of `type`, sealing the current block first when needed. */
  reserve(type: number, bytes: number): DataView {
    if (this.type !== type || this.pos + bytes > this.buf.byteLength) {
      this.seal();
      const size = Math.max(BLOCK_BYTES, bytes) + FRAME_HEADER_BYTES + BLOCK_PREFIX;
      this.buf = new Uint8Array(size);
      this.view = new DataView(this.buf.buffer);
      this.buf[FRAME_HEADER_BYTES] = type;
      this.pos = FRAME_HEADER_BYTES + BLOCK_PREFIX;
      this.type = type;
    }
    this.items++;
    return this.view;
  }

  get offset(): number {
    return this.pos;
  }
  set offset(v: number) {
    this.pos = v;
  }
  bytes(b: Uint8Array): void {
    this.view.setUint32(this.pos, b.byteLength, true);
    this.buf.set(b, this.pos + 4);
    this.pos += 4 + b.byteLength;
  }

  seal(): void {
    if (this.type === 0) return;
    this.view.setUint32(FRAME_HEADER_BYTES + 1, this.items, true);
    writeFrameHeader(this.buf, 0, this.buf.subarray(FRAME_HEADER_BYTES, this.pos));
    this.emit(this.buf.subarray(0, this.pos));
    this.blocks++;
    this.type = 0;
    this.items = 0;
  }
}

/**
 * Serializes `state` synchronously, reading `state.records` exactly once, to the end. Blocks go to `emit` as they
 * fill, so the caller decides how many stay in memory. Returns the counts written.
 */
export function encodeSnapshot(state: SnapshotState, emit: (frame: Uint8Array) => void): { records: number; leases: number } {
  const p = new BlockPacker(emit);
  let view = p.reserve(BLOCK_META, 24);
  view.setFloat64(p.offset, state.appliedIndex, true);
  view.setFloat64(p.offset + 8, state.header.currentRevision, true);
  view.setFloat64(p.offset + 16, state.header.compactRevision, true);
  p.offset += 24;
  for (const l of state.leases) {
    view = p.reserve(BLOCK_LEASES, LEASE_BYTES);
    view.setFloat64(p.offset, l.id, true);
    view.setFloat64(p.offset + 8, l.ttl, true);
    p.offset += LEASE_BYTES;
  }
  let records = 0;
  for (const r of state.records) {
    const value = r.tombstone ? EMPTY : r.value;
    view = p.reserve(BLOCK_RECORDS, RECORD_FIXED_BYTES + r.key.byteLength + value.byteLength);
    p.bytes(r.key);
    p.bytes(value);
    const at = p.offset;
    view.setFloat64(at, r.main, true);
    view.setFloat64(at + 8, r.sub, true);
    view.setFloat64(at + 16, r.createRevision, true);
    view.setFloat64(at + 24, r.version, true);
    view.setFloat64(at + 32, r.lease, true);
    view.setUint8(at + 40, r.tombstone ? 1 : 0);
    p.offset = at + 41;
    records++;
  }
  p.seal();
  const blocks = p.blocks;
  view = p.reserve(BLOCK_END, 20);
  view.setFloat64(p.offset, records, true);
  view.setFloat64(p.offset + 8, state.leases.length, true);
  view.setUint32(p.offset + 16, blocks, true);
  p.offset += 20;
  p.seal();
  return { records, leases: state.leases.length };
}

const EMPTY = new Uint8Array(0);

/** The parts of a snapshot other than its records, as read back. */
export interface SnapshotSummary {
  appliedIndex: number;
  header: DumpHeader;
  leases: LeaseRecord[];
  records: number;
}

/** Why a block does not parse; the caller adds file and offset. */
export class BlockError extends Error {}

/** A cursor over one block's payload (after its type byte and count). Throws BlockError past its end. */
export class BlockReader {
  private pos = BLOCK_PREFIX;
  private readonly view: DataView;
  readonly type: number;
  readonly count: number;

  constructor(private readonly payload: Uint8Array) {
    if (payload.byteLength < BLOCK_PREFIX) throw new BlockError(`block of ${payload.byteLength} bytes is too short`);
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    this.type = payload[0]!;
    this.count = this.view.getUint32(1, true);
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** A view into the block: valid as long as the block buffer is. */
  bytes(): Uint8Array {
    this.need(4);
    const n = this.view.getUint32(this.pos, true);
    this.need(4 + n);
    const v = this.payload.subarray(this.pos + 4, this.pos + 4 + n);
    this.pos += 4 + n;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u8(): number {
    this.need(1);
    return this.payload[this.pos++]!;
  }
  record(): DumpRecord {
    const key = this.bytes();
    const value = this.bytes();
    const main = this.f64();
    const sub = this.f64();
    const createRevision = this.f64();
    const version = this.f64();
    const lease = this.f64();
    const tombstone = this.u8() !== 0;
    return { key, value, main, sub, createRevision, version, lease, tombstone };
  }
  /** Steps over one record without building it (verification). */
  skipRecord(): void {
    for (let i = 0; i < 2; i++) {
      this.need(4);
      const n = this.view.getUint32(this.pos, true);
      this.need(4 + n);
      this.pos += 4 + n;
    }
    this.need(RECORD_FIXED_BYTES - 8);
    this.pos += RECORD_FIXED_BYTES - 8;
  }
  end(): void {
    if (this.pos !== this.payload.byteLength) throw new BlockError(`${this.payload.byteLength - this.pos} unexpected bytes at the end of a block`);
  }

  private need(n: number): void {
    if (this.pos + n > this.payload.byteLength) throw new BlockError(`block ends in the middle of an item`);
  }
}
