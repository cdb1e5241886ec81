import { NodeAgentError } from '../errors.js';
import { ByteQueue } from './byte-queue.js';

/**
 * A streaming reader for tar archives as image layers and image archives use them: POSIX ustar, pax extended
 * headers (path, linkpath, size, uid, gid, mtime) and GNU long names ('L'/'K'). Entries come one at a time; the body
 * of the current entry must be read with `body()` before `next()` or it is skipped.
 *
 * Header block (512 bytes, numbers in octal ASCII, or base-256 when the first byte has bit 7 set):
 *
 *   0 name[100] | 100 mode[8] | 108 uid[8] | 116 gid[8] | 124 size[12] | 136 mtime[12] | 148 chksum[8]
 *   156 typeflag | 157 linkname[100] | 257 magic[6] | 263 version[2] | 265 uname[32] | 297 gname[32]
 *   329 devmajor[8] | 337 devminor[8] | 345 prefix[155] (ustar only) | 500 padding
 */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TarEntry {
  /** The path as recorded (long names applied), not cleaned: may start with "./" or end with "/". */
  path: string;
  type: TarEntryType;
  size: number;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Target of a symlink or hard link. */
  linkTarget: string;
}

const BLOCK = 512;

const typeFlags: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
};

function corrupt(why: string): NodeAgentError {
  return new NodeAgentError('InvalidImageArchive', `not a valid tar archive: ${why}`);
}

function cString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end < 0 || end > start + length ? start + length : end);
}

function number(block: Buffer, start: number, length: number): number {
  if (block[start] & 0x80) {
    // base-256: big-endian two's complement with the top bit as a marker; only non-negative sizes make sense here
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const text = cString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw corrupt(`bad octal number "${text}"`);
  return parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === number(block, 148, 8);
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space < 0) break;
    const length = parseInt(body.toString('utf8', offset, space), 10);
    if (!Number.isFinite(length) || length <= 0) throw corrupt('bad pax record length');
    const record = body.toString('utf8', space + 1, offset + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return out;
}

export class TarReader {
  private readonly bytes: ByteQueue;
  private remaining = 0;
  private padding = 0;
  private globalPax: Record<string, string> = {};
  private ended = false;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    this.bytes = new ByteQueue(source);
  }

  /** The next entry, or null at the end of the archive. */
  async next(): Promise<TarEntry | null> {
    if (this.ended) return null;
    await this.discardBody();
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const block = await this.bytes.read(BLOCK);
      if (block.length === 0) return this.end();
      if (block.length < BLOCK) throw corrupt('truncated header');
      if (block.every((b) => b === 0)) return this.end();
      if (!checksumOk(block)) throw corrupt('header checksum mismatch');
      const flag = String.fromCharCode(block[156]);
      const size = number(block, 124, 12);
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        const body = await this.bytes.read(size);
        if (body.length < size) throw corrupt('truncated extended header');
        await this.bytes.skip((BLOCK - (size % BLOCK)) % BLOCK);
        if (flag === 'x') pax = { ...pax, ...parsePax(body) };
        else if (flag === 'g') this.globalPax = { ...this.globalPax, ...parsePax(body) };
        else if (flag === 'L') longName = cString(body, 0, body.length);
        else longLink = cString(body, 0, body.length);
        continue;
      }
      const headers = { ...this.globalPax, ...pax };
      const magic = block.toString('latin1', 257, 263);
      const prefix = magic === 'ustar\0' ? cString(block, 345, 155) : '';
      const name = cString(block, 0, 100);
      const entry: TarEntry = {
        path: headers.path ?? longName ?? (prefix ? `${prefix}/${name}` : name),
        type: typeFlags[flag] ?? 'other',
        size: headers.size !== undefined ? Number(headers.size) : size,
        mode: number(block, 100, 8) & 0o7777,
        uid: headers.uid !== undefined ? Number(headers.uid) : number(block, 108, 8),
        gid: headers.gid !== undefined ? Number(headers.gid) : number(block, 116, 8),
        mtime: headers.mtime !== undefined ? Number(headers.mtime) : number(block, 136, 12),
        linkTarget: headers.linkpath ?? longLink ?? cString(block, 157, 100),
      };
      // Only regular files carry data in the archive; a hard link's size describes its target.
      const dataSize = entry.type === 'file' || entry.type === 'other' ? entry.size : 0;
      this.remaining = dataSize;
      this.padding = (BLOCK - (dataSize % BLOCK)) % BLOCK;
      return entry;
    }
  }

  /** The current entry's data, streamed. */
  async *body(): AsyncGenerator<Buffer> {
    while (this.remaining > 0) {
      let got = 0;
      for await (const chunk of this.bytes.stream(this.remaining)) {
        got += chunk.length;
        this.remaining -= chunk.length;
        yield chunk;
      }
      if (got === 0) throw corrupt('truncated file data');
    }
  }

  /** The current entry's data in one buffer (for small files such as manifests). */
  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.body()) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    this.ended = true;
    await this.bytes.close();
  }

  private async discardBody(): Promise<void> {
    if (this.remaining > 0) {
      const skipped = await this.bytes.skip(this.remaining);
      if (skipped < this.remaining) throw corrupt('truncated file data');
      this.remaining = 0;
    }
    if (this.padding > 0) {
      await this.bytes.skip(this.padding);
      this.padding = 0;
    }
  }

  private async end(): Promise<null> {
    this.ended = true;
    await this.bytes.close();
    return null;
  }
}
