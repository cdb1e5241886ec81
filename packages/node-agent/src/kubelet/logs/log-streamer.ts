/**
 * Serves one container log: what `kubectl logs` asks for (tailLines, limitBytes, sinceSeconds/sinceTime,
 * timestamps, follow) from the CRI log file and its rotated predecessors (`<path>.<YYYYMMDD-HHMMSS>`).
 * Following polls the file for growth and re-opens it when the runtime rotates it; it ends once the container no
 * longer runs and everything it wrote has been sent, or when the client goes away.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { formatLine, parseCriLog, type LogLine } from './cri-log-format.js';

export interface LogStreamOptions {
  tailLines?: number;
  limitBytes?: number;
  /** Only lines at or after this time (ms since the epoch). */
  sinceMs?: number;
  timestamps: boolean;
  follow: boolean;
  /** Follow poll interval. */
  pollMs?: number;
}

async function readFrom(path: string, offset: number): Promise<{ text: string; size: number; ino: number }> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    const length = Math.max(0, info.size - offset);
    const buf = Buffer.alloc(length);
    if (length > 0) await handle.read(buf, 0, length, offset);
    return { text: buf.toString('utf8'), size: info.size, ino: info.ino };
  } finally {
    await handle.close();
  }
}

async function rotatedFiles(path: string): Promise<string[]> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return names
    .filter((n) => n.startsWith(prefix) && /^\d{8}-\d{6}(\.\d+)?$/.test(n.slice(prefix.length)))
    .sort()
    .map((n) => join(dirname(path), n));
}

class Sink {
  written = 0;
  constructor(
    private readonly out: Writable,
    private readonly opts: LogStreamOptions,
  ) {}

  get full(): boolean {
    return this.opts.limitBytes !== undefined && this.written >= this.opts.limitBytes;
  }

  async write(lines: LogLine[]): Promise<void> {
    for (const line of lines) {
      if (this.full) return;
      if (this.opts.sinceMs !== undefined && line.timeMs < this.opts.sinceMs) continue;
      let chunk = Buffer.from(formatLine(line, this.opts.timestamps));
      if (this.opts.limitBytes !== undefined) chunk = chunk.subarray(0, this.opts.limitBytes - this.written);
      this.written += chunk.length;
      if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve).once('close', resolve));
    }
  }
}

/**
 * Writes the log at `path` to `out` per `opts`. `running` tells a follower whether the container still runs;
 * `signal` ends a follow early (the client disconnected).
 */
export async function streamLog(path: string, opts: LogStreamOptions, out: Writable, running: () => Promise<boolean>, signal?: AbortSignal): Promise<void> {
  const sink = new Sink(out, opts);
  let lines: LogLine[] = [];
  for (const file of await rotatedFiles(path)) {
    const { text } = await readFrom(file, 0).catch(() => ({ text: '' }));
    lines.push(...parseCriLog(text).lines);
  }
  const first = await readFrom(path, 0).catch(() => ({ text: '', size: 0, ino: 0 }));
  const parsed = parseCriLog(first.text);
  lines.push(...parsed.lines);
  if (opts.sinceMs !== undefined) lines = lines.filter((l) => l.timeMs >= opts.sinceMs!);
  if (opts.tailLines !== undefined) lines = opts.tailLines > 0 ? lines.slice(-opts.tailLines) : [];
  await sink.write(lines);
  if (!opts.follow) {
    if (parsed.pending && (opts.tailLines === undefined || opts.tailLines > 0)) await sink.write([parsed.pending]);
    return;
  }

  let offset = parsed.consumedBytes;
  let pending = parsed.pending;
  let ino = first.ino;
  const pollMs = opts.pollMs ?? 100;
  // the runtime may record the exit a moment before it has copied the last output to the file: one more look
  let idleAfterExit = 0;
  for (;;) {
    if (signal?.aborted || sink.full || (out as { destroyed?: boolean }).destroyed) return;
    const alive = await running();
    const info = await stat(path).catch(() => undefined);
    if (info && info.ino !== ino) {
      // rotated: finish the old file is impossible (renamed); the new one starts from 0
      ino = info.ino;
      offset = 0;
    }
    if (info && info.size > offset) {
      const chunk = await readFrom(path, offset).catch(() => undefined);
      if (chunk) {
        const next = parseCriLog(chunk.text, pending);
        offset += next.consumedBytes;
        pending = next.pending;
        await sink.write(next.lines);
        continue;
      }
    }
    if (!alive && ++idleAfterExit > 1) {
      if (pending) await sink.write([pending]);
      return;
    }
    await pause(pollMs, signal);
  }
}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind either way. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The last lines of a log, at most `maxBytes` (a FallbackToLogsOnError termination message). */
export async function logTail(path: string, maxLines: number, maxBytes: number): Promise<string> {
  const { text } = await readFrom(path, 0).catch(() => ({ text: '' }));
  const parsed = parseCriLog(text);
  const out = parsed.lines.slice(-maxLines).map((l) => `${l.text}\n`).join('');
  const buf = Buffer.from(out);
  return buf.length > maxBytes ? buf.subarray(buf.length - maxBytes).toString('utf8') : out;
}
