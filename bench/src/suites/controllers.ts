/**
 * `pnpm bench controllers`: the controller manager under load. The API server runs in its own process
 * (packages/apiserver/dist/bin/skiff-apiserver.js, in-memory store); this process runs the Deployment and
 * ReplicaSet controllers (startControllerManager, client limits raised to 5,000 qps) and the node simulator from
 * packages/controllers/test-util, which stands in for the scheduler and kubelets: it binds each pod through
 * pods/binding and reports it Running and Ready through pods/status.
 *
 *   scale-up     one Deployment scaled 0 -> N replicas (5,000; --quick: 1,000 without and 500 with the node
 *                agent): time until every pod exists (pods created per second), then until all are available;
 *                once without a node agent (pods stay Pending: controllers and API server alone), once with.
 *   fan-out      D Deployments x 3 replicas (1,000; 100 with --quick), created 32 at a time: time until every pod
 *                exists, and until every Deployment is available.
 *   warm-up      first, not measured: one Deployment 0 -> 1,000 (200 with --quick) with the node agent, so the
 *                measured scenarios meet processes whose hot paths V8 has compiled (its rate is reported as cold).
 *   workqueue    the work queue alone: add (with duplicates) / get / done through 4 workers, items per second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deployment, Pod } from '@skiff/api';
import { Client, InformerFactory, WorkQueue, type SharedInformer } from '@skiff/client';
import { startControllerManager, type ControllerManager } from '@skiff/controllers';
import pino from 'pino';
import { NodeSimulator } from '../../../packages/controllers/test-util/node-simulator.js';
import type { BenchRatio, BenchResult, Suite } from '../result.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'apiserver', 'dist', 'bin', 'skiff-apiserver.js');
const TARGET_PODS_PER_SEC = 2000;

interface Server {
  url: string;
  proc: ChildProcess;
  dir: string;
}

async function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-controllers-'));
  // SKIFF_BENCH_CPU_PROF=DIR: a V8 CPU profile of the API server, written into DIR when it exits.
  const prof = process.env.SKIFF_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SKIFF_BENCH_CPU_PROF] : [];
  const proc = spawn(process.execPath, [...prof, BIN, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const bound = setTimeout(() => reject(new Error(`apiserver did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(bound);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`apiserver exited ${code}: ${out}`)));
  });
  return { url, proc, dir };
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

function deployment(name: string, replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], terminationGracePeriodSeconds: 1 } },
    },
  };
}

/** Resolves when `check` holds, testing it on every event of `informer` and every 100 ms; rejects after maxMs. */
function until(informer: SharedInformer<any>, check: () => boolean, maxMs: number, what: string, progress: () => string, log: (m: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearInterval(tick);
      clearInterval(report);
      clearTimeout(bound);
      remove();
      if (err) reject(err);
      else resolve();
    };
    const test = () => {
      if (check()) finish();
    };
    const remove = informer.addEventHandler({ onAdd: test, onUpdate: test });
    const tick = setInterval(test, 100);
    const report = setInterval(() => log(`  ${what}: ${progress()}`), 5000);
    const bound = setTimeout(() => finish(new Error(`${what}: not reached within ${maxMs} ms (${progress()})`)), maxMs);
    test();
  });
}

/** Items per second through add (every key repeats: dedup) / get / done with 4 workers, all in this process. */
async function workqueueThroughput(items: number, keys: number): Promise<number> {
  const q = new WorkQueue<string>();
  const names = Array.from({ length: keys }, (_, i) => `ns/key-${i}`);
  const started = performance.now();
  const workers = Array.from({ length: 4 }, async () => {
    for (let k = await q.get(); k !== undefined; k = await q.get()) q.done(k);
  });
  for (let i = 0; i < items; i++) {
    q.add(names[i % keys]!);
    // Let the workers run between batches, as events arriving from a watch would.
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  await q.shutDownWithDrain();
  await Promise.all(workers);
  return (items / (performance.now() - started)) * 1000;
}

/** CPU seconds (user + system) a process has used, from /proc: a measure contention on the machine does not skew. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The API server's request count so far, by "VERB resource" (subresources included, as in its metrics). */
async function requestsByKind(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? '?';
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '?';
    const k = `${verb} ${resource}`;
    out.set(k, (out.get(k) ?? 0) + (Number(line.slice(line.lastIndexOf(' ') + 1)) || 0));
  }
  return out;
}

