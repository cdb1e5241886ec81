/**
 * gets/s and durable puts/s through gRPC, one Node load client with 64 requests in flight, skiff-store against a
 * real etcd 3.4 on this machine. Both fsync every acknowledged write (etcd always does; skiff-store --fsync=always).
 *
 *   node --import tsx test-util/grpc-load-main.ts [--engine=wasm|ts] [--target=both|etcd|skiff] [--keys=100000]
 *        [--seconds=5] [--server-bin=dist/bin/skiff-store.js]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KvLoadClient, registryKeys, type LoadResult } from './grpc-load.js';
import { freePort, startRealEtcd } from './real-etcd.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

const engine = arg('engine', 'wasm');
const target = arg('target', 'both');
const keyCount = Number(arg('keys', '100000'));
const seconds = Number(arg('seconds', '5'));
const serverBin = arg('server-bin', '');
const IN_FLIGHT = 64;
const VALUE = Buffer.alloc(128, 0x61);

interface Server {
  name: string;
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/** CPU seconds (user + system) a process has used, from /proc: machine load does not inflate it. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ", utime and stime are fields 12 and 13 (0-based), in clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Measured extends LoadResult {
  serverCpuUsPerOp: number;
  clientCpuUsPerOp: number;
}

async function withCpu(pid: number, run: () => Promise<LoadResult>): Promise<Measured> {
  const server0 = cpuSeconds(pid);
  const client0 = process.cpuUsage();
  const r = await run();
  const serverUs = (cpuSeconds(pid) - server0) * 1e6;
  const client = process.cpuUsage(client0);
  return { ...r, serverCpuUsPerOp: serverUs / r.ops, clientCpuUsPerOp: (client.user + client.system) / r.ops };
}

async function startSkiffStore(): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-load-'));
  const port = await freePort();
  const tsx = join(here, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs');
  // --server-bin: a built skiff-store (as users run it); by default the source through tsx.
  const entry = serverBin ? [serverBin] : ['--import', tsx, join(here, '..', 'src', 'bin', 'skiff-store.ts')];
  const child = spawn(
    process.execPath,
    [...entry, `--data-dir=${dataDir}`, `--listen-client-urls=http://127.0.0.1:${port}`, `--engine=${engine}`, '--fsync=always', '--log-level=warn'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('skiff-store did not get ready in 30 s')), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      if (s.includes('skiff-store ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`skiff-store exited with ${code}`)));
  });
  return {
    name: `skiff-store (${engine})`,
    endpoint: `127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startEtcd(): Promise<Server> {
  const e = await startRealEtcd({ name: 'load' });
  return { name: 'etcd 3.4', endpoint: e.endpoint, pid: e.pid, stop: e.stop };
}

async function measure(server: Server): Promise<Measured[]> {
  const client = new KvLoadClient(server.endpoint);
  try {
    const keys = registryKeys(keyCount);
    await client.preload(keys, VALUE);
    // A short warm-up so both servers are measured hot (JIT, connection, page cache).
    await client.run('warm-up', (i) => client.get(keys[i % keys.length]!), { inFlight: IN_FLIGHT, maxOps: 5_000, maxMs: 2_000 });
    // A fixed stride over the keys instead of random picks: the same sequence for both servers.
    const pick = (i: number): Buffer => keys[(i * 7919) % keys.length]!;
    const limits = { inFlight: IN_FLIGHT, maxOps: 1_000_000, maxMs: seconds * 1000 };
    const gets = await withCpu(server.pid, () => client.run(`${server.name} get`, (i) => client.get(pick(i)), limits));
    const puts = await withCpu(server.pid, () => client.run(`${server.name} durable put`, (i) => client.put(pick(i), VALUE), limits));
    return [gets, puts];
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const results: Measured[] = [];
  const starters = [...(target !== 'skiff' ? [startEtcd] : []), ...(target !== 'etcd' ? [startSkiffStore] : [])];
  for (const start of starters) {
    const server = await start();
    try {
      process.stdout.write(`measuring ${server.name} at ${server.endpoint}: ${keyCount} keys, ${IN_FLIGHT} in flight, ${seconds} s per phase\n`);
      results.push(...(await measure(server)));
    } finally {
      await server.stop();
    }
  }
  process.stdout.write('\nname                            ops/s   p50 ms   p99 ms  server CPU us/op  client CPU us/op  ops     errors\n');
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(30)} ${r.opsPerSecond.toFixed(0).padStart(7)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms.toFixed(2).padStart(8)}` +
        ` ${r.serverCpuUsPerOp.toFixed(0).padStart(17)} ${r.clientCpuUsPerOp.toFixed(0).padStart(17)}  ${String(r.ops).padEnd(7)} ${r.errors}\n`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
