import { corruptAt } from './durability-errors.js';
import { FILE_HEADER_BYTES, SEGMENT_FILE, decodeFileHeader } from './file-header.js';
import {
  FRAME_BAD_CHECKSUM,
  FRAME_BAD_LENGTH,
  FRAME_HEADER_BYTES,
  SEARCH_UNDECIDED,
  checkFrame,
  findIntactFrame,
  viewOf,
} from './record-frame.js';

/**
 * What one log segment holds. A segment is a file header followed by frames (record-frame.ts); its records carry
 * consecutive indexes from the header's first index.
 */
export interface SegmentScan {
  file: string;
  firstIndex: number;
  /** Intact records. */
  count: number;
  /** Byte offset just past the last intact record: where appending resumes. */
  validBytes: number;
  /** Bytes on disk. */
  fileBytes: number;
  /** Only in the last segment: a record cut short by a crash, to be cut off. */
  torn?: { offset: number; bytes: number; reason: string };
}

/** How many payload bytes the torn-tail check may checksum while looking for intact records after damage. */
const RESYNC_BUDGET_BYTES = 256 * 1024 * 1024;

function damageReason(code: number, buf: Uint8Array, offset: number): string {
  if (code === FRAME_BAD_LENGTH) return `record length ${viewOf(buf).getUint32(offset, true)} is invalid`;
  if (code === FRAME_BAD_CHECKSUM) return 'record checksum mismatch';
  return `record runs past the end of the file (${buf.byteLength - offset} bytes left)`;
}

/**
 * Checks every record of a segment. Damage is a torn tail only in the last segment and only when no intact record
 * follows it anywhere: a crash mid-write leaves a partial record (or zeros) at the end, never an intact record after
 * a broken one. Anything else throws Corrupt naming the file and the byte offset where the damage starts, because
 * cutting there would drop records that were acknowledged.
 */
export function scanSegment(buf: Uint8Array, file: string, nameIndex: number, isLast: boolean): SegmentScan {
  const firstIndex = decodeFileHeader(SEGMENT_FILE, buf, file);
  if (firstIndex !== nameIndex) throw corruptAt(file, 16, `header says first index ${firstIndex}, the file name says ${nameIndex}`);
  if (firstIndex < 1) throw corruptAt(file, 16, 'first index 0');
  const view = viewOf(buf);
  const end = buf.byteLength;
  let offset = FILE_HEADER_BYTES;
  let count = 0;
  while (offset < end) {
    const next = checkFrame(buf, view, offset, end);
    if (next > 0) {
      offset = next;
      count++;
      continue;
    }
    const reason = damageReason(next, buf, offset);
    if (!isLast) throw corruptAt(file, offset, `${reason} (record ${firstIndex + count}), in a segment that is not the last`);
    const resync = findIntactFrame(buf, view, offset + 1, end, RESYNC_BUDGET_BYTES);
    if (resync >= 0) {
      throw corruptAt(file, offset, `${reason} (record ${firstIndex + count}), yet an intact record follows at byte ${resync}`);
    }
    if (resync === SEARCH_UNDECIDED) {
      throw corruptAt(file, offset, `${reason} (record ${firstIndex + count}), and the ${end - offset} bytes after it cannot be told apart from records`);
    }
    return { file, firstIndex, count, validBytes: offset, fileBytes: end, torn: { offset, bytes: end - offset, reason } };
  }
  return { file, firstIndex, count, validBytes: offset, fileBytes: end };
}

/**
 * The records of a scanned segment with index > `afterIndex`, in order. Re-checks each frame, so a file that
 * changed since the scan is reported rather than misread.
 */
export function* segmentRecords(buf: Uint8Array, scan: SegmentScan, afterIndex: number): Generator<{ index: number; payload: Uint8Array }> {
  const view = viewOf(buf);
  let offset = FILE_HEADER_BYTES;
  for (let i = 0; i < scan.count; i++) {
    const next = checkFrame(buf, view, offset, scan.validBytes);
    if (next < 0) throw corruptAt(scan.file, offset, `${damageReason(next, buf, offset)}; the file changed after it was checked`);
    const index = scan.firstIndex + i;
    if (index > afterIndex) yield { index, payload: buf.subarray(offset + FRAME_HEADER_BYTES, next) };
    offset = next;
  }
}
