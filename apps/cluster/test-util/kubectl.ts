/**
 * The real kubectl (/usr/bin/kubectl) against a test cluster, with a fresh HOME and --cache-dir so that no
 * discovery cache or config leaks between runs or from the machine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL = '/usr/bin/kubectl';

export interface Kubectl {
  run(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Rejects with kubectl's stderr unless it exits 0. */
  ok(args: string[], stdin?: string): Promise<string>;
  json<T = any>(args: string[]): Promise<T>;
  /** A long-running kubectl (port-forward, logs -f), its output piped; the caller ends it by its PID. */
  start(args: string[]): ChildProcess;
  cleanup(): void;
}

export function kubectlFor(kubeconfig: string): Kubectl {
  const home = mkdtempSync(join(tmpdir(), 'skiff-kubectl-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfig };
  const run = (args: string[], stdin?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(KUBECTL, ['--cache-dir', join(home, 'cache'), ...args], { env, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  const ok = async (args: string[], stdin?: string) => {
    const r = await run(args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  };
  return {
    run,
    ok,
    json: async (args) => JSON.parse(await ok([...args, '-o', 'json'])),
    start: (args) => spawn(KUBECTL, ['--cache-dir', join(home, 'cache'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
