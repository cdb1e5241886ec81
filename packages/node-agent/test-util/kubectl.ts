/**
 * The real kubectl (/usr/bin/kubectl) against a test API server, with a kubeconfig, HOME and cache dir of its own
 * so no discovery cache leaks between runs. `run` waits for exit; `spawn` keeps a long-running one (logs -f,
 * port-forward, exec -i) whose output can be awaited and whose stdin can be written.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlProcess {
  output(): string;
  /** Resolves with the output once it matches `pattern`; rejects after `timeoutMs` (a bound, not an assertion). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  write(data: string): void;
  endInput(): void;
  exited(): Promise<number>;
  stop(): Promise<void>;
}

export interface Kubectl {
  readonly dir: string;
  run(args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  ok(args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<string>;
  spawn(args: string[]): KubectlProcess;
  /** kubectl apply -f of a manifest given as text. */
  apply(manifest: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function kubectlFor(serverUrl: string): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: skiff, cluster: {server: "${serverUrl}"}}]
users: [{name: admin, user: {}}]
contexts: [{name: skiff, context: {cluster: skiff, user: admin, namespace: default}}]
current-context: skiff
`,
  );
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig };
  const children = new Set<import('node:child_process').ChildProcess>();

  const run: Kubectl['run'] = (args, opts = {}) =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL, [...base, ...args], { env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      child.stdin?.end(opts.stdin ?? '');
    });

  const spawnOne = (args: string[]): KubectlProcess => {
    const child = spawn(KUBECTL, [...base, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const waiters = new Set<() => void>();
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const w of [...waiters]) w();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.stdin.on('error', () => undefined);
    const exit = new Promise<number>((resolve) =>
      child.on('exit', (code) => {
        children.delete(child);
        for (const w of [...waiters]) w();
        resolve(code ?? -1);
      }),
    );
    return {
      output: () => out,
      waitFor(pattern, timeoutMs = 30_000) {
        return new Promise((resolve, reject) => {
          const check = () => {
            if (pattern.test(out)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(out);
            } else if (child.exitCode !== null) {
              waiters.delete(check);
              clearTimeout(timer);
              reject(new Error(`kubectl ${args.join(' ')} exited ${child.exitCode} without ${pattern}:\n${out}`));
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`kubectl ${args.join(' ')}: no ${pattern} within ${timeoutMs} ms:\n${out}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      },
      write: (data) => child.stdin.write(data),
      endInput: () => child.stdin.end(),
      exited: () => exit,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exit;
      },
    };
  };

  return {
    dir,
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    spawn: spawnOne,
    async apply(manifest) {
      const file = join(dir, `manifest-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(file, manifest);
      const r = await run(['apply', '-f', file]);
      if (r.code !== 0) throw new Error(`kubectl apply exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async cleanup() {
      for (const c of children) c.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
