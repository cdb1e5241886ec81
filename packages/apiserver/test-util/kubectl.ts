/**
 * Runs the real kubectl (/usr/bin/kubectl) against a test server, with its own kubeconfig, HOME and cache dir so
 * that no discovery or /version cache leaks between runs.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  readonly dir: string;
  readonly kubeconfig: string;
  /** Runs kubectl; resolves whatever the exit code is. */
  run(args: string[], opts?: { stdin?: string; timeoutMs?: number; env?: Record<string, string> }): Promise<KubectlResult>;
  /** Runs kubectl and rejects unless it exits 0. */
  ok(args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<string>;
  /** Starts a long-running kubectl (get -w, logs -f); stop() ends it. */
  stream(args: string[]): KubectlStream;
  /** Writes a file in the temp dir and returns its path. */
  file(name: string, content: string): Promise<string>;
  cleanup(): Promise<void>;
}

export interface KubectlStream {
  output(): string;
  /** Resolves once the output matches, rejects after `timeoutMs` (a bound, not a timing assertion). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once the process ends on its own. */
  exited(): Promise<number>;
  stop(): Promise<void>;
}

export const KUBECTL = '/usr/bin/kubectl';

export async function kubectlFor(serverUrl: string): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: skiff',
      `  cluster: { server: "${serverUrl}" }`,
      'users:',
      '- name: admin',
      '  user: {}',
      'contexts:',
      '- name: skiff',
      '  context: { cluster: skiff, user: admin, namespace: default }',
      'current-context: skiff',
      '',
    ].join('\n'),
  );
  const run: Kubectl['run'] = (args, opts = {}) =>
    new Promise((resolve) => {
      const child = execFile(
        KUBECTL,
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, ...opts.env }, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
      else child.stdin?.end();
    });
  const stream = (args: string[]): KubectlStream => {
    const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], {
      env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const waiters: (() => void)[] = [];
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const w of waiters.splice(0)) w();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    return {
      output: () => out,
      waitFor(pattern, timeoutMs = 20_000) {
        return new Promise((resolve, reject) => {
          const deadline = setTimeout(() => reject(new Error(`kubectl ${args.join(' ')}: no match for ${pattern} in:\n${out}`)), timeoutMs);
          const check = () => {
            if (pattern.test(out)) {
              clearTimeout(deadline);
              resolve(out);
            } else waiters.push(check);
          };
          check();
        });
      },
      exited: () => exit,
      async stop() {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exit;
      },
    };
  };
  return {
    dir,
    kubeconfig,
    run,
    stream,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async file(name, content) {
      const p = join(dir, name);
      await writeFile(p, content);
      return p;
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
