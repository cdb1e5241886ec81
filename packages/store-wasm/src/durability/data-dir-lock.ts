import * as fs from 'node:fs';
import { join } from 'node:path';
import type { StoreLogger } from '../store.js';
import { dataDirLocked } from './durability-errors.js';

export const LOCK_FILE = 'LOCK';

/** How many times a stale-lock takeover is retried when another process races us for it. */
const TAKEOVER_ATTEMPTS = 3;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user; that still holds the lock.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path, 'latin1').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One process at a time in a data dir: `<dataDir>/LOCK` holds the owner's PID. A lock whose PID is not a live process
 * (left by a crash or kill -9) is taken over with a warning. Node has no flock(), so the lock is a file created with
 * O_EXCL; a stale lock is first renamed away (atomic: only one contender wins it), which keeps two processes from
 * both taking over the same stale lock. A second opener in the same process is refused like any other.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly content: string,
  ) {}

  static acquire(dataDir: string, logger?: StoreLogger): DataDirLock {
    const path = join(dataDir, LOCK_FILE);
    const content = `${process.pid}\n`;
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      try {
        const fd = fs.openSync(path, 'wx', 0o644);
        try {
          fs.writeSync(fd, content);
        } finally {
          fs.closeSync(fd);
        }
        return new DataDirLock(path, content);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readPid(path);
      if (holder !== undefined && processAlive(holder)) throw dataDirLocked(path, holder);
      DataDirLock.takeOver(path, holder, logger);
    }
    throw dataDirLocked(path, readPid(path) ?? 0);
  }

  /** Moves a stale lock out of the way, unless another process replaced it with a live one meanwhile. */
  private static takeOver(path: string, stalePid: number | undefined, logger?: StoreLogger): void {
    const aside = `${path}.stale-${process.pid}`;
    try {
      fs.renameSync(path, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it; try creating again
      throw e;
    }
    const moved = readPid(aside);
    if (moved !== stalePid && moved !== undefined && processAlive(moved)) {
      // We moved a fresh lock that a faster contender had just created: put it back and give way.
      try {
        fs.linkSync(aside, path);
      } catch {
        // A third process created a lock meanwhile; it holds the dir either way.
      }
      fs.rmSync(aside, { force: true });
      throw dataDirLocked(path, moved);
    }
    fs.rmSync(aside, { force: true });
    logger?.warn({ lockFile: path, stalePid: stalePid ?? null }, 'took over a stale data dir lock (its process is gone)');
  }

  /** Removes the lock if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (fs.readFileSync(this.path, 'latin1') === this.content) fs.unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
