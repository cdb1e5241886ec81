/**
 * One `skiff up` cluster for a describe block: a fresh data dir, started in beforeAll (it waits for "Cluster
 * ready" and makes a kubectl for the cluster's kubeconfig), and in afterAll stopped, `skiff reset` and its data
 * dir removed, whatever the tests did, so nothing of it stays on the host. Hooks registered before this call run
 * before its start and after its cleanup (vitest runs after-hooks in reverse order).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlForKubeconfig, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll } from 'vitest';
import { runSkiff } from './skiff-cli.js';
import { startSkiffUp, type SkiffUp } from './skiff-up.js';

export interface SkiffUpCluster {
  /** The cluster's data dir; made in beforeAll (a skipped suite leaves nothing behind). */
  readonly dataDir: string;
  /** The running skiff up (the last one started); valid from beforeAll on. */
  readonly up: SkiffUp;
  /** kubectl with the cluster's kubeconfig; valid from beforeAll on. */
  readonly kubectl: Kubectl;
  /** Starts skiff up again on the same data dir (after the last one stopped) and waits until it is ready. */
  restart(): Promise<SkiffUp>;
}

export interface SkiffUpClusterOptions {
  /** Prefix of the temp data dir's name. */
  prefix: string;
  /** `skiff up` arguments for the data dir; called in beforeAll, so it may use what earlier hooks set up. */
  args(dataDir: string): string[];
  /** How afterAll stops a cluster that still runs (default SIGINT, as Ctrl-C). */
  stopSignal?: NodeJS.Signals;
}

export function useSkiffUpCluster(opts: SkiffUpClusterOptions): SkiffUpCluster {
  let dataDir: string | undefined;
  let up: SkiffUp | undefined;
  let kubectl: Kubectl | undefined;
  const start = async () => {
    up = startSkiffUp(opts.args(dataDir!));
    await up.waitFor(/^Cluster ready/);
    return up;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `${opts.prefix}-`));
    await start();
    kubectl = kubectlForKubeconfig(join(dataDir, 'kubeconfig'), { timeoutMs: 120_000 });
  });

  afterAll(async () => {
    await up?.stop(opts.stopSignal ?? 'SIGINT');
    if (dataDir) {
      await runSkiff(['reset', '--data-dir', dataDir]);
      rmSync(dataDir, { recursive: true, force: true });
    }
    kubectl?.cleanup();
  });

  return {
    get dataDir() {
      if (!dataDir) throw new Error('the data dir is made in beforeAll');
      return dataDir;
    },
    get up() {
      if (!up) throw new Error('skiff up has not been started (the cluster is ready only from beforeAll on)');
      return up;
    },
    get kubectl() {
      if (!kubectl) throw new Error('kubectl is made once the cluster is ready (in beforeAll)');
      return kubectl;
    },
    restart: start,
  };
}
