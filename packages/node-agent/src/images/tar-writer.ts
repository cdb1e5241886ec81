import type { Writable } from 'node:stream';
import { once } from 'node:events';

/**
 * Writes ustar archives, adding a pax header when a path or link target does not fit ustar's fields. Output is
 * deterministic for the same input (mtime defaults to 0, no user or group names), so an image built from the same
 * files always gets the same digest.
 */
export interface TarWriteEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink';
  /** Permission bits; defaults to 0o644 for files and 0o755 for directories. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch; defaults to 0. */
  mtime?: number;
  linkTarget?: string;
}

const BLOCK = 512;

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function paxRecord(key: string, value: string): Buffer {
  // The length prefix counts the whole record, its own digits included, so settle it by iteration.
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return Buffer.from(`${length}${body}`);
}

/** Splits a path into ustar (prefix, name) fields, or returns undefined when it needs a pax header. */
function ustarSplit(path: string): [string, string] | undefined {
  if (Buffer.byteLength(path) !== path.length) return undefined;
  if (path.length <= 100) return ['', path];
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return [prefix, name];
  }
  return undefined;
}

function header(entry: TarWriteEntry, size: number, typeflag: string, override?: { path: string; link: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  const path = override?.path ?? entry.path;
  const split = ustarSplit(path) ?? ['', path.slice(0, 100)];
  block.write(split[1], 0, 100, 'utf8');
  const mode = entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644);
  block.write(octal(mode & 0o7777, 8), 100, 'latin1');
  block.write(octal(entry.uid ?? 0, 8), 108, 'latin1');
  block.write(octal(entry.gid ?? 0, 8), 116, 'latin1');
  block.write(octal(size, 12), 124, 'latin1');
  block.write(octal(Math.floor(entry.mtime ?? 0), 12), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(typeflag, 156, 'latin1');
  block.write((override?.link ?? entry.linkTarget ?? '').slice(0, 100), 157, 100, 'utf8');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  block.write(split[0], 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i];
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

const flags = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const;

/** The header block(s) for one entry whose data (for files) is `size` bytes long. */
export function tarHeader(entry: TarWriteEntry, size = 0): Buffer {
  const path = entry.type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const link = entry.linkTarget ?? '';
  const needPax = ustarSplit(path) === undefined || Buffer.byteLength(link) > 100 || Buffer.byteLength(link) !== link.length;
  const main = header({ ...entry, path }, entry.type === 'file' ? size : 0, flags[entry.type]);
  if (!needPax) return main;
  const records = Buffer.concat([paxRecord('path', path), ...(link ? [paxRecord('linkpath', link)] : [])]);
  const paxHeader = header({ path: 'PaxHeaders/entry', type: 'file', mode: 0o644 }, records.length, 'x');
  return Buffer.concat([paxHeader, records, padding(records.length), main]);
}

/** Streams entries into `out`, honouring backpressure. Call `finish()` once to write the end-of-archive marker. */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  private async write(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async add(entry: TarWriteEntry, data?: Buffer): Promise<void> {
    const size = entry.type === 'file' ? (data?.length ?? 0) : 0;
    await this.write(tarHeader(entry, size));
    if (size > 0 && data) {
      await this.write(data);
      await this.write(padding(size));
    }
  }

  /** Adds a file whose data comes from a stream of known length (large layers, blobs). */
  async addStream(entry: TarWriteEntry, size: number, data: AsyncIterable<Buffer>): Promise<void> {
    await this.write(tarHeader({ ...entry, type: 'file' }, size));
    let written = 0;
    for await (const chunk of data) {
      written += chunk.length;
      if (written > size) throw new Error(`tar entry ${entry.path} produced more than its declared ${size} bytes`);
      await this.write(chunk);
    }
    if (written !== size) throw new Error(`tar entry ${entry.path} produced ${written} of its declared ${size} bytes`);
    await this.write(padding(size));
  }

  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** Builds a whole archive in memory (small archives: tests, image configs). */
export async function tarToBuffer(entries: { entry: TarWriteEntry; data?: Buffer }[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const { entry, data } of entries) {
    const size = entry.type === 'file' ? (data?.length ?? 0) : 0;
    parts.push(tarHeader(entry, size));
    if (size > 0 && data) parts.push(data, padding(size));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
