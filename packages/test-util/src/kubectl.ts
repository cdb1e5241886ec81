/**
 * The real kubectl (/usr/bin/kubectl) for tests. Each instance has a temp dir of its own for HOME, the discovery
 * cache and the files a test writes, so no discovery or /version cache leaks between runs; kubectl sees only PATH,
 * HOME and KUBECONFIG from the environment, so nothing leaks in from the machine either (a developer's
 * KUBECTL_* settings, a proxy). cleanup() ends what is still running and removes the dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubectlError } from './errors.js';
import { testKubeconfig } from './kubeconfig.js';
import { followKubectl, type KubectlProcess } from './kubectl-process.js';
import type { KubectlResult } from './kubectl-result.js';

export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlOptions {
  /** The bound on one run unless the run names its own, in ms (default 60 s). A run past it is killed. */
  timeoutMs?: number;
}

export interface KubectlRunOptions {
  /** Written to kubectl's stdin, which is then closed (it is closed at once without this). */
  stdin?: string;
  /** This run's bound, in ms. */
  timeoutMs?: number;
  /** Extra environment for this run (KUBE_EDITOR, say). */
  env?: Record<string, string>;
}

export interface Kubectl {
  /** The instance's temp dir: HOME, the cache and the files written with file(). */
  readonly dir: string;
  readonly kubeconfig: string;
  /** Runs kubectl to its end; resolves whatever the exit code. */
  run(args: string[], opts?: KubectlRunOptions): Promise<KubectlResult>;
  /** Runs kubectl and resolves with its stdout; rejects with a KubectlError unless it exits 0. */
  ok(args: string[], opts?: KubectlRunOptions): Promise<string>;
  /** ok() with `-o json` added, parsed. */
  json<T = any>(args: string[], opts?: KubectlRunOptions): Promise<T>;
  /** Starts a long-running kubectl (logs -f, get -w, port-forward); cleanup() ends it if the test did not. */
  spawn(args: string[], opts?: { env?: Record<string, string> }): KubectlProcess;
  /** Writes a file in the temp dir and resolves with its path. */
  file(name: string, content: string): Promise<string>;
  /** `kubectl apply -f` of a manifest given as text; resolves with kubectl's stdout. */
  apply(manifest: string): Promise<string>;
  /**
   * Kills the processes spawn() started that still run and removes the temp dir. The work is done before it
   * returns, so a caller that does not await it loses nothing; the promise is for callers that chain on it.
   */
  cleanup(): Promise<void>;
}

/** kubectl against the server at `serverUrl`, through a kubeconfig written into the instance's temp dir. */
export function kubectlFor(serverUrl: string, options: KubectlOptions = {}): Kubectl {
  const dir = makeDir();
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, testKubeconfig(serverUrl));
  return kubectlWith(dir, kubeconfig, options);
}

/** kubectl through an existing kubeconfig (a whole cluster's, say), which cleanup() leaves alone. */
export function kubectlForKubeconfig(kubeconfig: string, options: KubectlOptions = {}): Kubectl {
  return kubectlWith(makeDir(), kubeconfig, options);
}

function makeDir(): string {
  return mkdtempSync(join(tmpdir(), 'skiff-kubectl-'));
}

function kubectlWith(dir: string, kubeconfig: string, options: KubectlOptions): Kubectl {
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
  const envWith = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig, ...extra });
  const children = new Set<ChildProcess>();
  let manifests = 0;

  const run: Kubectl['run'] = (args, opts = {}) =>
    new Promise((resolve) => {
      const timeoutMs = opts.timeoutMs ?? options.timeoutMs ?? 60_000;
      const child = execFile(
        KUBECTL,
        [...base, ...args],
        { env: envWith(opts.env), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (!err) return resolve({ code: 0, stdout, stderr });
          const killed = err.killed ? `\n(kubectl was killed: it ran past its ${timeoutMs} ms bound)` : '';
          resolve({ code: typeof err.code === 'number' ? err.code : 1, stdout, stderr: `${stderr}${killed}` });
        },
      );
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(opts.stdin ?? '');
    });

  const ok: Kubectl['ok'] = async (args, opts) => {
    const result = await run(args, opts);
    if (result.code !== 0) throw new KubectlError(args, result);
    return result.stdout;
  };

  const file: Kubectl['file'] = async (name, content) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };

  return {
    dir,
    kubeconfig,
    run,
    ok,
    json: async (args, opts) => JSON.parse(await ok([...args, '-o', 'json'], opts)),
    spawn(args, opts = {}) {
      const child = spawn(KUBECTL, [...base, ...args], { env: envWith(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
      children.add(child);
      child.on('close', () => children.delete(child));
      return followKubectl(child, args);
    },
    file,
    apply: async (manifest) => ok(['apply', '-f', await file(`manifest-${++manifests}.yaml`, manifest)]),
    async cleanup() {
      for (const child of children) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
