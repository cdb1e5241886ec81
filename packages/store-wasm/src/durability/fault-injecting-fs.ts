import { nodeFs, type DurableFs } from './durable-fs.js';

export type FsOp = keyof DurableFs;

/** A planned failure: the `nth` call (1-based, counted from when it was planned) of `op` throws `code`. */
interface PlannedFault {
  op: FsOp;
  nth: number;
  code: string;
}

/**
 * For tests: the real file system, with every call counted, failures injected on cue (ENOSPC on the third writev...)
 * and fdatasync optionally held until released, to see what is resolved before a sync finishes.
 */
export class FaultInjectingFs implements DurableFs {
  readonly calls: Record<FsOp, number> = {
    mkdirp: 0,
    open: 0,
    openSync: 0,
    writev: 0,
    writevSync: 0,
    fdatasync: 0,
    fsync: 0,
    ftruncate: 0,
    close: 0,
    rename: 0,
    unlink: 0,
    syncDir: 0,
  };
  private faults: (PlannedFault & { seen: number })[] = [];
  private held?: { release: Promise<void>; open: () => void };

  /** Makes the nth next call of `op` fail with an errno-style error. */
  failOn(op: FsOp, code: string, nth = 1): void {
    this.faults.push({ op, nth, code, seen: 0 });
  }

  /** fdatasync calls wait until releaseSyncs(). */
  holdSyncs(): void {
    let open!: () => void;
    const release = new Promise<void>((r) => (open = r));
    this.held = { release, open };
  }

  releaseSyncs(): void {
    this.held?.open();
    this.held = undefined;
  }

  /** Writes (sync or not) counted together. */
  get writes(): number {
    return this.calls.writev + this.calls.writevSync;
  }

  private check(op: FsOp, detail: string): void {
    this.calls[op]++;
    for (const f of this.faults) {
      if (f.op !== op || ++f.seen !== f.nth) continue;
      this.faults = this.faults.filter((x) => x !== f);
      throw Object.assign(new Error(`${f.code}: injected failure, ${op} '${detail}'`), { code: f.code, syscall: op });
    }
  }

  async mkdirp(path: string): Promise<void> {
    this.check('mkdirp', path);
    return nodeFs.mkdirp(path);
  }
  async open(path: string, flags: string): Promise<number> {
    this.check('open', path);
    return nodeFs.open(path, flags);
  }
  openSync(path: string, flags: string): number {
    this.check('openSync', path);
    return nodeFs.openSync(path, flags);
  }
  async writev(fd: number, chunks: readonly Uint8Array[], position: number): Promise<number> {
    this.check('writev', `fd ${fd}`);
    return nodeFs.writev(fd, chunks, position);
  }
  writevSync(fd: number, chunks: readonly Uint8Array[], position: number): number {
    this.check('writevSync', `fd ${fd}`);
    return nodeFs.writevSync(fd, chunks, position);
  }
  async fdatasync(fd: number): Promise<void> {
    if (this.held) await this.held.release;
    this.check('fdatasync', `fd ${fd}`);
    return nodeFs.fdatasync(fd);
  }
  async fsync(fd: number): Promise<void> {
    this.check('fsync', `fd ${fd}`);
    return nodeFs.fsync(fd);
  }
  async ftruncate(fd: number, length: number): Promise<void> {
    this.check('ftruncate', `fd ${fd}`);
    return nodeFs.ftruncate(fd, length);
  }
  async close(fd: number): Promise<void> {
    this.check('close', `fd ${fd}`);
    return nodeFs.close(fd);
  }
  async rename(from: string, to: string): Promise<void> {
    this.check('rename', from);
    return nodeFs.rename(from, to);
  }
  async unlink(path: string): Promise<void> {
    this.check('unlink', path);
    return nodeFs.unlink(path);
  }
  async syncDir(path: string): Promise<void> {
    this.check('syncDir', path);
    return nodeFs.syncDir(path);
  }
}
