import { execFile, spawn } from 'node:child_process';
import { readFile, readlink, rm } from 'node:fs/promises';
import { constants } from 'node:os';
import { promisify } from 'node:util';
import type { ExecProcess } from './backend.js';
import { shellQuote } from './shell-quote.js';
import { underTerminal } from './shim.js';

const run = promisify(execFile);

/** 128 + signal number, as shells report a process killed by a signal. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

export interface SpawnExecOptions {
  argv: string[];
  tty: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** File the started command's PID is written to (by runc --pid-file or a wrapper), used to kill it. */
  pidFile: string;
}

/**
 * Starts an exec'd command with piped stdio. With a tty it runs under script(1) (see shim.ts), and `resize` sets the
 * size of script's terminal, which the kernel announces with SIGWINCH to the program using it (runc, which then
 * resizes the container's terminal).
 */
export function spawnExec(options: SpawnExecOptions): ExecProcess {
  const argv = options.tty ? underTerminal(shellQuote(options.argv)) : options.argv;
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...(options.env ?? process.env), SHELL: '/bin/sh' },
    cwd: options.cwd,
  });
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => resolve(126));
    child.once('exit', (code, signal) => resolve(exitStatus(code, signal)));
  });
  void exited.then(() => rm(options.pidFile, { force: true }));
  let resizing: Promise<void> = Promise.resolve();
  return {
    child,
    exited,
    async kill() {
      const pid = Number.parseInt(await readFile(options.pidFile, 'utf8').catch(() => ''), 10);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.kill('SIGKILL');
    },
    resize(width: number, height: number) {
      if (!options.tty || width <= 0 || height <= 0) return Promise.resolve();
      // sizes apply in order; the terminal may not exist yet right after the start, so look for it a while
      resizing = resizing.then(async () => {
        const tty = await terminalOf(child.pid);
        if (tty) await run('stty', ['-F', tty, 'rows', String(height), 'cols', String(width)]).catch(() => undefined);
      });
      return resizing;
    },
  };
}

/** The pseudo-terminal script(1) gave the program it runs: fd 0 of script's child, once that exists (up to ~2 s). */
async function terminalOf(scriptPid: number | undefined): Promise<string | undefined> {
  if (!scriptPid) return undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    const children = await readFile(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').catch(() => undefined);
    if (children === undefined) return undefined;
    const inner = children.trim().split(/\s+/)[0];
    if (inner) {
      const tty = await readlink(`/proc/${inner}/fd/0`).catch(() => '');
      if (tty.startsWith('/dev/pts/')) return tty;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}
