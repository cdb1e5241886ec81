import * as fs from 'node:fs';
import { join } from 'node:path';
import { diskFailure } from './durability-errors.js';
import type { DurableFs } from './durable-fs.js';
import { FILE_HEADER_BYTES, SEGMENT_FILE, encodeFileHeader, fileName, parseFileName } from './file-header.js';
import { scanSegment, segmentRecords, type SegmentScan } from './segment-scan.js';

/** A segment the log knows about; `bytes` of the active (last) one grows as batches are written. */
export interface SegmentInfo {
  file: string;
  firstIndex: number;
  bytes: number;
}

export interface OpenSegment {
  info: SegmentInfo;
  fd: number;
}

/**
 * Creates a segment whose first record will have index `firstIndex`, open for writing after its header. The file
 * appears under its final name only once its header is on disk (temp file, fsync, rename, directory fsync), so a
 * crash never leaves a segment with a partial header.
 */
export async function createSegment(dfs: DurableFs, walDir: string, firstIndex: number): Promise<OpenSegment> {
  const file = join(walDir, fileName(SEGMENT_FILE, firstIndex));
  const tmp = `${file}.tmp`;
  let fd = -1;
  try {
    fd = await dfs.open(tmp, 'w');
    const header = encodeFileHeader(SEGMENT_FILE, firstIndex);
    const wrote = await dfs.writev(fd, [header], 0);
    if (wrote !== header.byteLength) throw new Error(`short write: ${wrote} of ${header.byteLength} bytes`);
    await dfs.fdatasync(fd);
    await dfs.rename(tmp, file);
    await dfs.syncDir(walDir);
  } catch (e) {
    if (fd >= 0) await dfs.close(fd).catch(() => undefined);
    await dfs.unlink(tmp).catch(() => undefined);
    throw diskFailure(e, file, 'creating segment');
  }
  return { info: { file, firstIndex, bytes: FILE_HEADER_BYTES }, fd };
}

/** Opens an existing segment to append after its last intact record. */
export async function reopenSegment(dfs: DurableFs, scan: SegmentScan): Promise<OpenSegment> {
  try {
    const fd = await dfs.open(scan.file, 'r+');
    return { info: { file: scan.file, firstIndex: scan.firstIndex, bytes: scan.validBytes }, fd };
  } catch (e) {
    throw diskFailure(e, scan.file, 'opening segment');
  }
}

/** Segment files in `walDir` by first index, ascending. Leftover temp files are removed (never complete segments). */
export function listSegments(walDir: string): { file: string; index: number }[] {
  const found: { file: string; index: number }[] = [];
  for (const name of fs.readdirSync(walDir)) {
    if (name.endsWith('.tmp')) {
      fs.rmSync(join(walDir, name), { force: true });
      continue;
    }
    const index = parseFileName(SEGMENT_FILE, name);
    if (index !== undefined) found.push({ file: join(walDir, name), index });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Reads and checks every segment, one file in memory at a time. Only the last may end in a torn record. */
export function scanSegments(walDir: string): SegmentScan[] {
  const listed = listSegments(walDir);
  return listed.map(({ file, index }, i) => scanSegment(fs.readFileSync(file), file, index, i === listed.length - 1));
}

/** Every record with index > afterIndex, reading the segments again lazily, one at a time. */
export function* replayRecords(scans: readonly SegmentScan[], afterIndex: number): Generator<{ index: number; payload: Uint8Array }> {
  for (const scan of scans) {
    if (scan.count === 0 || scan.firstIndex + scan.count - 1 <= afterIndex) continue;
    yield* segmentRecords(fs.readFileSync(scan.file), scan, afterIndex);
  }
}
