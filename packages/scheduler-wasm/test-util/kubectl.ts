/**
 * The real kubectl (/usr/bin/kubectl) against a test server, with its own HOME, kubeconfig and --cache-dir, so
 * no discovery cache leaks between runs. cleanup() removes them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Kubectl {
  kubeconfig: string;
  /** Runs kubectl and rejects unless it exits 0; resolves with stdout. */
  ok(args: string[]): Promise<string>;
  cleanup(): void;
}

export function kubectlFor(serverUrl: string): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sched-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const config = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: t\n  cluster: { server: "${serverUrl}" }`,
    'users:',
    '- name: t\n  user: {}',
    'contexts:',
    '- name: t\n  context: { cluster: t, user: t, namespace: default }',
    'current-context: t',
    '',
  ].join('\n');
  writeFileSync(kubeconfig, config);
  return {
    kubeconfig,
    ok: (args) =>
      new Promise((resolve, reject) => {
        execFile(
          '/usr/bin/kubectl',
          ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
          { env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig }, timeout: 60_000, maxBuffer: 16 << 20 },
          (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(String(stdout))),
        );
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
