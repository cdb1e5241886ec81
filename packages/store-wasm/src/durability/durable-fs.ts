import * as fs from 'node:fs';

/**
 * The file operations the log and snapshots write through. Injectable so tests can count fsyncs and fail a
 * write with ENOSPC or EIO at an exact moment; reads at recovery go to node:fs directly.
 * Positions are explicit: the log never relies on O_APPEND, so a failed batch can be truncated away.
 */
export interface DurableFs {
  mkdirp(path: string): Promise<void>;
  open(path: string, flags: string): Promise<number>;
  openSync(path: string, flags: string): number;
  /** Resolves with the bytes written; fewer than asked means the disk gave up part way. */
  writev(fd: number, chunks: readonly Uint8Array[], position: number): Promise<number>;
  writevSync(fd: number, chunks: readonly Uint8Array[], position: number): number;
  fdatasync(fd: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Makes a directory's entries (created, renamed, deleted files) durable. */
  syncDir(path: string): Promise<void>;
}

function done<T>(resolve: (v: T) => void, reject: (e: unknown) => void) {
  return (err: NodeJS.ErrnoException | null, value?: T) => (err ? reject(err) : resolve(value as T));
}

/** Node's callback API wrapped by hand: fs/promises' FileHandle costs an object and a close dance per file. */
export const nodeFs: DurableFs = {
  async mkdirp(path) {
    await fs.promises.mkdir(path, { recursive: true });
  },
  open: (path, flags) => new Promise((resolve, reject) => fs.open(path, flags, 0o644, done(resolve, reject))),
  openSync: (path, flags) => fs.openSync(path, flags, 0o644),
  writev: (fd, chunks, position) =>
    new Promise((resolve, reject) => fs.writev(fd, chunks as Uint8Array[], position, done(resolve, reject))),
  writevSync: (fd, chunks, position) => fs.writevSync(fd, chunks as Uint8Array[], position),
  fdatasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, done(resolve, reject))),
  fsync: (fd) => new Promise((resolve, reject) => fs.fsync(fd, done(resolve, reject))),
  ftruncate: (fd, length) => new Promise((resolve, reject) => fs.ftruncate(fd, length, done(resolve, reject))),
  close: (fd) => new Promise((resolve, reject) => fs.close(fd, done(resolve, reject))),
  rename: (from, to) => new Promise((resolve, reject) => fs.rename(from, to, done(resolve, reject))),
  unlink: (path) => new Promise((resolve, reject) => fs.unlink(path, done(resolve, reject))),
  async syncDir(path) {
    const fd = await nodeFs.open(path, 'r');
    try {
      await nodeFs.fsync(fd);
    } finally {
      await nodeFs.close(fd);
    }
  },
};

/** Sum of the chunks' lengths. */
export function totalBytes(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  return n;
}
