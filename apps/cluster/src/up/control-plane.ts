/**
 * The control plane of `skiff up`: the store (skiff-store, a real etcd, or embedded in the API server), the API
 * server, and, when their processes exist, the controller manager and the scheduler. Each is a separate process
 * that reaches the others only through the API server (the API server alone talks to the store).
 *
 * As root the API server listens on the cluster bridge's gateway address, so the node namespaces reach it and the
 * `kubernetes` Service's endpoints (which the API server sets to its own address) are reachable from pods' nodes;
 * the host reaches that address too. Without root it listens on 127.0.0.1.
 */
import { mkdirSync } from 'node:fs';
import { writeKubeconfig } from '../cluster/kubeconfig-file.js';
import { COMPONENTS, locateComponent, type ComponentName } from '../components/components.js';
import { ClusterError } from '../errors.js';
import { choosePort } from '../system/ports.js';
import type { SupervisedProcess } from '../supervisor/supervised-process.js';
import { spawnComponent, type UpContext } from './up-context.js';

const START_TIMEOUT_MS = 120_000;
const SCHEDULER_METRICS_PORT = 10259;

export interface ControlPlane {
  /** etcd v3 client URLs the API server stores through; empty for the embedded store. */
  storeUrls: string[];
  apiUrl: string;
  missing: string[];
}

export async function startControlPlane(ctx: UpContext): Promise<ControlPlane> {
  const storeUrls = await startStore(ctx);
  const apiUrl = await startApiServer(ctx, storeUrls);
  writeKubeconfig(ctx.dir.kubeconfig, { server: apiUrl, name: `skiff-${ctx.state.id}`, user: 'admin' });
  const missing: string[] = [];
  for (const name of ['controller-manager', 'scheduler'] as const) {
    if (!startOptional(ctx, name, await controlPlaneArgs(ctx, name))) missing.push(name);
  }
  return { storeUrls, apiUrl, missing };
}

async function startStore(ctx: UpContext): Promise<string[]> {
  const store = ctx.state.store;
  if (store.kind === 'etcd') {
    ctx.reporter.progress(`store: etcd at ${store.endpoints!.join(', ')}`);
    return store.endpoints!;
  }
  if (store.kind === 'embedded') {
    ctx.reporter.progress(`store: embedded in the API server (data in ${ctx.dir.embeddedStoreDir})`);
    return [];
  }
  const { port, fellBack } = await choosePort('127.0.0.1', ctx.options.storePort);
  if (fellBack) ctx.reporter.warn(`port ${ctx.options.storePort} on 127.0.0.1 is taken; the store uses ${port} (--store-port to choose)`);
  mkdirSync(ctx.dir.storeDir, { recursive: true });
  ctx.reporter.progress(`store: starting skiff-store (data in ${ctx.dir.storeDir})`);
  const proc = spawnComponent(ctx, {
    label: 'store',
    component: 'store',
    args: [
      `--data-dir=${ctx.dir.storeDir}`,
      `--listen-client-urls=http://127.0.0.1:${port}`,
      `--name=skiff-${ctx.state.id}`,
      `--log-level=${storeLevel(ctx.options.logLevel)}`,
    ],
  });
  const m = await proc.waitForLine(/^skiff-store ready: serving the etcd v3 API on (\S+?),? /, START_TIMEOUT_MS);
  ctx.reporter.progress(`store: ready on ${m[1]}`);
  return [m[1]!];
}

async function startApiServer(ctx: UpContext, storeUrls: string[]): Promise<string> {
  const host = ctx.topology.gateway;
  const { port, fellBack } = await choosePort(host, ctx.options.apiPort);
  if (fellBack) ctx.reporter.warn(`port ${ctx.options.apiPort} on ${host} is taken; the API server uses ${port} (--api-port to choose)`);
  const storeArgs = storeUrls.length ? ['--etcd-servers', storeUrls.join(',')] : ['--data-dir', ctx.dir.embeddedStoreDir];
  ctx.reporter.progress(`apiserver: starting on ${host}:${port}`);
  const proc = spawnComponent(ctx, {
    label: 'apiserver',
    component: 'apiserver',
    args: [
      '--bind-address', host,
      '--port', String(port),
      '--service-cluster-ip-range', ctx.state.serviceCidr,
      '--log-level', ctx.options.logLevel,
      '--service-account-signing-key-file', ctx.dir.serviceAccountKey,
      ...storeArgs,
    ],
  });
  const m = await proc.waitForLine(/^skiff-apiserver listening on (\S+)/, START_TIMEOUT_MS);
  ctx.reporter.progress(`apiserver: ready on ${m[1]}`);
  return m[1]!;
}

/**
 * Arguments for the controller manager and the scheduler (their flags keep kube-controller-manager's and
 * kube-scheduler's names). One instance of each runs per cluster, and the data dir lock guarantees it, so leader
 * election would only delay a restart after a crash.
 */
async function controlPlaneArgs(ctx: UpContext, name: 'controller-manager' | 'scheduler'): Promise<string[]> {
  const common = ['--kubeconfig', ctx.dir.kubeconfig, '--log-level', ctx.options.logLevel, '--leader-elect', 'false'];
  if (name === 'controller-manager') return [...common, '--cluster-cidr', ctx.state.clusterCidr];
  // kube-scheduler's metrics port, unless another cluster on this host has it.
  const { port } = await choosePort('127.0.0.1', SCHEDULER_METRICS_PORT);
  return [...common, '--metrics-bind-address', `127.0.0.1:${port}`];
}

/** Starts a component whose process may not exist yet; false (and a progress line saying why) when it does not. */
export function startOptional(ctx: UpContext, name: ComponentName, args: string[], netns?: string, label: string = name): SupervisedProcess | undefined {
  const def = COMPONENTS.find((c) => c.name === name)!;
  const where = locateComponent(def);
  if (!where.available) {
    ctx.reporter.progress(`${label}: not started, ${where.reason}`);
    return undefined;
  }
  ctx.reporter.progress(`${label}: starting`);
  return spawnComponent(ctx, { label, component: name, args, netns });
}

/** skiff-store takes debug, info, warn or error. */
function storeLevel(level: string): string {
  if (level === 'trace') return 'debug';
  if (level === 'silent') return 'error';
  return level;
}

export function requireComponent(name: ComponentName): void {
  const def = COMPONENTS.find((c) => c.name === name)!;
  const where = locateComponent(def);
  if (!where.available) throw new ClusterError('ComponentMissing', `cannot run a cluster without the ${def.summary}: ${where.reason}`);
}
