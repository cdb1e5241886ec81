/**
 * Runs a host tool (ip, iptables, sysctl, runc) to completion. Failures carry the full command line and the
 * tool's own stderr, which is what a person needs to see when network setup goes wrong.
 */
import { execFile } from 'node:child_process';
import { ClusterError } from '../errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs and resolves whatever the exit code is. Each call is bounded by `timeoutMs` (default 30 s). */
export function runCommand(file: string, args: readonly string[], options: { timeoutMs?: number; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
        reject(new ClusterError('CommandFailed', `cannot run ${file}: ${err.message}`, { cause: err }));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs and rejects with a ClusterError (the command line and stderr) unless it exits 0. */
export async function mustRun(file: string, args: readonly string[], options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  const r = await runCommand(file, args, options);
  if (r.code !== 0) {
    throw new ClusterError('CommandFailed', `\`${[file, ...args].join(' ')}\` failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}
