import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from '../errors.js';
import { DataDirLock, LOCK_FILE } from './data-dir-lock.js';

let dir: string;
let held: DataDirLock[];

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'skiff-lock-'));
  held = [];
});

afterEach(() => {
  for (const l of held) l.release();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lockPath = () => join(dir, LOCK_FILE);

function acquire(warnings: string[] = []): DataDirLock {
  const lock = DataDirLock.acquire(dir, { info() {}, debug() {}, error() {}, warn: (_o, msg) => warnings.push(msg ?? '') });
  held.push(lock);
  return lock;
}

function refusedWith(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isStoreError(e, 'DataDirUnusable')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected the lock to be refused');
}

/** The PID of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('the data dir lock', () => {
  it('holds our PID while open and is removed on release', () => {
    const lock = acquire();
    expect(fs.readFileSync(lockPath(), 'latin1')).toBe(`${process.pid}\n`);
    lock.release();
    expect(fs.existsSync(lockPath())).toBe(false);
  });

  it('refuses a second opener, naming the PID and the lock file', () => {
    acquire();
    const msg = refusedWith(() => acquire());
    expect(msg).toContain(`process ${process.pid}`);
    expect(msg).toContain(lockPath());
  });

  it('refuses a lock held by another live process', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      fs.writeFileSync(lockPath(), `${child.pid}\n`);
      expect(refusedWith(() => acquire())).toContain(`process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.each([
    { left: 'the PID of a process that is gone', content: () => `${deadPid()}\n` },
    { left: 'an empty file (a crash before the PID was written)', content: () => '' },
    { left: 'garbage', content: () => 'not a pid' },
  ])('takes over a stale lock holding $left, with a warning', ({ content }) => {
    fs.writeFileSync(lockPath(), content());
    const warnings: string[] = [];
    acquire(warnings);
    expect(fs.readFileSync(lockPath(), 'latin1')).toBe(`${process.pid}\n`);
    expect(warnings.join('\n')).toMatch(/stale data dir lock/);
    expect(fs.readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('leaves alone a lock file that is no longer its own', () => {
    const lock = acquire();
    fs.writeFileSync(lockPath(), '1\n');
    lock.release();
    expect(fs.readFileSync(lockPath(), 'latin1')).toBe('1\n');
  });
});
