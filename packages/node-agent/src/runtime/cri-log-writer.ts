import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { nowNsBig, rfc3339Nano } from './clock.js';

/**
 * Writes a container's output in the CRI log format that kubelet and crictl read:
 *
 *   2026-11-22T00:21:08.792961393Z stdout F hello from c1
 *   2026-11-22T00:21:08.792990000Z stderr P first 16 KiB of a very long line...
 *
 * Tag F ends a line; P marks a piece of a longer line (more than `maxLineBytes` without a newline), continued by
 * the next entry of the same stream. Output still pending when a stream ends is written as a final F entry.
 *
 * Rotation: when the file grows past `maxBytes` it is renamed to `<path>.<YYYYMMDD-hhmmss>` (the kubelet's naming)
 * and a new file started; only the newest `maxFiles - 1` rotated files are kept. `reopen()` serves
 * ReopenContainerLog, for when the kubelet rotated the file itself.
 */
export interface CriLogWriterOptions {
  maxBytes?: number;
  maxFiles?: number;
  maxLineBytes?: number;
  logger?: Logger;
  /** The wall clock that names rotated files; tests fix it to rotate many times within one second. */
  now?: () => Date;
}

export type StreamName = 'stdout' | 'stderr';

export class CriLogWriter {
  private out: WriteStream | undefined;
  private size = 0;
  private readonly pending: Record<StreamName, Buffer[]> = { stdout: [], stderr: [] };
  private readonly pendingBytes: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly maxLine: number;
  private rotating: Promise<void> | undefined;
  /** Lines produced while no file is open (during rotation or reopen), written once one is. */
  private held: Buffer[] = [];
  /** The last rotated name this writer chose, so a stamp whose files were all pruned is not reused for newer output. */
  private lastRotated: { stamp: string; seq: number } | undefined;

  constructor(
    readonly path: string,
    private readonly options: CriLogWriterOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.maxFiles = Math.max(1, options.maxFiles ?? 5);
    this.maxLine = options.maxLineBytes ?? 16 * 1024;
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.size = (await stat(this.path).catch(() => ({ size: 0 }))).size;
    const out = createWriteStream(this.path, { flags: 'a' });
    await once(out, 'open');
    this.attach(out);
  }

  private attach(out: WriteStream): void {
    this.out = out;
    // held lines were counted when produced, against the file that was closing; they belong to this one
    for (const line of this.held.splice(0)) {
      out.write(line);
      this.size += line.length;
    }
  }

  /** Appends a chunk of one stream's output, emitting every complete line and every full-size piece. */
  write(stream: StreamName, chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      for (let pos = start; pos < end; ) {
        const take = Math.min(this.maxLine - this.pendingBytes[stream], end - pos);
        this.pending[stream].push(chunk.subarray(pos, pos + take));
        this.pendingBytes[stream] += take;
        pos += take;
        // a full piece is cut unless the newline right after it completes the line
        if (this.pendingBytes[stream] >= this.maxLine && (pos < end || nl < 0)) this.flushLine(stream, 'P');
      }
      if (nl < 0) break;
      this.flushLine(stream, 'F');
      start = nl + 1;
    }
  }

  /** Writes whatever is pending for `stream` as a final entry (the stream ended without a newline). */
  endStream(stream: StreamName): void {
    if (this.pendingBytes[stream] > 0 || this.pending[stream].length > 0) this.flushLine(stream, 'F');
  }

  /** Closes the current file and opens `path` afresh (the kubelet moved the old file away). */
  async reopen(): Promise<void> {
    await this.closeFile();
    await this.open();
  }

  /**
   * Flushes and closes. When the streams have not ended (the runtime is stopping while the container runs on), a
   * pending partial line is written with tag P, so the next runtime's continuation joins it instead of starting a
   * new line.
   */
  async close(streamsEnded = true): Promise<void> {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (streamsEnded) this.endStream(stream);
      else if (this.pendingBytes[stream] > 0) this.flushLine(stream, 'P');
    }
    await this.rotating;
    await this.closeFile();
  }

  private flushLine(stream: StreamName, tag: 'F' | 'P'): void {
    const content = Buffer.concat(this.pending[stream]);
    this.pending[stream] = [];
    this.pendingBytes[stream] = 0;
    const line = Buffer.concat([Buffer.from(`${rfc3339Nano(nowNsBig())} ${stream} ${tag} `), content, Buffer.from('\n')]);
    if (this.out) this.out.write(line);
    else this.held.push(line);
    this.size += line.length;
    if (this.size >= this.maxBytes && !this.rotating) {
      this.rotating = this.rotate().finally(() => {
        this.rotating = undefined;
      });
    }
  }

  private async rotate(): Promise<void> {
    const old = this.out;
    this.out = undefined;
    const stamp = (this.options.now?.() ?? new Date()).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    try {
      if (old) {
        old.end();
        await once(old, 'close');
      }
      const target = await this.rotatedName(stamp);
      await rename(this.path, target);
      await this.prune();
    } catch (err) {
      this.options.logger?.warn({ path: this.path, err }, 'container log rotation failed; continuing in the same file');
    }
    this.size = 0;
    this.attach(createWriteStream(this.path, { flags: 'a' }));
  }

  /**
   * `<path>.<stamp>`, or `<path>.<stamp>.<n>` when that second already rotated: n is above every number used for the
   * stamp, on disk or by this writer before, because pruning may have removed the first files of a busy second and a
   * reused lower name would sort as the oldest and be pruned at once.
   */
  private async rotatedName(stamp: string): Promise<string> {
    let seq = this.lastRotated?.stamp === stamp ? this.lastRotated.seq : -1;
    for (const [s, n] of await this.rotatedFiles()) if (s === stamp) seq = Math.max(seq, n);
    seq += 1;
    this.lastRotated = { stamp, seq };
    return seq === 0 ? `${this.path}.${stamp}` : `${this.path}.${stamp}.${seq}`;
  }

  /** Rotated files as [stamp, number], number 0 for a name without one. */
  private async rotatedFiles(): Promise<[string, number, string][]> {
    const prefix = `${basename(this.path)}.`;
    return (await readdir(dirname(this.path)))
      .filter((n) => n.startsWith(prefix) && /^\d{8}-\d{6}(\.\d+)?$/.test(n.slice(prefix.length)))
      .map((n) => {
        const [stamp, seq] = n.slice(prefix.length).split('.');
        return [stamp!, seq === undefined ? 0 : Number(seq), n];
      });
  }

  private async prune(): Promise<void> {
    // Oldest first by stamp, then by the collision number as a number: as text, ".10" would sort before ".2" and the
    // newest files of a busy second would be the ones pruned.
    const rotated = (await this.rotatedFiles()).sort(([sa, na], [sb, nb]) => (sa < sb ? -1 : sa > sb ? 1 : na - nb));
    const excess = rotated.slice(0, Math.max(0, rotated.length - (this.maxFiles - 1)));
    for (const [, , name] of excess) await rm(join(dirname(this.path), name), { force: true });
  }

  private async closeFile(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    if (!out) return;
    out.end();
    await once(out, 'close');
  }
}
