/**
 * A long-running kubectl (logs -f, get -w, port-forward, attach, exec -i) whose output a test awaits. Output is
 * stdout and stderr together, in the order they arrived, as a terminal would show them.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { KubectlOutputError } from './errors.js';

export interface KubectlProcess {
  /** Everything printed so far. */
  output(): string;
  /**
   * Resolves with the whole output once it matches `pattern`; rejects once the process has ended without a match,
   * or after `timeoutMs` (a bound for a stuck test, not a timing assertion).
   */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Writes to the process's stdin. */
  write(data: string): void;
  /** Closes the process's stdin. */
  endInput(): void;
  /** Resolves with the exit code (-1 when a signal ended it) once the process has ended and its output is all read. */
  exited(): Promise<number>;
  /**
   * Ends the process with `signal` (SIGTERM unless given), and with SIGKILL if it is still there 10 s later;
   * resolves once it has ended. Does nothing to a process that has already ended.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const STOP_GRACE_MS = 10_000;

export function followKubectl(child: ChildProcessWithoutNullStreams, args: string[]): KubectlProcess {
  let out = '';
  let ended = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const onData = (chunk: string) => {
    out += chunk;
    notify();
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  // The process may end before it reads what a test writes to it; that is the test's to notice, not a crash.
  child.stdin.on('error', () => undefined);
  child.on('error', (e) => onData(`\n(kubectl could not be run: ${e.message})\n`));
  // 'close' rather than 'exit': 'exit' can come before the last output is read, and a test that awaits the end
  // and then looks at the output must see all of it.
  const closed = new Promise<number>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      notify();
      resolve(code ?? -1);
    }),
  );

  return {
    output: () => out,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const settle = (finish: () => void) => {
          listeners.delete(check);
          clearTimeout(timer);
          finish();
        };
        // search() rather than test(): a /g pattern's lastIndex would make test() skip what it matched before.
        const check = () => {
          if (out.search(pattern) !== -1) settle(() => resolve(out));
          else if (ended) settle(() => reject(new KubectlOutputError(args, pattern, out, 'exited', timeoutMs)));
        };
        const timer = setTimeout(() => settle(() => reject(new KubectlOutputError(args, pattern, out, 'timeout', timeoutMs))), timeoutMs);
        listeners.add(check);
        check();
      });
    },
    write: (data) => {
      child.stdin.write(data);
    },
    endInput: () => {
      child.stdin.end();
    },
    exited: () => closed,
    async stop(signal = 'SIGTERM') {
      if (ended) return;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      try {
        await closed;
      } finally {
        clearTimeout(escalation);
      }
    },
  };
}
