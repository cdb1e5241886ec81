/**
 * `pnpm bench api`: the API server under load from a client on loopback. The server runs in its own process
 * (packages/apiserver/dist/bin/skiff-apiserver.js) with a durable embedded store in a temp dir, so client and
 * server each get a core. Measures GET of one object, LIST of 1,000 pods, CREATE and UPDATE (both durable:
 * fsync before the answer), and watch fan-out: W watchers on pods (in a third process, see api/fan-out.ts) while
 * C pods are created at a paced rate; delivery latency is from the create being sent to each watcher reading the
 * event.
 *
 * Every throughput figure comes with the server's own CPU time per operation (user + system from
 * /proc/<pid>/stat over the same interval): the machine is shared, so req/s moves with other work while CPU per
 * request mostly does not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concurrentLoad } from '../micro.js';
import { runFanOut } from '../api/fan-out.js';
import type { BenchRatio, BenchResult, Suite } from '../result.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'apiserver', 'dist', 'bin', 'skiff-apiserver.js');

interface Server {
  port: number;
  proc: ChildProcess;
  dir: string;
}

async function startServer(engine: string): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-api-'));
  const proc = spawn(process.execPath, [BIN, '--port', '0', '--log-level', 'warn', '--data-dir', join(dir, 'data'), '--store-engine', engine], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const bound = setTimeout(() => reject(new Error(`apiserver did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(bound);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`apiserver exited ${code}: ${out}`)));
  });
  return { port, proc, dir };
}

async function stopServer(s: Server): Promise<void> {
  if (s.proc.exitCode === null) {
    const exited = new Promise((r) => s.proc.once('exit', r));
    s.proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
  }
  rmSync(s.dir, { recursive: true, force: true });
}

/** CPU seconds (user + system) the server process has used, from /proc: contention-proof cost per request. */
function serverCpuSeconds(s: Server): number {
  try {
    const fields = readFileSync(`/proc/${s.proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(port: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function ok(port: number, method: string, path: string, body?: unknown): Promise<string> {
  const r = await request(port, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status}: ${r.body.slice(0, 300)}`);
  return r.body;
}

const pod = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'bench', tier: 'web' }, annotations },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
});