/** Requests the API server has answered so far (all clients), from its /metrics. */
async function apiRequests(url: string): Promise<number> {
  let n = 0;
  for (const v of (await requestsByKind(url)).values()) n += v;
  return n;
}

/** "POST pods 1.00, PUT replicasets/status 0.52, ...": requests per pod between two counts, the larger first. */
function perPodBreakdown(before: Map<string, number>, after: Map<string, number>, pods: number): string {
  return [...after]
    .map(([k, v]): [string, number] => [k, (v - (before.get(k) ?? 0)) / Math.max(1, pods)])
    .filter(([, v]) => v >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
}

export const controllersSuite: Suite = {
  name: 'controllers',
  description: 'Deployment/ReplicaSet controllers: 0 -> N replicas, many small Deployments, work queue throughput',
  async run(ctx) {
    const q = ctx.quick;
    const results: BenchResult[] = [];
    const ratios: BenchRatio[] = [];
    const notes: string[] = [
      'Binding and status: the node simulator (packages/controllers/test-util/node-simulator.ts, 16 writes in flight, 10 nodes; it shares the measuring pod informer, so this process decodes each pod event once for both) binds each pod through pods/binding and reports it Running/Ready through pods/status, standing in for the scheduler and kubelets until those processes exist. "no node agent" leaves pods Pending: controllers and the API server alone.',
      'The API server runs in its own process (in-memory store); the controllers (deployment + replicaset, 20 workers each, client limits 5,000 qps / burst 5,000, events on), the node simulator and the measuring informer share the bench process.',
    ];
    const timeout = (quickMs: number, fullMs: number) => (q ? quickMs : fullMs);

    ctx.log(`work queue: ${q ? '200,000' : '1,000,000'} adds over 10,000 keys, 4 workers`);
    results.push({ name: 'workqueue add/get/done (dedup, 4 workers)', engine: 'ts', unit: 'items/s', value: await workqueueThroughput(q ? 200_000 : 1_000_000, 10_000) });

    const server = await startServer();
    const client = new Client({ server: server.url, qps: 0 });
    let manager: ControllerManager | undefined;
    let nodes: NodeSimulator | undefined;
    const factory = new InformerFactory(client);
    try {
      manager = await startControllerManager({
        cluster: { server: server.url, namespace: 'default' },
        controllers: ['deployment', 'replicaset'],
        leaderElection: false,
        qps: 5000,
        burst: 5000,
        // Many small Deployments are latency-bound per sync (three writes in a row): more workers overlap them.
        workers: { deployment: 20, replicaset: 20 },
        logger: pino({ level: 'warn' }),
      });
      const pods = factory.informer<Pod>('v1/pods');
      const deployments = factory.informer<Deployment>('apps/v1/deployments');
      factory.start();
      await factory.waitForSync(30_000);
      await manager.ready();
      const inNs = (ns: string) => pods.indexer.countByIndex('namespace', ns);

      /** One Deployment scaled 0 -> n in namespace ns; returns seconds until all pods exist (and available, with agents). */
      const scaleUp = async (ns: string, n: number, withAgents: boolean) => {
        await client.resource('v1/namespaces').create({ metadata: { name: ns } });
        const dClient = client.resource<Deployment>('apps/v1/deployments').namespace(ns);
        await dClient.create(deployment('big', 0));
        const before = await apiRequests(server.url);
        const cpu0 = { server: processCpuSeconds(server.proc.pid), own: ownCpuSeconds() };
        const t0 = performance.now();
        await dClient.scale('big', n);
        await until(pods, () => inNs(ns) >= n, timeout(40_000, 240_000), 'pods created', () => `${inNs(ns)}/${n}`, ctx.log);
        const created = (performance.now() - t0) / 1000;
        const cpu = { server: ((processCpuSeconds(server.proc.pid) - cpu0.server) / n) * 1e6, own: ((ownCpuSeconds() - cpu0.own) / n) * 1e6 };
        let available: number | undefined;
        if (withAgents) {
          const avail = () => deployments.indexer.get(`${ns}/big`)?.status?.availableReplicas ?? 0;
          await until(deployments, () => avail() === n, timeout(40_000, 300_000), 'available', () => `${avail()}/${n}`, ctx.log);
          available = (performance.now() - t0) / 1000;
        }
        return { created, available, cpu, requests: (await apiRequests(server.url)) - before };
      };

      // Warm-up, not measured: V8 compiles a fresh process's hot paths during its first thousands of requests (a
      // cold API server's first 10,000 pods cost it about 1.6 times the CPU per pod of a warm run), while a
      // cluster's components have long been running. The same paths as the measured scenarios run first; the cold
      // rate is reported beside them.
      const simulatedNodes = Array.from({ length: 10 }, (_, i) => `node-${i}`);
      const warmN = q ? 200 : 1000;
      ctx.log(`warm-up (not measured): one Deployment 0 -> ${warmN} with the node agent`);
      const warmNodes = new NodeSimulator({ client, nodes: simulatedNodes, namespaces: ['warm'], informers: factory });
      await warmNodes.start();
      try {
        const warm = await scaleUp('warm', warmN, true);
        results.push({ name: `warm-up 0->${warmN} with node agent, cold processes: pods created`, engine: 'ts', unit: 'pods/s', value: warmN / warm.created });
      } finally {
        await warmNodes.stop();
      }

      const n0 = q ? 1000 : 5000;
      ctx.log(`scale-up, no node agent: one Deployment 0 -> ${n0}`);
      const bare = await scaleUp('bare', n0, false);
      results.push({ name: `scale-up 0->${n0}, no node agent: pods created`, engine: 'ts', unit: 'pods/s', value: n0 / bare.created });
      results.push({ name: `scale-up 0->${n0}, no node agent: API requests per pod`, engine: 'ts', unit: 'req/pod', value: bare.requests / n0 });
      results.push({ name: `scale-up 0->${n0}, no node agent: API server CPU`, engine: 'ts', unit: 'us/pod', value: bare.cpu.server });
      results.push({ name: `scale-up 0->${n0}, no node agent: controller process CPU`, engine: 'ts', unit: 'us/pod', value: bare.cpu.own });
      ctx.log(`  ${n0} pods in ${bare.created.toFixed(1)} s (${(n0 / bare.created).toFixed(0)}/s), ${(bare.requests / n0).toFixed(2)} API requests per pod`);

      nodes = new NodeSimulator({ client, nodes: simulatedNodes, namespaces: ['scale', 'fan'], informers: factory });
      await nodes.start();
      const n = q ? 500 : 5000;
      ctx.log(`scale-up with node agent: one Deployment 0 -> ${n}`);
      const full = await scaleUp('scale', n, true);
      results.push({ name: `scale-up 0->${n}: pods created`, engine: 'ts', unit: 'pods/s', value: n / full.created });
      results.push({ name: `scale-up 0->${n}: all created`, engine: 'ts', unit: 's', value: full.created });
      results.push({ name: `scale-up 0->${n}: all available`, engine: 'ts', unit: 's', value: full.available! });
      results.push({ name: `scale-up 0->${n}: API requests per pod`, engine: 'ts', unit: 'req/pod', value: full.requests / n });
      results.push({ name: `scale-up 0->${n}: API server CPU (to all created)`, engine: 'ts', unit: 'us/pod', value: full.cpu.server });
      results.push({ name: `scale-up 0->${n}: bench process CPU (to all created)`, engine: 'ts', unit: 'us/pod', value: full.cpu.own });
      ctx.log(`  ${n} pods in ${full.created.toFixed(1)} s (${(n / full.created).toFixed(0)}/s), available after ${full.available!.toFixed(1)} s`);

      const d = q ? 100 : 1000;
      await client.resource('v1/namespaces').create({ metadata: { name: 'fan' } });
      const fan = client.resource<Deployment>('apps/v1/deployments').namespace('fan');
      const fanAvailable = () => deployments.indexer.byIndex('namespace', 'fan').filter((x) => x.status?.availableReplicas === 3).length;
      ctx.log(`fan-out with node agent: ${d} Deployments x 3 replicas`);
      const before = await requestsByKind(server.url);
      const t1 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < d) await fan.create(deployment(`app-${next++}`, 3));
        }),
      );
      const posted = (performance.now() - t1) / 1000;
      await until(pods, () => inNs('fan') >= d * 3, timeout(40_000, 240_000), 'pods created', () => `${inNs('fan')}/${d * 3}`, ctx.log);
      const fanCreated = (performance.now() - t1) / 1000;
      await until(deployments, () => fanAvailable() >= d, timeout(40_000, 300_000), 'deployments available', () => `${fanAvailable()}/${d}`, ctx.log);
      const fanDone = (performance.now() - t1) / 1000;
      const fanAfter = await requestsByKind(server.url);
      let fanRequests = 0;
      for (const [k, v] of fanAfter) fanRequests += v - (before.get(k) ?? 0);
      notes.push(`Fan-out API requests per pod, by verb and resource, until every Deployment is available: ${perPodBreakdown(before, fanAfter, d * 3)}.`);
      results.push({ name: `${d} Deployments x3: pods created`, engine: 'ts', unit: 'pods/s', value: (d * 3) / fanCreated });
      results.push({ name: `${d} Deployments x3: Deployments posted`, engine: 'ts', unit: 's', value: posted });
      results.push({ name: `${d} Deployments x3: all pods created`, engine: 'ts', unit: 's', value: fanCreated });
      results.push({ name: `${d} Deployments x3: all available`, engine: 'ts', unit: 's', value: fanDone });
      results.push({ name: `${d} Deployments x3: API requests per pod`, engine: 'ts', unit: 'req/pod', value: fanRequests / (d * 3) });
      ctx.log(`  ${d * 3} pods in ${fanCreated.toFixed(1)} s, all ${d} available after ${fanDone.toFixed(1)} s`);

      for (const [name, perSec] of [
        ['scale-up, no node agent', n0 / bare.created],
        ['scale-up with node agent', n / full.created],
        ['fan-out with node agent', (d * 3) / fanCreated],
      ] as const) {
        ratios.push({ name: `${name}: pods/s / ${TARGET_PODS_PER_SEC}`, value: perSec / TARGET_PODS_PER_SEC, target: 1 });
        if (perSec < TARGET_PODS_PER_SEC) notes.push(`missed: ${name} created ${perSec.toFixed(0)} pods/s against the ${TARGET_PODS_PER_SEC} target.`);
      }
      const bound = 1e6 / Math.max(bare.cpu.server, bare.cpu.own);
      notes.push(
        `CPU per pod without a node agent: API server ${bare.cpu.server.toFixed(0)} us, controller process ${bare.cpu.own.toFixed(0)} us (its pod informer and the measuring informer included), so one uncontended core each would allow about ${bound.toFixed(0)} pods/s; the ${bare.cpu.server >= bare.cpu.own ? 'API server' : 'controller process'} is the larger cost.`,
      );
      notes.push(
        `Where the time goes: every pod costs the API server one create (controllers), one binding and one status write (node simulator); the controllers add ${((bare.requests - n0) / n0).toFixed(3)} requests per pod on top of the create (ReplicaSet/Deployment status, events). Pod creation is bounded by the API server's write throughput, which this run shares with the node simulator and with other processes on the machine (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores at the end).`,
      );
    } finally {
      await nodes?.stop();
      await factory.stop();
      await manager?.stop();
      client.close();
      await stopServer(server);
    }
    return { results, ratios, notes };
  },
};
