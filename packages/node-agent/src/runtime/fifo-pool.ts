import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeAgentError } from '../errors.js';
import { runCommand as run } from './command-shell.js';

/**
 * Named pipes made ahead of time. Node cannot call mkfifo(3), and a process spawn costs 5-10 ms on a busy node, so
 * FIFOs are made in batches by one `mkfifo` run and handed out by rename: creating a container spends no spawn on
 * its stdio pipes.
 */
export class FifoPool {
  private ready: string[] = [];
  private filling: Promise<void> | undefined;
  private serial = 0;

  constructor(
    private readonly dir: string,
    private readonly batch = 48,
  ) {}

  async init(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    await this.refill();
  }

  /** Moves a fresh FIFO to `target` (same filesystem as the pool). */
  async take(target: string): Promise<void> {
    while (this.ready.length === 0) await this.refill();
    const fifo = this.ready.pop()!;
    if (this.ready.length < this.batch / 4) void this.refill().catch(() => undefined);
    await rename(fifo, target);
  }

  private refill(): Promise<void> {
    this.filling ??= (async () => {
      const names = Array.from({ length: this.batch }, () => join(this.dir, `fifo-${process.pid}-${this.serial++}`));
      try {
        await run('mkfifo', ['-m', '0600', ...names]);
      } catch (err) {
        throw new NodeAgentError('Internal', `mkfifo failed in ${this.dir}: ${(err as Error).message}`, { cause: err });
      }
      this.ready.push(...names);
    })().finally(() => {
      this.filling = undefined;
    });
    return this.filling;
  }
}
