// The proxy's data path on loopback against a direct connection to the backend: bulk throughput and new
// connections per second. The proxy runs in both of its modes: userspace (every byte through its listener) and,
// where this runs as root with nft, nftables (kernel DNAT rules from the core's tables, as kube-proxy's nftables
// mode). Clients (this thread; ApacheBench for connection rates where installed), proxy and backends (a worker
// thread each) share the machine's cores.
import { execFile, execFileSync } from 'node:child_process';
import net from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { BenchRatio, BenchResult, SuiteContext } from '../result.js';

const backendWorkerSource = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
// sink: counts what it is sent and answers the count when the client ends. reply: answers a one-byte HTTP/1.0
// response to the first bytes it gets and ends first (so TIME_WAIT lands on the server side); HTTP so that
// ApacheBench can be the client as well as this process.
const sink = net.createServer({ allowHalfOpen: true }, (s) => {
  let n = 0;
  s.on('data', (d) => (n += d.length));
  s.on('end', () => s.end(String(n)));
  s.on('error', () => {});
});
const reply = net.createServer((s) => {
  s.once('data', () => s.end('HTTP/1.0 200 OK\\r\\nContent-Length: 1\\r\\n\\r\\nk'));
  s.on('error', () => {});
});
sink.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
  reply.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
    parentPort.postMessage({ sink: sink.address().port, reply: reply.address().port })));
`;

const proxyWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
import(workerData.moduleUrl).then(async (lb) => {
  const kernel = workerData.kernelTable ? { kernelDataPath: { table: workerData.kernelTable, masquerade: false } } : {};
  const proxy = new lb.ServiceProxy({ logger: quiet, engine: workerData.engine, ...kernel });
  for (const name of ['sink', 'reply']) {
    await proxy.addService({ name, address: '127.0.0.1', port: 0, protocol: 'tcp', scheduler: 'mh',
      backends: [{ address: '127.0.0.1', port: workerData[name] }] });
  }
  await proxy.kernelSettled();
  const modes = proxy.status().map((s) => s.dataPath);
  parentPort.postMessage({ sink: proxy.portOf('sink'), reply: proxy.portOf('reply'), modes });
}).catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

interface Started {
  worker: Worker;
  ports: { sink: number; reply: number; modes?: string[] };
}

function startWorker(source: string, workerData: object): Promise<Started> {
  const worker = new Worker(source, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start within 20 s')), 20_000);
    worker.once('message', (m: Started['ports'] & { error?: string }) => {
      clearTimeout(timer);
      if (m.error) {
        void worker.terminate();
        reject(new Error(m.error));
      } else resolve({ worker, ports: m });
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Sends `bytes` in 64 KiB chunks with backpressure; MB/s until the sink acknowledged the count. */
function bulk(port: number, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const t0 = performance.now();
    let sent = 0;
    let answer = '';
    const timer = setTimeout(() => s.destroy(new Error('bulk transfer took over 60 s')), 60_000);
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
      s.end();
    };
    s.on('connect', pump);
    s.on('data', (d) => (answer += d.toString()));
    s.on('end', () => {
      clearTimeout(timer);
      s.destroy();
      if (Number(answer) !== sent) return reject(new Error(`sink counted ${answer}, sent ${sent}`));
      resolve(sent / 1e6 / ((performance.now() - t0) / 1000));
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Client addresses the connection-rate runs rotate over. */
const SOURCE_ADDRESSES = 32;

/**
 * New connections per second: `total` one-byte request/response exchanges, `concurrency` at a time, within
 * `capMs`. Connections come from 127.0.0.2 to 127.0.0.33 in turn, as load generators spread their sources: from
 * one address, 20,000 connections a run reuse ephemeral ports whose previous flows are still in TIME_WAIT (in
 * the backend and in conntrack), and the run then measures the kernel's port-reuse handling instead.
 */
function connRate(port: number, total: number, concurrency: number, capMs: number): Promise<{ rate: number; failed: number }> {
  return new Promise((resolve) => {
    let started = 0;
    let done = 0;
    let failed = 0;
    const t0 = performance.now();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      resolve({ rate: done / ((performance.now() - t0) / 1000), failed });
    };
    const one = () => {
      if (started >= total || performance.now() - t0 > capMs) {
        if (done + failed >= started) finish();
        return;
      }
      const localAddress = `127.0.0.${2 + (started % SOURCE_ADDRESSES)}`;
      started++;
      const s = net.connect({ port, host: '127.0.0.1', localAddress });
      s.on('connect', () => s.write('q'));
      s.on('data', () => {});
      s.on('end', () => {
        done++;
        s.end();
        one();
      });
      s.on('error', () => {
        failed++;
        s.destroy();
        one();
      });
    };
    for (let i = 0; i < concurrency; i++) one();
  });
}

/** ApacheBench (Debian's apache2-utils) when installed: a C client that spends far less CPU per connection. */
function apacheBench(): boolean {
  try {
    execFileSync('ab', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let abRuns = 0;

/**
 * New connections per second with ApacheBench: `total` HTTP/1.0 requests, one connection each, `concurrency` at a
 * time. Each run binds a source address of its own (127.0.0.34 onwards), so none reuses a port whose last flow
 * is still in TIME_WAIT. Bounded by count and, through the timeout, by time.
 */
function abConnRate(port: number, total: number, concurrency: number, capMs: number): Promise<{ rate: number; failed: number }> {
  const source = `127.0.0.${34 + (abRuns++ % 200)}`;
  const args = ['-q', '-r', '-s', '5', '-n', String(total), '-c', String(concurrency), '-B', source, `http://127.0.0.1:${port}/`];
  return new Promise((resolve, reject) => {
    execFile('ab', args, { timeout: capMs + 10_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const num = (label: string) => Number(new RegExp(`${label}:\\s+([0-9.]+)`).exec(stdout)?.[1]);
      const complete = num('Complete requests');
      const failed = num('Failed requests') || 0;
      const seconds = num('Time taken for tests');
      if (err || !(complete > 0) || !(seconds > 0)) {
        return reject(new Error(`ab ${args.join(' ')} failed: ${err?.message ?? ''} ${stderr.trim()} ${stdout.slice(-300)}`));
      }
      resolve({ rate: (complete - failed) / seconds, failed: failed + (total - complete) });
    });
  });
}

