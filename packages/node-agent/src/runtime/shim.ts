import { readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { commandShell, type LaunchOptions } from './command-shell.js';


/**
 * The shim: a /bin/sh process per running container that outlives the runtime. It holds the container's stdio
 * pipes, waits for the supervised command (`runc run`, or the process itself for the process backend) and records
 * its exit status in `<dir>/exit` by rename, so the status survives runtime restarts. It is a shell script, not a
 * Node process, because it costs ~1 MiB and ~1 ms instead of ~40 MiB and ~50 ms.
 *
 *   <dir>/pid    the container's first process (written by runc --pid-file or by the process wrapper)
 *   <dir>/exit   its exit status; 128+N when killed by signal N
 */
const SHIM_SCRIPT = [
  'd=$1; shift',
  // with stdin kept open (stdin without stdinOnce) the container must not see EOF while no runtime writes
  '[ "$SKIFF_HOLD_STDIN" = 1 ] && exec 9<>"$d/stdin.fifo"',
  '"$@"',
  'code=$?',
  'exec >/dev/null 2>&1 9>&-',
  'printf "%s\\n" "$code" >"$d/exit.tmp" && mv -f "$d/exit.tmp" "$d/exit"',
].join('\n');

export interface ShimLaunch {
  /** The container's state directory (FIFOs, pid, exit). */
  dir: string;
  /** The command to supervise. */
  argv: string[];
  /** Paths of the pipes the shim opens (container-io.ts). */
  stdio: LaunchOptions['stdio'];
  holdStdinOpen: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Shim {
  pid: number;
  /** Resolves when the shim has exited (while the runtime that started it runs). */
  exited: Promise<void>;
}

/**
 * Starts a detached shim (its own session, so it survives the runtime and its process group), through the
 * runtime's command shell (command-shell.ts) rather than a fork of the runtime.
 */
export async function launchShim(launch: ShimLaunch): Promise<Shim> {
  const { pid, exited } = await commandShell.launch('/bin/sh', ['-c', SHIM_SCRIPT, 'skiff-shim', launch.dir, ...launch.argv], {
    stdio: launch.stdio,
    newSession: true,
    cwd: launch.cwd ?? launch.dir,
    env: { ...(launch.env ?? process.env), SKIFF_HOLD_STDIN: launch.holdStdinOpen ? '1' : '0' },
  });
  return { pid, exited: exited.then(() => undefined) };
}

/**
 * `argv` run under script(1), which gives it a pseudo-terminal as controlling terminal: runc (and interactive
 * programs) need one for tty containers and tty exec, and Node cannot open a pty itself. `-e` passes the exit status
 * through.
 */
export function underTerminal(command: string): string[] {
  return ['script', '-q', '-e', '-f', '-c', command, '/dev/null'];
}

export interface ExitRecord {
  code: number;
  /** Nanoseconds since the epoch, from the exit file's mtime. */
  finishedAt: number;
}

/**
 * The exit record, if the shim wrote one. Read synchronously: the file is a few bytes in the page cache, read on
 * every change in the container's directory, and the promise API's thread-pool round trip costs far more.
 */
export async function readExit(dir: string): Promise<ExitRecord | undefined> {
  const path = join(dir, 'exit');
  try {
    const text = readFileSync(path, 'utf8');
    const info = statSync(path, { bigint: true });
    const code = Number.parseInt(text.trim(), 10);
    return { code: Number.isFinite(code) ? code : 255, finishedAt: Number(info.mtimeNs) };
  } catch {
    return undefined;
  }
}

/** The container's first process, once written (read synchronously, as readExit is). */
export async function readPid(dir: string): Promise<{ pid: number; startedAt: number } | undefined> {
  const path = join(dir, 'pid');
  try {
    const text = readFileSync(path, 'utf8');
    const info = statSync(path, { bigint: true });
    const pid = Number.parseInt(text.trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? { pid, startedAt: Number(info.mtimeNs) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves once `check()` returns a value, re-checking whenever something in `dir` changes (inotify) and when
 * `alsoOn` settles. Rejects after `timeoutMs` (Infinity for never; a bound, not a measurement: callers fail with a
 * clear error instead of hanging) or when `signal` aborts.
 */
export function waitInDir<T>(
  dir: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; alsoOn?: Promise<unknown>; signal?: AbortSignal; what: string },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let checking = false;
    let again = false;
    const watcher = watch(dir, () => void poll());
    const timer = Number.isFinite(options.timeoutMs)
      ? setTimeout(() => finish(new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`)), options.timeoutMs)
      : undefined;
    const onAbort = () => finish(new Error(`stopped waiting for ${options.what}`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    function finish(err: Error | undefined, value?: T): void {
      if (settled) return;
      settled = true;
      watcher.close();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value as T);
    }
    async function poll(): Promise<void> {
      if (settled) return;
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const value = await check();
          if (value !== undefined) return finish(undefined, value);
        } while (again && !settled);
      } catch (err) {
        finish(err as Error);
      } finally {
        checking = false;
      }
    }
    watcher.on('error', (err) => finish(err));
    options.alsoOn?.then(() => poll(), () => poll());
    void poll();
  });
}
