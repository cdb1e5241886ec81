import { crc32 } from 'node:zlib';

/**
 * The framing of every record in a log segment and every block in a snapshot:
 *
 *   0        4        8
 *   | length | crc    | payload (length bytes) ...
 *
 * length: u32 LE, payload bytes only, 1..MAX_FRAME_PAYLOAD (0 never occurs: it is what unwritten, zero-filled
 * space reads as). crc: u32 LE, CRC-32 (IEEE, zlib's) of the 4 length bytes followed by the payload, so a damaged
 * length is caught as surely as a damaged payload.
 */
export const FRAME_HEADER_BYTES = 8;
/** Hard ceiling on one payload; requests are limited far below this (maxRequestBytes). */
export const MAX_FRAME_PAYLOAD = 256 * 1024 * 1024;

/** checkFrame's answers when the frame at the offset is not intact. */
export const FRAME_TRUNCATED = -1;
export const FRAME_BAD_LENGTH = -2;
export const FRAME_BAD_CHECKSUM = -3;

/** CRC-32 (reflected, polynomial 0xEDB88320) lookup table, for the 4 length bytes. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 of the length's 4 little-endian bytes, computed in JS: a native call costs more than these four steps,
 * and this runs once per record. zlib.crc32 continues from it over the payload.
 */
function lengthCrc(length: number): number {
  let c = 0xffffffff;
  for (let i = 0; i < 4; i++) c = CRC_TABLE[(c ^ (length >>> (8 * i))) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checksum(length: number, payload: Uint8Array): number {
  return crc32(payload, lengthCrc(length));
}

/** Writes the 8-byte header for `payload` at `at` in `out`. The payload itself goes right after (or in its own chunk). */
export function writeFrameHeader(out: Uint8Array, at: number, payload: Uint8Array, view = viewOf(out)): void {
  view.setUint32(at, payload.byteLength, true);
  view.setUint32(at + 4, checksum(payload.byteLength, payload), true);
}

/** A whole frame (header + payload) in one new buffer. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  writeFrameHeader(out, 0, payload);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/**
 * Checks the frame starting at `offset` in `buf`, which holds valid data up to `end` (exclusive).
 * Returns the offset just past the frame when it is intact (its payload is [offset + 8, returned)), otherwise
 * FRAME_TRUNCATED (it runs past `end`), FRAME_BAD_LENGTH or FRAME_BAD_CHECKSUM. Numbers, not objects: recovery
 * checks millions of frames.
 */
export function checkFrame(buf: Uint8Array, view: DataView, offset: number, end: number): number {
  if (offset + FRAME_HEADER_BYTES > end) return FRAME_TRUNCATED;
  const length = view.getUint32(offset, true);
  if (length === 0 || length > MAX_FRAME_PAYLOAD) return FRAME_BAD_LENGTH;
  const next = offset + FRAME_HEADER_BYTES + length;
  if (next > end) return FRAME_TRUNCATED;
  const expected = view.getUint32(offset + 4, true);
  if (checksum(length, buf.subarray(offset + FRAME_HEADER_BYTES, next)) !== expected) return FRAME_BAD_CHECKSUM;
  return next;
}

/** findIntactFrame gave up: checking every candidate would cost more than its budget. */
export const SEARCH_UNDECIDED = -2;

/**
 * Looks for any intact frame starting in [from, end), at every byte offset. Used after a damaged frame to tell a
 * torn tail (nothing intact follows) from damage in the middle (intact records follow, which must not be dropped).
 * Returns the first such offset, -1 if there is none, or SEARCH_UNDECIDED when the candidates' payloads add up to
 * more than `budgetBytes` (only random garbage does that; zeros and partial records are cheap to rule out).
 */
export function findIntactFrame(buf: Uint8Array, view: DataView, from: number, end: number, budgetBytes: number): number {
  let spent = 0;
  for (let o = from; o + FRAME_HEADER_BYTES < end; o++) {
    const length = view.getUint32(o, true);
    if (length === 0 || length > MAX_FRAME_PAYLOAD || o + FRAME_HEADER_BYTES + length > end) continue;
    spent += length;
    if (spent > budgetBytes) return SEARCH_UNDECIDED;
    if (checkFrame(buf, view, o, end) > 0) return o;
  }
  return -1;
}

/** A DataView over exactly `buf`. */
export function viewOf(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}
