import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real etcd (Debian's etcd-server 3.4) for tests and benchmarks: one member on loopback, free ports, a temp
 * data dir, started and stopped by PID. Stopping also removes the data dir; a test process that dies leaves no
 * etcd behind (an exit hook kills it).
 */

export const ETCD_BIN = '/usr/bin/etcd';
export const ETCDCTL_BIN = '/usr/bin/etcdctl';

export interface RealEtcd {
  /** http://127.0.0.1:PORT */
  clientUrl: string;
  /** 127.0.0.1:PORT, as etcdctl --endpoints takes it */
  endpoint: string;
  peerUrl: string;
  dataDir: string;
  pid: number;
  /** Stops etcd (SIGTERM, then SIGKILL after 5 s) and removes its data dir. */
  stop(): Promise<void>;
  /** Stops etcd and starts it again on the same ports and data dir (a new pid). */
  restart(): Promise<void>;
}

export interface RealEtcdOptions {
  /** --name; default "skiff-test". */
  name?: string;
  /** Extra etcd flags. */
  args?: string[];
  /** Give up waiting for etcd to serve clients after this long. Default 20 s. */
  readyTimeoutMs?: number;
}

/** Whether a real etcd can run here, and why not. */
export function realEtcdAvailability(): { available: boolean; reason?: string } {
  if (!existsSync(ETCD_BIN)) return { available: false, reason: `${ETCD_BIN} is not installed (apt-get install etcd-server)` };
  const v = spawnSync(ETCD_BIN, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (v.status !== 0) return { available: false, reason: `${ETCD_BIN} --version failed: ${v.stderr}` };
  return { available: true };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const READY = /serving client traffic|ready to serve client requests/;

const live = new Set<ChildProcess>();
let hooked = false;

function killAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of live) if (child.pid) process.kill(child.pid, 'SIGKILL');
  });
}

/** Resolves when the child exits (immediately if it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  }, graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Starts etcd with these flags and resolves once it serves clients; on failure it is stopped and the error says why. */
async function spawnEtcd(args: string[], readyTimeoutMs: number): Promise<ChildProcess> {
  const child = spawn(ETCD_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  killAllOnExit();
  child.once('exit', () => live.delete(child));
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`etcd did not become ready in ${readyTimeoutMs} ms; log tail:\n${log.slice(-2000)}`)), readyTimeoutMs);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      // Keep only a bounded tail: etcd logs for as long as it runs.
      log = (log + chunk).slice(-64_000);
      if (READY.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`etcd exited before it was ready (code ${code}, signal ${signal}); log tail:\n${log.slice(-2000)}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    await stopChild(child, 5_000);
    throw e;
  }
  return child;
}

export async function startRealEtcd(opts: RealEtcdOptions = {}): Promise<RealEtcd> {
  const name = opts.name ?? 'skiff-test';
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-real-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${name}=${peerUrl}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
    ...(opts.args ?? []),
  ];
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
  let child: ChildProcess;
  try {
    child = await spawnEtcd(args, readyTimeoutMs);
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const etcd: RealEtcd = {
    clientUrl,
    endpoint: `127.0.0.1:${clientPort}`,
    peerUrl,
    dataDir,
    pid: child.pid!,
    stop: async () => {
      await stopChild(child, 5_000);
      await rm(dataDir, { recursive: true, force: true });
    },
    restart: async () => {
      await stopChild(child, 5_000);
      child = await spawnEtcd(args, readyTimeoutMs);
      etcd.pid = child.pid!;
    },
  };
  return etcd;
}