/** Whether the nftables mode can run here: root, and an nft that can list the ruleset. */
function nftablesAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('nft', ['list', 'tables'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function best(f: () => Promise<number>, n: number): Promise<number> {
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, await f());
  return top;
}

interface Mode {
  label: 'userspace' | 'nftables';
  proxy: Started;
}

export async function dataPath(ctx: SuiteContext): Promise<{ results: BenchResult[]; ratios: BenchRatio[]; notes: string[] }> {
  const bytes = ctx.quick ? 24e6 : 512e6;
  const conns = ctx.quick ? 1500 : 20_000;
  const capMs = ctx.quick ? 5_000 : 15_000;
  const moduleUrl = import.meta.resolve('@skiff/proxy-lb');
  const kernelTable = `skiff_bench_${process.pid}`;
  const results: BenchResult[] = [];
  const ratios: BenchRatio[] = [];
  const notes: string[] = [];
  const backend = await startWorker(backendWorkerSource, {});
  const modes: Mode[] = [];
  const kernelTried = nftablesAvailable();
  try {
    modes.push({ label: 'userspace', proxy: await startWorker(proxyWorkerSource, { moduleUrl, engine: 'wasm', ...backend.ports }) });
    if (kernelTried) {
      const proxy = await startWorker(proxyWorkerSource, { moduleUrl, engine: 'wasm', kernelTable, ...backend.ports });
      modes.push({ label: 'nftables', proxy });
      if (!proxy.ports.modes?.every((m) => m === 'kernel')) throw new Error(`the nftables-mode proxy serves ${proxy.ports.modes?.join(', ')}, not kernel`);
    } else {
      notes.push('data path: the nftables mode was not measured (it needs root and nft); only the userspace mode ran.');
    }

    ctx.log(`data path: bulk ${bytes / 1e6} MB, direct and through the proxy (${modes.map((m) => m.label).join(', ')})`);
    await bulk(backend.ports.sink, 8e6);
    for (const m of modes) await bulk(m.proxy.ports.sink, 8e6);
    const direct = await best(() => bulk(backend.ports.sink, bytes), ctx.quick ? 1 : 3);
    results.push({ name: 'bulk throughput direct', engine: '-', unit: 'MB/s', value: direct });
    const bulkBy = new Map<string, number>();
    for (const m of modes) {
      const v = await best(() => bulk(m.proxy.ports.sink, bytes), ctx.quick ? 1 : 3);
      bulkBy.set(m.label, v);
      results.push({ name: `bulk throughput via proxy${m.label === 'userspace' ? '' : ', nftables mode'}`, engine: 'wasm', unit: 'MB/s', value: v });
    }

    const ab = apacheBench();
    const rateOf = ab ? abConnRate : connRate;
    ctx.log(`data path: ${conns} new connections, direct and through the proxy, from ${ab ? 'ApacheBench' : 'this thread'}`);
    await rateOf(backend.ports.reply, 300, 32, 5_000);
    for (const m of modes) await rateOf(m.proxy.ports.reply, 300, 32, 5_000);
    // Rounds interleave direct and proxied runs, so a slow spell of this shared machine hits both; each keeps its best.
    const rounds = ctx.quick ? 1 : 3;
    let directRate = 0;
    let failed = 0;
    const rateBy = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      const d = await rateOf(backend.ports.reply, conns, 64, capMs);
      failed += d.failed;
      directRate = Math.max(directRate, d.rate);
      for (const m of modes) {
        const p = await rateOf(m.proxy.ports.reply, conns, 64, capMs);
        failed += p.failed;
        rateBy.set(m.label, Math.max(rateBy.get(m.label) ?? 0, p.rate));
      }
    }
    results.push({ name: 'new connections direct', engine: '-', unit: 'conns/s', value: directRate });
    for (const m of modes) {
      results.push({ name: `new connections via proxy${m.label === 'userspace' ? '' : ', nftables mode'}`, engine: 'wasm', unit: 'conns/s', value: rateBy.get(m.label)! });
    }
    if (failed > 0) notes.push(`connection-rate runs saw ${failed} failed connections`);

    // The targets apply to the mode a node runs for speed: nftables where it could be measured.
    const targeted = modes[modes.length - 1]!.label;
    for (const m of modes) {
      const suffix = m.label === 'userspace' ? '' : ', nftables mode';
      const target = m.label === targeted;
      ratios.push(
        { name: `proxied / direct bulk throughput${suffix}`, value: bulkBy.get(m.label)! / direct, ...(target ? { target: 0.5 } : {}) },
        { name: `proxied / direct new conns/s${suffix}`, value: rateBy.get(m.label)! / directRate },
        { name: `proxied new conns/s / 10,000${suffix}`, value: rateBy.get(m.label)! / 10_000, ...(target ? { target: 1 } : {}) },
      );
    }
    if (targeted === 'nftables') {
      notes.push(
        `data path: the targets are checked on the nftables mode, which carries connections in the kernel; the userspace mode (every byte through the proxy's listener) reached ${(bulkBy.get('userspace')! / direct).toFixed(2)} of direct bulk throughput and ${Math.round(rateBy.get('userspace')!)} new connections/s, below them.`,
      );
    }
    notes.push(`data path: clients (this thread for bulk${ab ? ', ApacheBench for new connections' : ''}), proxy and backends (one worker thread each) share the machine's cores, so the proxy competes with the load it is measured under.`);
    notes.push(
      ab
        ? `data path: new connections come from ApacheBench (Debian's apache2-utils, ${conns} HTTP/1.0 requests of one connection each, 64 at a time), each run from a loopback source address of its own so no ephemeral port is reused while its last flow is in TIME_WAIT; best of ${rounds} interleaved rounds, direct and proxied alike.`
        : `data path: new connections come from this thread (ApacheBench, apache2-utils, is not installed; it spends far less CPU per connection), rotating over ${SOURCE_ADDRESSES} loopback source addresses (127.0.0.2-${1 + SOURCE_ADDRESSES}) so ephemeral ports are not reused while their last flow is in TIME_WAIT; best of ${rounds} interleaved rounds, direct and proxied alike.`,
    );
    // Each byte is copied through the kernel twice direct (client write, backend read) and four times proxied in
    // userspace (the proxy reads and writes it too), all on the same cores: when the direct run keeps them busy,
    // that mode can reach about half of it. (A direct run that leaves the cores idle, e.g. --quick, allows more.)
    if (cpus().length <= 2) notes.push(`data path: on ${cpus().length} cores the userspace mode makes twice the kernel copies per byte on the cores the client and backend use, so when the direct run keeps them busy it reaches about 0.5 of direct bulk throughput at best; connection rates likewise (the proxy accepts and dials each connection on those same cores). The nftables mode adds no copies, only conntrack and NAT per packet.`);
    return { results, ratios, notes };
  } finally {
    for (const m of modes) await m.proxy.worker.terminate();
    await backend.worker.terminate();
    // The workers end without closing their proxies: the kernel table is removed here.
    if (kernelTried) {
      try {
        execFileSync('nft', ['delete', 'table', 'inet', kernelTable], { stdio: 'ignore' });
      } catch {
        // absent already
      }
    }
  }
}