export const apiSuite: Suite = {
  name: 'api',
  description: 'API server over loopback: GET, LIST 1,000 pods, durable CREATE/UPDATE, watch fan-out',
  async run(ctx) {
    const q = ctx.quick;
    // The API server's default engine, as a user runs it.
    const engine = 'wasm';
    const server = await startServer(engine);
    const port = server.port;
    const results: BenchResult[] = [];
    const ratios: BenchRatio[] = [];
    const notes: string[] = [];
    try {
      const createN = q ? 2000 : 10_000;
      ctx.log(`CREATE ${createN} pods (durable)`);
      let cpu = serverCpuSeconds(server);
      const cpuPerOp = (ops: number) => {
        const now = serverCpuSeconds(server);
        const per = ((now - cpu) / ops) * 1e6;
        cpu = now;
        return per;
      };
      const create = await concurrentLoad((i) => ok(port, 'POST', '/api/v1/namespaces/default/pods', pod(`p-${i}`)), { concurrency: 32, maxOps: createN, maxMs: q ? 15_000 : 60_000 });
      results.push({ name: 'CREATE pod (durable)', engine, unit: 'req/s', value: create.opsPerSec, p50: create.p50, p99: create.p99 });
      results.push({ name: 'CREATE server CPU', engine, unit: 'us/req', value: cpuPerOp(create.ops) });

      const getN = q ? 20_000 : 100_000;
      ctx.log(`GET one pod x${getN}`);
      const get = await concurrentLoad(() => ok(port, 'GET', '/api/v1/namespaces/default/pods/p-0'), { concurrency: 32, maxOps: getN, maxMs: q ? 10_000 : 30_000 });
      results.push({ name: 'GET pod', engine, unit: 'req/s', value: get.opsPerSec, p50: get.p50, p99: get.p99 });
      results.push({ name: 'GET server CPU', engine, unit: 'us/req', value: cpuPerOp(get.ops) });

      ctx.log('LIST 1,000 pods');
      await ok(port, 'POST', '/api/v1/namespaces', { metadata: { name: 'list' } });
      await concurrentLoad((i) => ok(port, 'POST', '/api/v1/namespaces/list/pods', pod(`l-${i}`)), { concurrency: 32, maxOps: 1000, maxMs: 60_000 });
      const listBody = JSON.parse(await ok(port, 'GET', '/api/v1/namespaces/list/pods'));
      if (listBody.items.length !== 1000) throw new Error(`expected 1,000 pods, listed ${listBody.items.length}`);
      cpu = serverCpuSeconds(server);
      const list = await concurrentLoad(() => ok(port, 'GET', '/api/v1/namespaces/list/pods'), { concurrency: 4, maxOps: q ? 100 : 500, maxMs: q ? 10_000 : 30_000 });
      results.push({ name: 'LIST 1,000 pods', engine, unit: 'req/s', value: list.opsPerSec, p50: list.p50, p99: list.p99 });
      results.push({ name: 'LIST server CPU', engine, unit: 'us/req', value: cpuPerOp(list.ops) });

      // Only the pods the (time-bounded) CREATE phase made exist.
      const created = create.ops;
      const updateN = Math.min(created, q ? 2000 : 10_000);
      ctx.log(`UPDATE ${updateN} pods (durable)`);
      const update = await concurrentLoad((i) => ok(port, 'PUT', `/api/v1/namespaces/default/pods/p-${i % created}`, { ...pod(`p-${i % created}`), metadata: { ...pod(`p-${i % created}`).metadata, labels: { app: 'bench', round: String(i) } } }), {
        concurrency: 32,
        maxOps: updateN,
        maxMs: q ? 15_000 : 60_000,
      });
      results.push({ name: 'UPDATE pod (durable)', engine, unit: 'req/s', value: update.opsPerSec, p50: update.p50, p99: update.p99 });
      results.push({ name: 'UPDATE server CPU', engine, unit: 'us/req', value: cpuPerOp(update.ops) });

      const watchers = q ? 200 : 1000;
      const changes = q ? 1000 : 10_000;
      const rate = 100;
      ctx.log(`watch fan-out: ${watchers} watchers (another process), ${changes} changes paced at ${rate}/s`);
      cpu = serverCpuSeconds(server);
      const fan = await runFanOut(port, (m, p, b) => ok(port, m, p, b), pod, { watchers, changes, rate, maxMs: q ? 30_000 : 150_000 });
      const fanCpu = serverCpuSeconds(server) - cpu;
      results.push({ name: `watch fan-out delivery (${watchers} watchers)`, engine, unit: 'ms', value: fan.p99, p50: fan.p50, p99: fan.p99 });
      results.push({ name: 'watch fan-out spread (first -> each watcher)', engine, unit: 'ms', value: fan.spreadP99, p50: fan.spreadP50, p99: fan.spreadP99 });
      results.push({ name: 'watch fan-out: the creates themselves', engine, unit: 'ms', value: fan.createP99, p50: fan.createP50, p99: fan.createP99 });
      results.push({ name: 'watch events delivered', engine, unit: 'events/s', value: fan.deliveriesPerSec });
      results.push({ name: 'watch fan-out server CPU (creates included)', engine, unit: 'us/delivery', value: (fanCpu / Math.max(1, fan.received)) * 1e6 });
      results.push({ name: 'watch fan-out watchers\' CPU', engine, unit: 'us/delivery', value: (fan.cpuSeconds / Math.max(1, fan.received)) * 1e6 });
      notes.push(
        `fan-out: ${changes} pod creates paced at ${rate}/s to ${watchers} watchers of their namespace, each event ${fan.eventBytes} bytes on the wire; ` +
          `${fan.received} of ${fan.expected} deliveries in ${fan.seconds.toFixed(1)} s, ${fan.complete}/${watchers} watchers complete, ${fan.closedEarly} closed early, ` +
          `max latency ${fan.max.toFixed(1)} ms; latency = create sent -> event read (the durable create included: see its own row); ` +
          `server ${fanCpu.toFixed(1)} s CPU, watchers ${fan.cpuSeconds.toFixed(1)} s CPU`,
      );
      if (fan.received < fan.expected) notes.push(`fan-out: only ${fan.received} of ${fan.expected} deliveries arrived within the bound (${fan.sent} changes sent)`);

      ratios.push({ name: 'GET req/s', value: get.opsPerSec, target: 5000 });
      ratios.push({ name: 'durable CREATE req/s', value: create.opsPerSec, target: 2000 });
      ratios.push({ name: 'fan-out p99 headroom (100 ms / p99)', value: 100 / fan.p99, target: 1 });
      if (get.opsPerSec < 5000) notes.push(`GET: ${Math.round(get.opsPerSec)} req/s misses the 5,000 req/s target`);
      if (create.opsPerSec < 2000) notes.push(`durable CREATE: ${Math.round(create.opsPerSec)} req/s misses the 2,000 req/s target`);
      if (!(fan.p99 <= 100)) notes.push(`fan-out delivery p99 ${fan.p99.toFixed(1)} ms misses the 100 ms target`);
      notes.push(`client and server share this machine's ${ctx.quick ? 'cores (quick run: fewer watchers and changes)' : 'cores'}; the store is the ${engine} engine, durable (fsync per write batch)`);
      notes.push(`load average when done: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cpus (other work on the machine lowers every req/s figure; "server CPU" rows are the server's own cost per request)`);
    } finally {
      agent.destroy();
      await stopServer(server);
    }
    return { results, ratios, notes };
  },
};
