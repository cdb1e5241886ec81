import { crc32 } from 'node:zlib';
import { corruptAt, newerFormat } from './durability-errors.js';

/**
 * The 32-byte header that opens every log segment and every snapshot file:
 *
 *   0        8         12         16            24      28         32
 *   | magic  | version | reserved | index (u64) | crc   | reserved |
 *
 * magic: 8 ASCII bytes naming the kind of file. version: u32 LE, the format version that wrote it. index: for a
 * segment, the index of its first record; for a snapshot, the last log index it covers. crc: CRC-32 of bytes 0..24.
 * Files are named after the same index, 16 hex digits, so a directory listing sorts in log order.
 */
export const FILE_HEADER_BYTES = 32;

export interface FileKind {
  magic: string;
  version: number;
  extension: string;
}

export const SEGMENT_FILE: FileKind = { magic: 'SKIFFWAL', version: 1, extension: '.wal' };
export const SNAPSHOT_FILE: FileKind = { magic: 'SKIFSNAP', version: 1, extension: '.snap' };

export function encodeFileHeader(kind: FileKind, index: number): Uint8Array {
  const out = new Uint8Array(FILE_HEADER_BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = kind.magic.charCodeAt(i);
  view.setUint32(8, kind.version, true);
  view.setBigUint64(16, BigInt(index), true);
  view.setUint32(24, crc32(out.subarray(0, 24)), true);
  return out;
}

/**
 * Reads a header and returns its index. Throws Corrupt (naming `file`) for a short, foreign or damaged header, and
 * a clear refusal when a newer format version wrote the file: the version is checked before the checksum, since a
 * newer version may lay out the rest differently.
 */
export function decodeFileHeader(kind: FileKind, buf: Uint8Array, file: string): number {
  if (buf.byteLength < FILE_HEADER_BYTES) {
    throw corruptAt(file, buf.byteLength, `file is ${buf.byteLength} bytes, shorter than its ${FILE_HEADER_BYTES}-byte header`);
  }
  for (let i = 0; i < 8; i++) {
    if (buf[i] !== kind.magic.charCodeAt(i)) throw corruptAt(file, i, `not a ${kind.extension} file (bad magic)`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, FILE_HEADER_BYTES);
  const version = view.getUint32(8, true);
  if (version > kind.version) throw newerFormat(file, version, kind.version);
  if (version === 0) throw corruptAt(file, 8, 'format version 0');
  if (crc32(buf.subarray(0, 24)) !== view.getUint32(24, true)) throw corruptAt(file, 0, 'header checksum mismatch');
  const index = view.getBigUint64(16, true);
  if (index > BigInt(Number.MAX_SAFE_INTEGER)) throw corruptAt(file, 16, `index ${index} is out of range`);
  return Number(index);
}

export function fileName(kind: FileKind, index: number): string {
  return index.toString(16).padStart(16, '0') + kind.extension;
}

/** The index a file name carries, or undefined when the name is not one of ours. */
export function parseFileName(kind: FileKind, name: string): number | undefined {
  if (!name.endsWith(kind.extension)) return undefined;
  const hex = name.slice(0, -kind.extension.length);
  if (!/^[0-9a-f]{16}$/.test(hex)) return undefined;
  const index = parseInt(hex, 16);
  return Number.isSafeInteger(index) ? index : undefined;
}
