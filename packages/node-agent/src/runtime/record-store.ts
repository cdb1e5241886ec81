import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * Records kept as `<dir>/<id>/<file>`, one JSON document each, written by rename so a crash leaves either the old
 * or the new version. Not fsynced: the records must survive a restart of the runtime, not of the machine (after
 * a reboot no container is running anyway).
 */
export class RecordStore<T extends { id: string }> {
  constructor(
    readonly dir: string,
    private readonly file: string,
    private readonly logger?: Logger,
  ) {}

  pathOf(id: string): string {
    return join(this.dir, id);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Writes a new record, making its directory. */
  async create(record: T): Promise<void> {
    await mkdir(this.pathOf(record.id), { recursive: true });
    await this.save(record);
  }

  /**
   * Rewrites an existing record. A record whose directory is gone (removed meanwhile) stays gone: returns false
   * instead of bringing the directory back.
   */
  async save(record: T): Promise<boolean> {
    const dir = this.pathOf(record.id);
    const tmp = join(dir, `${this.file}.tmp-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(tmp, JSON.stringify(record));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    await rename(tmp, join(dir, this.file));
    return true;
  }

  /** Every record on disk; directories without a readable record are reported and skipped. */
  async loadAll(): Promise<T[]> {
    const out: T[] = [];
    for (const id of await readdir(this.dir).catch(() => [] as string[])) {
      const path = join(this.dir, id, this.file);
      if (!existsSync(path)) continue;
      try {
        out.push(JSON.parse(await readFile(path, 'utf8')) as T);
      } catch (err) {
        this.logger?.warn({ path, err }, 'unreadable runtime record skipped');
      }
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { recursive: true, force: true });
  }
}
