import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '@skiff/store-wasm';
import { freePort } from '../../../packages/store-wasm/test-util/real-etcd.js';

/** The built server, as users run it: a separate process, like the etcd it is compared with. */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'store-wasm', 'dist', 'bin', 'skiff-store.js');
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface SkiffStoreProcess {
  /** 127.0.0.1:PORT */
  endpoint: string;
  pid: number;
  /** Stops the server (SIGTERM, SIGKILL after a grace period) and removes its data dir. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited(child);
  clearTimeout(timer);
}

/** Starts dist/bin/skiff-store.js on a free loopback port with a temp data dir, fsync 'always'. */
export async function startSkiffStore(engine: EngineKind): Promise<SkiffStoreProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-bench-store-'));
  let child: ChildProcess | undefined;
  // A bench process that dies must not leave the server running.
  const killOnExit = (): void => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    if (child) await stopChild(child);
    process.removeListener('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const args = [BIN, `--data-dir=${dataDir}`, `--listen-client-urls=http://127.0.0.1:${port}`, `--engine=${engine}`, '--fsync=always', '--log-level=warn'];
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let stderr = '';
    c.stderr!.setEncoding('utf8').on('data', (s: string) => {
      // A bounded tail, for the error message if it fails.
      stderr = (stderr + s).slice(-4_000);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`skiff-store not ready in ${READY_TIMEOUT_MS} ms; stderr:\n${stderr}`)), READY_TIMEOUT_MS);
      let out = '';
      c.stdout!.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        if (out.includes('skiff-store ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`skiff-store exited before it was ready (code ${code}, signal ${signal}); stderr:\n${stderr}`));
      });
    });
    return { endpoint: `127.0.0.1:${port}`, pid: c.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
