/**
 * The real kubectl (/usr/bin/kubectl) against a test server, with a fresh HOME, kubeconfig and cache dir per
 * instance so that no discovery or /version cache leaks between runs. cleanup() removes them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Kubectl {
  kubeconfig: string;
  /** Runs kubectl; resolves with the exit code and output whatever the code. */
  run(args: string[], opts?: { timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs kubectl and rejects unless it exits 0. */
  ok(args: string[], opts?: { timeoutMs?: number }): Promise<string>;
  cleanup(): void;
}

export function kubectlFor(serverUrl: string): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: skiff
  cluster: { server: "${serverUrl}" }
users:
- name: admin
  user: {}
contexts:
- name: skiff
  context: { cluster: skiff, user: admin, namespace: default }
current-context: skiff
`,
  );
  const run: Kubectl['run'] = (args, opts = {}) =>
    new Promise((resolve) => {
      execFile(
        '/usr/bin/kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
    });
  return {
    kubeconfig,
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
