import { createWriteStream } from 'node:fs';
import { chmod, chown, lchown, link, lstat, lutimes, mkdir, readdir, rm, symlink, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { cleanEntryPath, resolveInRoot } from './secure-path.js';
import { TarReader } from './tar-reader.js';

/**
 * Applies image layers, in order, onto one directory: the flattened rootfs of an image. OCI whiteouts are honoured
 * while flattening (`.wh.name` deletes `name` from the layers below; `.wh..wh..opq` empties its directory of
 * what the layers below put there), so the result needs no overlay whiteout devices.
 *
 * Not reproduced: device nodes and FIFOs (runc gives containers their /dev), extended attributes (file
 * capabilities) and directory mtimes. Ownership is applied only when running as root.
 */
export interface UnpackTotals {
  /** Bytes of regular-file data written. */
  bytes: number;
  /** Entries created (files, directories, links). */
  inodes: number;
  /** Entries skipped because they cannot be represented (devices, FIFOs). */
  skipped: string[];
}

export class LayerUnpacker {
  private readonly asRoot = process.getuid?.() === 0;
  readonly totals: UnpackTotals = { bytes: 0, inodes: 0, skipped: [] };

  constructor(
    private readonly root: string,
    private readonly logger?: Logger,
  ) {}

  /** Applies one uncompressed layer tar stream. */
  async apply(layer: AsyncIterable<Buffer>): Promise<void> {
    const reader = new TarReader(layer);
    // Paths this layer itself created: its own whiteouts must not delete them, whatever the entry order.
    const created = new Set<string>();
    try {
      for (let entry = await reader.next(); entry; entry = await reader.next()) {
        const path = cleanEntryPath(entry.path);
        if (path === '') continue;
        const name = basename(path);
        const parent = dirname(path) === '.' ? '' : dirname(path);
        if (name === '.wh..wh..opq') {
          await this.emptyDirectory(parent, created);
          continue;
        }
        if (name.startsWith('.wh.')) {
          const victim = parent ? `${parent}/${name.slice(4)}` : name.slice(4);
          if (!created.has(victim)) await rm(await resolveInRoot(this.root, victim), { recursive: true, force: true });
          continue;
        }
        const parentDir = await resolveInRoot(this.root, parent, true);
        await mkdir(parentDir, { recursive: true, mode: 0o755 });
        const target = join(parentDir, name);
        created.add(path);
        switch (entry.type) {
          case 'directory':
            await this.makeDirectory(target, entry.mode);
            break;
          case 'file':
            await this.removeExisting(target);
            await pipeline(Readable.from(reader.body()), createWriteStream(target, { flags: 'wx', mode: 0o600 }));
            this.totals.bytes += entry.size;
            break;
          case 'symlink':
            await this.removeExisting(target);
            await symlink(entry.linkTarget, target);
            break;
          case 'hardlink': {
            const source = await resolveInRoot(this.root, cleanEntryPath(entry.linkTarget));
            await this.removeExisting(target);
            await link(source, target);
            this.totals.inodes++;
            continue;
          }
          default:
            this.totals.skipped.push(path);
            this.logger?.debug({ path, type: entry.type }, 'layer entry skipped: not representable in an unpacked rootfs');
            continue;
        }
        this.totals.inodes++;
        await this.applyMetadata(target, entry.type, entry.mode, entry.uid, entry.gid, entry.mtime);
      }
    } finally {
      await reader.close();
    }
  }

  private async makeDirectory(target: string, mode: number): Promise<void> {
    const existing = await lstat(target).catch(() => undefined);
    if (existing && !existing.isDirectory()) await rm(target, { recursive: true, force: true });
    if (!existing || !existing.isDirectory()) await mkdir(target, { mode: 0o755 });
  }

  private async removeExisting(target: string): Promise<void> {
    const existing = await lstat(target).catch(() => undefined);
    if (!existing) return;
    if (existing.isDirectory()) await rm(target, { recursive: true, force: true });
    else await unlink(target);
  }

  private async emptyDirectory(dir: string, created: Set<string>): Promise<void> {
    const abs = await resolveInRoot(this.root, dir, true);
    const children = await readdir(abs).catch(() => [] as string[]);
    for (const child of children) {
      const rel = dir ? `${dir}/${child}` : child;
      if (!created.has(rel)) await rm(join(abs, child), { recursive: true, force: true });
    }
  }

  private async applyMetadata(
    target: string,
    type: 'directory' | 'file' | 'symlink',
    mode: number,
    uid: number,
    gid: number,
    mtime: number,
  ): Promise<void> {
    if (type === 'symlink') {
      if (this.asRoot) await lchown(target, uid, gid);
      await lutimes(target, mtime, mtime).catch(() => undefined);
      return;
    }
    // chown clears setuid/setgid, so the mode goes on afterwards
    if (this.asRoot) await chown(target, uid, gid);
    await chmod(target, mode);
    if (type === 'file') await utimes(target, mtime, mtime);
  }
}
