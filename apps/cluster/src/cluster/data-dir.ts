/**
 * The data directory (.skiff/ at the repository root by default) and who owns it.
 *
 *   cluster.json      what the cluster is (cluster-state.ts)
 *   skiff.pid         pid of the `skiff up` running this cluster, while it runs
 *   skiff.sock        that process's control socket (status, nodes add)
 *   kubeconfig        the admin kubeconfig
 *   service-account.key  the API server's key for service account tokens (kept, so tokens outlive a restart)
 *   store/            skiff-store's write-ahead log and snapshots (or apiserver-store/ for the embedded store)
 *   logs/<component>.log
 *   nodes/<node>/     each node's kubeconfig, CRI runtime state (cri/) and node agent state (agent/)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterError } from '../errors.js';
import { workspaceRoot } from '../components/components.js';

export function defaultDataDir(): string {
  return join(workspaceRoot(), '.skiff');
}

export interface DataDir {
  readonly root: string;
  readonly kubeconfig: string;
  readonly serviceAccountKey: string;
  readonly pidFile: string;
  readonly controlSocket: string;
  readonly storeDir: string;
  readonly embeddedStoreDir: string;
  readonly logsDir: string;
  log(component: string): string;
}

export function dataDirLayout(root: string): DataDir {
  return {
    root,
    kubeconfig: join(root, 'kubeconfig'),
    serviceAccountKey: join(root, 'service-account.key'),
    pidFile: join(root, 'skiff.pid'),
    controlSocket: join(root, 'skiff.sock'),
    storeDir: join(root, 'store'),
    embeddedStoreDir: join(root, 'apiserver-store'),
    logsDir: join(root, 'logs'),
    log: (component) => join(root, 'logs', `${component.replace(/\//g, '.')}.log`),
  };
}

/** The pid of a live `skiff up` that owns this data dir, if any. A pid file left by a crash does not count. */
export function runningOwner(dir: DataDir): number | undefined {
  if (!existsSync(dir.pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(dir.pidFile, 'utf8'), 10);
  if (!(pid > 0) || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  // A recycled pid belongs to some other program; only a skiff (node running skiff.js or dev.ts) counts.
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!/skiff|dev\.ts/.test(cmdline)) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

/** Takes the data dir for this process, or fails naming the process that has it. */
export function claimDataDir(dir: DataDir): void {
  mkdirSync(dir.root, { recursive: true });
  const owner = runningOwner(dir);
  if (owner !== undefined) {
    throw new ClusterError('AlreadyRunning', `a cluster is already running from ${dir.root} (skiff pid ${owner}); stop it with Ctrl-C there, or use another --data-dir`);
  }
  writeFileSync(dir.pidFile, `${process.pid}\n`);
}

export function releaseDataDir(dir: DataDir): void {
  if (existsSync(dir.pidFile) && readFileSync(dir.pidFile, 'utf8').trim() === String(process.pid)) rmSync(dir.pidFile, { force: true });
  rmSync(dir.controlSocket, { force: true });
}
