import { closeSync, constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CriLogWriter, type CriLogWriterOptions, type StreamName } from './cri-log-writer.js';
import type { FifoPool } from './fifo-pool.js';

/**
 * A container's stdio, kept in named pipes in its state directory so the container outlives the runtime:
 *
 *   stdout.fifo, stderr.fifo   the shim holds them open read-write, so writes never fail with EPIPE while no
 *                              runtime is reading; the runtime reads them into the CRI log and to attached clients
 *   stdin.fifo                 (only with stdin) the runtime writes what attached clients send
 *
 * A write blocks once the pipe buffer is full and nobody reads, so while the runtime is down a chatty container
 * pauses instead of losing output. What is still buffered when a container exits while no runtime is running is lost
 * (the kernel drops a pipe's buffer when its last holder closes it).
 *
 * The output streams end (EOF) when the shim and everything it started have exited.
 */
export type OutputListener = (stream: StreamName, chunk: Buffer) => void;

export interface ContainerIoOptions {
  dir: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  /** The CRI log file, or empty for none. */
  logPath: string;
  log?: CriLogWriterOptions;
  logger: Logger;
}

const { O_RDONLY, O_RDWR, O_WRONLY, O_NONBLOCK } = constants;

export class ContainerIO {
  private readonly listeners = new Set<OutputListener>();
  private readonly sockets: Socket[] = [];
  private writer: CriLogWriter | undefined;
  private stdinSocket: Socket | undefined;
  private openStreams = 0;
  private resolveClosed!: () => void;
  /** Resolves when every output stream has ended and the log is flushed. */
  readonly closed: Promise<void>;

  constructor(private readonly options: ContainerIoOptions) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  static async prepare(dir: string, pool: FifoPool, withStdin: boolean): Promise<void> {
    await pool.take(join(dir, 'stdout.fifo'));
    await pool.take(join(dir, 'stderr.fifo'));
    if (withStdin) await pool.take(join(dir, 'stdin.fifo'));
  }

  private path(name: string): string {
    return join(this.options.dir, name);
  }

  /**
   * Starts reading and returns the paths the shim opens for its stdin, stdout and stderr. Until `release` this
   * process holds the output pipes open for writing too, so the reads do not end before the shim has opened
   * them: call it once the container runs (or failed to start).
   */
  async openForStart(): Promise<{ stdio: { stdin?: string; stdout: string; stderr?: string }; release: () => void }> {
    await this.openLog();
    const fds = [openSync(this.path('stdout.fifo'), O_RDWR)];
    if (!this.options.tty) fds.push(openSync(this.path('stderr.fifo'), O_RDWR));
    if (this.options.stdin) {
      // our write end before the shim's read-only open, which would otherwise wait for a writer
      const writeFd = openSync(this.path('stdin.fifo'), O_RDWR);
      this.stdinSocket = new Socket({ fd: writeFd, readable: false, writable: true });
      this.stdinSocket.on('error', (e) => this.options.logger.debug({ err: e }, 'container stdin closed'));
    }
    this.readOutputs();
    let released = false;
    return {
      stdio: {
        stdin: this.options.stdin ? this.path('stdin.fifo') : undefined,
        stdout: this.path('stdout.fifo'),
        stderr: this.options.tty ? undefined : this.path('stderr.fifo'),
      },
      release: () => {
        if (released) return;
        released = true;
        for (const fd of fds) closeSync(fd);
      },
    };
  }

  /** Reconnects to the pipes of a container started by an earlier runtime process. */
  async reattach(): Promise<void> {
    await this.openLog();
    if (this.options.stdin) {
      try {
        const fd = openSync(this.path('stdin.fifo'), O_WRONLY | O_NONBLOCK);
        this.stdinSocket = new Socket({ fd, readable: false, writable: true });
        this.stdinSocket.on('error', () => undefined);
      } catch {
        // ENXIO: nobody reads stdin any more (the container is gone)
      }
    }
    this.readOutputs();
  }

  /** Streams output to `listener` until the returned function is called or the container exits. */
  subscribe(listener: OutputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasStdin(): boolean {
    return this.stdinSocket !== undefined && !this.stdinSocket.destroyed;
  }

  writeStdin(chunk: Buffer): void {
    this.stdinSocket?.write(chunk);
  }

  /** Ends the container's stdin (stdinOnce after the first attach, or the container is being removed). */
  closeStdin(): void {
    this.stdinSocket?.end();
    this.stdinSocket = undefined;
  }

  async reopenLog(): Promise<void> {
    await this.writer?.reopen();
  }

  /** Stops reading (the runtime is shutting down; the container keeps running and its output waits in the pipes). */
  detach(): void {
    this.stdinSocket?.destroy();
    for (const socket of this.sockets) socket.destroy();
    void this.writer?.close(false);
  }

  private async openLog(): Promise<void> {
    if (!this.options.logPath || this.writer) return;
    this.writer = new CriLogWriter(this.options.logPath, { ...this.options.log, logger: this.options.logger });
    await this.writer.open();
  }

  private readOutputs(): void {
    const streams: StreamName[] = this.options.tty ? ['stdout'] : ['stdout', 'stderr'];
    this.openStreams = streams.length;
    for (const stream of streams) {
      const fd = openSync(this.path(`${stream}.fifo`), O_RDONLY | O_NONBLOCK);
      const socket = new Socket({ fd, readable: true, writable: false });
      this.sockets.push(socket);
      socket.on('data', (chunk: Buffer) => {
        this.writer?.write(stream, chunk);
        for (const listener of this.listeners) listener(stream, chunk);
      });
      let ended = false;
      const done = () => {
        if (ended) return;
        ended = true;
        this.writer?.endStream(stream);
        if (--this.openStreams === 0) void this.finish();
      };
      socket.on('end', done);
      socket.on('error', (err) => {
        this.options.logger.warn({ err, stream }, 'reading container output failed');
        done();
      });
    }
  }

  private async finish(): Promise<void> {
    this.listeners.clear();
    this.closeStdin();
    await this.writer?.close().catch((err: unknown) => this.options.logger.warn({ err }, 'closing the container log failed'));
    this.writer = undefined;
    this.resolveClosed();
  }
}
