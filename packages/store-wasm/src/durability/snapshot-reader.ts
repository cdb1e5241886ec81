import * as fs from 'node:fs';
import type { DumpRecord } from '../engine.js';
import type { LeaseRecord } from '../lessor.js';
import { corruptAt } from './durability-errors.js';
import { FILE_HEADER_BYTES, SNAPSHOT_FILE, decodeFileHeader } from './file-header.js';
import { FRAME_BAD_CHECKSUM, FRAME_HEADER_BYTES, checkFrame, viewOf } from './record-frame.js';
import { BLOCK_END, BLOCK_LEASES, BLOCK_META, BLOCK_RECORDS, BlockError, BlockReader, type SnapshotSummary } from './snapshot-codec.js';

/**
 * Reads a snapshot file a block at a time (memory stays at one block however large the snapshot is).
 * verify() reads it all once and checks every checksum and the structure; records() reads it again, lazily, for
 * the engine to load. Each read re-checks what it reads.
 */
export class SnapshotReader {
  constructor(readonly file: string) {}

  /** Checks the whole file; returns everything but the records. Throws Corrupt naming the file and offset. */
  verify(): SnapshotSummary {
    let summary: SnapshotSummary | undefined;
    const leases: LeaseRecord[] = [];
    let records = 0;
    let blocks = 0;
    let ended = false;
    for (const { offset, block } of this.blocks()) {
      if (ended) throw corruptAt(this.file, offset, 'data after the end block');
      this.parse(offset, () => {
        if (summary === undefined && block.type !== BLOCK_META) throw new BlockError(`first block has type ${block.type}, expected the meta block`);
        switch (block.type) {
          case BLOCK_META:
            if (summary !== undefined) throw new BlockError('a second meta block');
            summary = { appliedIndex: block.f64(), header: { currentRevision: block.f64(), compactRevision: block.f64() }, leases: [], records: 0 };
            break;
          case BLOCK_LEASES:
            for (let i = 0; i < block.count; i++) leases.push({ id: block.f64(), ttl: block.f64() });
            break;
          case BLOCK_RECORDS:
            for (let i = 0; i < block.count; i++) block.skipRecord();
            records += block.count;
            break;
          case BLOCK_END: {
            const wantRecords = block.f64();
            const wantLeases = block.f64();
            const wantBlocks = block.u32();
            block.end();
            if (wantRecords !== records || wantLeases !== leases.length || wantBlocks !== blocks) {
              throw new BlockError(
                `end block counts ${wantRecords} records, ${wantLeases} leases, ${wantBlocks} blocks; the file holds ${records}, ${leases.length}, ${blocks}`,
              );
            }
            ended = true;
            return;
          }
          default:
            throw new BlockError(`unknown block type ${block.type}`);
        }
        block.end();
      });
      blocks++;
    }
    if (!summary) throw corruptAt(this.file, FILE_HEADER_BYTES, 'no meta block');
    if (!ended) throw corruptAt(this.file, this.size(), `the end block is missing after ${blocks} blocks: the snapshot is cut short`);
    const headerIndex = this.headerIndex();
    if (summary.appliedIndex !== headerIndex) {
      throw corruptAt(this.file, FILE_HEADER_BYTES, `meta block says applied index ${summary.appliedIndex}, the header ${headerIndex}`);
    }
    summary.leases = leases;
    summary.records = records;
    return summary;
  }

  /** Every record, in file order. Values are views into a block buffer: an engine that keeps them must copy. */
  *records(): Generator<DumpRecord> {
    for (const { offset, block } of this.blocks()) {
      if (block.type !== BLOCK_RECORDS) continue;
      const batch: DumpRecord[] = [];
      this.parse(offset, () => {
        for (let i = 0; i < block.count; i++) batch.push(block.record());
        block.end();
      });
      yield* batch;
    }
  }

  size(): number {
    return fs.statSync(this.file).size;
  }

  private headerIndex(): number {
    const fd = fs.openSync(this.file, 'r');
    try {
      const head = new Uint8Array(FILE_HEADER_BYTES);
      fs.readSync(fd, head, 0, FILE_HEADER_BYTES, 0);
      return decodeFileHeader(SNAPSHOT_FILE, head, this.file);
    } finally {
      fs.closeSync(fd);
    }
  }

  private parse(offset: number, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof BlockError) throw corruptAt(this.file, offset, e.message);
      throw e;
    }
  }

  /** The file's blocks after its header, each checked against its checksum. */
  private *blocks(): Generator<{ offset: number; block: BlockReader }> {
    const fd = fs.openSync(this.file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const head = new Uint8Array(FILE_HEADER_BYTES);
      fs.readSync(fd, head, 0, FILE_HEADER_BYTES, 0);
      decodeFileHeader(SNAPSHOT_FILE, head.subarray(0, Math.min(size, FILE_HEADER_BYTES)), this.file);
      const frameHead = new Uint8Array(FRAME_HEADER_BYTES);
      let offset = FILE_HEADER_BYTES;
      while (offset < size) {
        if (offset + FRAME_HEADER_BYTES > size) throw corruptAt(this.file, offset, 'block header runs past the end of the file');
        fs.readSync(fd, frameHead, 0, FRAME_HEADER_BYTES, offset);
        const length = viewOf(frameHead).getUint32(0, true);
        const frameBytes = FRAME_HEADER_BYTES + length;
        if (length === 0 || offset + frameBytes > size) throw corruptAt(this.file, offset, `block length ${length} does not fit the file`);
        const frame = new Uint8Array(frameBytes);
        const got = fs.readSync(fd, frame, 0, frameBytes, offset);
        const next = got === frameBytes ? checkFrame(frame, viewOf(frame), 0, frameBytes) : -1;
        if (next !== frameBytes) {
          throw corruptAt(this.file, offset, next === FRAME_BAD_CHECKSUM ? 'block checksum mismatch' : 'block cannot be read whole');
        }
        yield { offset, block: this.parseBlock(offset, frame.subarray(FRAME_HEADER_BYTES)) };
        offset += frameBytes;
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private parseBlock(offset: number, payload: Uint8Array): BlockReader {
    let block: BlockReader | undefined;
    this.parse(offset, () => {
      block = new BlockReader(payload);
    });
    return block!;
  }
}
