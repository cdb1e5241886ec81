/**
 * `pnpm bench node`: pod startup latency on one node, as a user sees it: from the pod's create request to the
 * API server reporting it Running, and Ready. The node runs as it would for real: the API server, the CRI
 * runtime (skiff-cri) and the node agent (skiff-node-agent) are three processes, all from their built dist; this
 * process only creates pods (bound to the node, no scheduler) and watches them.
 *
 *   1 pod     one at a time, deleted in between (pure latency)
 *   N paced   created at a uniform 5 pods/s (100; 30 with --quick), as clusterloader2's node-throughput test does
 *   N pods    created at once (100; 30 with --quick): latency under a burst, queueing included
 *
 * Both runtime backends: runc (containers with CNI networking, overlay rootfs, cgroups) and process (host
 * processes behind the same CRI). Pods use the built-in busybox image with imagePullPolicy IfNotPresent (a local
 * image: no pull). Root is needed for runc; everything made (containers, sandboxes, network namespaces, the bridge,
 * mounts, cgroups, directories) is removed afterwards even when a run fails.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@skiff/client';
import type { BenchRatio, BenchResult, Suite } from '../result.js';

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');
const APISERVER = join(PACKAGES, 'apiserver', 'dist', 'bin', 'skiff-apiserver.js');
const CRI = join(PACKAGES, 'node-agent', 'dist', 'bin', 'skiff-cri.js');
const AGENT = join(PACKAGES, 'node-agent', 'dist', 'bin', 'skiff-node-agent.js');

const TARGET_P50_MS = 300;
const TARGET_P99_MS = 1000;
/**
 * The paced run's creation rate: clusterloader2's node-throughput test (testing/node-throughput, a 1-node cluster)
 * creates its 100 pods at a uniform 5 pods/s and measures their startup latency.
 */
const PACED_QPS = 5;

type Backend = 'runc' | 'process';

interface NodeUnderTest {
  client: Client;
  /** The API server's URL, for its /metrics. */
  url: string;
  /** The node agent's own server, for its /metrics. */
  agentUrl: string;
  nodeName: string;
  /** The three processes, for their CPU time. */
  procs: { apiserver: ChildProcess; runtime: ChildProcess; agent: ChildProcess };
  stop(): Promise<void>;
}

/** CPU seconds (user + system) a process has used, from /proc: what each pod start costs, whatever the load. */
function cpuSeconds(proc: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds every core of the machine has been busy (not idle, not waiting on I/O), from /proc/stat. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / 100;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** Requests the API server has answered so far, by "VERB resource[/subresource]", from its /metrics. */
async function apiRequests(url: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
    const sub = label('subresource');
    const key = `${label('verb')} ${label('resource')}${sub ? `/${sub}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + (Number(line.slice(line.lastIndexOf(' ') + 1)) || 0));
  }
  return out;
}

/** Runtime operations the agent has made so far, by operation type, from its /metrics. */
async function criOperations(url: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^kubelet_runtime_operations_total\{operation_type="([^"]*)"\} (\d+)/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function diffRequests(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of after) if (n - (before.get(k) ?? 0) > 0) out.set(k, n - (before.get(k) ?? 0));
  return out;
}

/** Starts a child and resolves once its output matches `ready` (its first capture group, if any). */
function startChild(bin: string, args: string[], ready: RegExp, what: string): Promise<{ proc: ChildProcess; match: string }> {
  // SKIFF_BENCH_CPU_PROF=DIR: a V8 CPU profile of each child (API server, runtime, agent), written into DIR on exit.
  const prof = process.env.SKIFF_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SKIFF_BENCH_CPU_PROF] : [];
  const proc = spawn(process.execPath, [...prof, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const bound = setTimeout(() => reject(new Error(`${what} did not start within 60 s:\n${out.slice(-2000)}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(bound);
        proc.stdout!.off('data', onData);
        proc.stderr!.off('data', onData);
        proc.stdout!.resume();
        proc.stderr!.resume();
        resolve({ proc, match: m[1] ?? '' });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(bound);
      reject(new Error(`${what} exited (${code}):\n${out.slice(-2000)}`));
    });
  });
}

async function stopChild(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGKILL');
    await exited;
  }
}

/** SIGKILLs whatever still runs in a cgroup tree (a process-backend container outlives its shim). */
function killCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
  for (const entry of readdirSync(dir)) {
    const child = join(dir, entry);
    if (statSync(child, { throwIfNoEntry: false })?.isDirectory()) killCgroupTree(child);
  }
}

function removeCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const child = join(dir, entry);
    if (statSync(child, { throwIfNoEntry: false })?.isDirectory()) removeCgroupTree(child);
  }
  try {
    rmdirSync(dir);
  } catch {
    // still busy: nothing more to do from here
  }
}

/** Removes everything a runtime on `root` made, whatever state it was left in. */
async function scrub(root: string, bridge: string, cgroupParent: string): Promise<void> {
  const runcRoot = join(root, 'runc');
  if (existsSync(runcRoot)) for (const id of sh('runc', ['--root', runcRoot, 'list', '-q']).split('\n').filter(Boolean)) sh('runc', ['--root', runcRoot, 'delete', '--force', id]);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(root)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && m.startsWith(root))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) sh('umount', ['-l', m]);
  const sandboxes = join(root, 'cri', 'sandboxes');
  if (existsSync(sandboxes)) {
    for (const id of readdirSync(sandboxes)) {
      const netns = `skiff-${id.slice(0, 16)}`;
      if (existsSync(`/run/netns/${netns}`)) sh('ip', ['netns', 'delete', netns]);
    }
  }
  if (sh('ip', ['link', 'show', bridge])) sh('ip', ['link', 'delete', bridge]);
  const controllers = existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : [];
  for (const controller of controllers) killCgroupTree(join('/sys/fs/cgroup', controller, cgroupParent));
  await new Promise((r) => setTimeout(r, 300));
  for (const controller of controllers) removeCgroupTree(join('/sys/fs/cgroup', controller, cgroupParent));
  rmSync(root, { recursive: true, force: true });
}

/** A /24 in 10.150-10.199 that no route here overlaps. */
function freePodCidr(): string {
  const routes = sh('ip', ['-4', 'route', 'show']);
  for (let i = 0; i < 100; i++) {
    const cidr = `10.${150 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}`;
    if (!routes.includes(`${cidr}.`)) return `${cidr}.0/24`;
  }
  throw new Error('no free /24 for the bench pod network');
}

async function startNode(backend: Backend): Promise<NodeUnderTest> {
  const tag = randomBytes(3).toString('hex');
  const root = mkdtempSync(join(tmpdir(), `skiff-bench-node-${tag}-`));
  const bridge = `skb${tag}`;
  const cgroupParent = `/skiff-bench-${tag}`;
  const nodeName = `bench-${tag}`;
  const podCidr = freePodCidr();
  const children: ChildProcess[] = [];
  let client: Client | undefined;
  const stop = async () => {
    client?.close();
    for (const c of children.reverse()) await stopChild(c);
    await scrub(root, bridge, cgroupParent);
  };
  try {
    const api = await startChild(APISERVER, ['--port', '0', '--log-level', 'warn'], /listening on (http:\/\/127\.0\.0\.1:\d+)/, 'skiff-apiserver');
    children.push(api.proc);
    const socket = join(root, 'cri.sock');
    const cri = await startChild(
      CRI,
      ['--root', join(root, 'cri'), '--socket', socket, '--backend', backend, '--pod-cidr', podCidr, '--bridge', bridge, '--no-ip-masq', '--cgroup-parent', cgroupParent, '--log-level', 'info'],
      /(Skiff CRI runtime ready)/,
      'skiff-cri',
    );
    children.push(cri.proc);
    const kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: b, cluster: {server: "${api.match}"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: b, context: {cluster: b, user: u}}]\ncurrent-context: b\n`);
    const agent = await startChild(
      AGENT,
      ['--node-name', nodeName, '--kubeconfig', kubeconfig, '--cri-socket', socket, '--root', join(root, 'agent'), '--address', '127.0.0.1', '--port', '0',
        '--node-ip', '127.0.0.1', '--pod-cidr', podCidr, '--cgroup-parent', `${cgroupParent}/pods`, '--max-pods', '250', '--log-level', 'info'],
      /"url":"(https?:\/\/[^"]+)"[^\n]*node agent ready/,
      'skiff-node-agent',
    );
    children.push(agent.proc);
    client = new Client({ server: api.match, qps: 0 });
    return { client, url: api.match, agentUrl: agent.match, nodeName, procs: { apiserver: api.proc, runtime: cri.proc, agent: agent.proc }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

interface Timing {
  created: number;
  running?: number;
  ready?: number;
}

/**
 * Creates `names`, at once or (intervalMs > 0) one every intervalMs whatever the earlier creates are doing, as
 * clusterloader2's UniformQPS does; resolves each pod's create -> Running and -> Ready in ms.
 */
async function startPods(node: NodeUnderTest, names: string[], intervalMs = 0): Promise<{ running: number[]; ready: number[] }> {
  const pods = node.client.resource('v1/pods').namespace('default');
  const timings = new Map<string, Timing>();
  const stream = await pods.watch({ fieldSelector: `spec.nodeName=${node.nodeName}` });
  let wake: () => void = () => undefined;
  const watching = (async () => {
    for await (const ev of stream) {
      const p = ev.object as any;
      const t = timings.get(p.metadata?.name);
      if (!t) continue;
      const now = performance.now();
      if (t.running === undefined && p.status?.phase === 'Running') t.running = now;
      if (t.ready === undefined && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')) t.ready = now;
      wake();
    }
  })();
  const done = () => timings.size === names.length && [...timings.values()].every((t) => t.ready !== undefined);
  try {
    const t0 = performance.now();
    await Promise.all(
      names.map(async (name, i) => {
        const wait = t0 + i * intervalMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        timings.set(name, { created: performance.now() });
        return pods.create({
          metadata: { name },
          spec: {
            nodeName: node.nodeName,
            // not 0: the API server would drop the object at once, before the node has stopped the pod
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'app', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
          },
        } as any);
      }),
    );
    const deadline = Date.now() + 180_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`pods not ready within 180 s: ${[...timings].filter(([, t]) => t.ready === undefined).length} left`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 500);
      });
    }
  } finally {
    stream.close();
    await watching.catch(() => undefined);
  }
  const ts = [...timings.values()];
  return { running: ts.map((t) => t.running! - t.created).sort((a, b) => a - b), ready: ts.map((t) => t.ready! - t.created).sort((a, b) => a - b) };
}

async function deletePods(node: NodeUnderTest, names: string[]): Promise<void> {
  const pods = node.client.resource('v1/pods').namespace('default');
  await Promise.all(names.map((n) => pods.delete(n).catch(() => undefined)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const left = (await pods.list({ fieldSelector: `spec.nodeName=${node.nodeName}` })).items.length;
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} pods still there 120 s after their deletion`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const nodeSuite: Suite = {
  name: 'node',
  description: 'pod startup latency on one node (created -> Running / Ready): 1 pod, 100 pods at 5 pods/s and a burst of 100 pods, runc and process backends',
  async run(ctx) {
    const results: BenchResult[] = [];
    const ratios: BenchRatio[] = [];
    const notes: string[] = [];
    const singles = ctx.quick ? 5 : 20;
    const burst = ctx.quick ? 30 : 100;
    const paced = ctx.quick ? 30 : 100;
    const backends: Backend[] = process.getuid?.() === 0 && sh('runc', ['--version']) ? ['runc', 'process'] : ['process'];
    if (!backends.includes('runc')) notes.push('runc backend skipped: it needs root and runc');
    for (const backend of backends) {
      ctx.log(`${backend}: starting API server, skiff-cri and skiff-node-agent`);
      const node = await startNode(backend);
      try {
        // one pod first, uncounted: the first start pays for cold caches in every process
        await startPods(node, ['warmup']);
        await deletePods(node, ['warmup']);
        ctx.log(`${backend}: ${singles} pods, one at a time`);
        const running: number[] = [];
        const ready: number[] = [];
        for (let i = 0; i < singles; i++) {
          const r = await startPods(node, [`single-${i}`]);
          running.push(r.running[0]!);
          ready.push(r.ready[0]!);
          await deletePods(node, [`single-${i}`]);
        }
        running.sort((a, b) => a - b);
        ready.sort((a, b) => a - b);
        results.push({ name: 'pod start, 1 pod: created -> Running', engine: backend, unit: 'ms', value: quantile(running, 0.5), p50: quantile(running, 0.5), p99: quantile(running, 0.99) });
        results.push({ name: 'pod start, 1 pod: created -> Ready', engine: backend, unit: 'ms', value: quantile(ready, 0.5), p50: quantile(ready, 0.5), p99: quantile(ready, 0.99) });

        ctx.log(`${backend}: ${paced} pods at ${PACED_QPS} pods/s`);
        const pacedNames = Array.from({ length: paced }, (_, i) => `paced-${i}`);
        const steady = await startPods(node, pacedNames, 1000 / PACED_QPS);
        results.push({ name: `pod start, ${paced} pods at ${PACED_QPS}/s: created -> Running`, engine: backend, unit: 'ms', value: quantile(steady.running, 0.5), p50: quantile(steady.running, 0.5), p99: quantile(steady.running, 0.99) });
        results.push({ name: `pod start, ${paced} pods at ${PACED_QPS}/s: created -> Ready`, engine: backend, unit: 'ms', value: quantile(steady.ready, 0.5), p50: quantile(steady.ready, 0.5), p99: quantile(steady.ready, 0.99) });
        await deletePods(node, pacedNames);

        ctx.log(`${backend}: ${burst} pods at once`);
        const names = Array.from({ length: burst }, (_, i) => `burst-${i}`);
        const cpuBefore = Object.fromEntries(Object.entries(node.procs).map(([k, p]) => [k, cpuSeconds(p)]));
        const machineBefore = machineBusySeconds();
        const requestsBefore = await apiRequests(node.url);
        const criBefore = await criOperations(node.agentUrl);
        const t0 = performance.now();
        const b = await startPods(node, names);
        const wall = performance.now() - t0;
        const machine = ((machineBusySeconds() - machineBefore) / burst) * 1000;
        const requests = diffRequests(await apiRequests(node.url), requestsBefore);
        const criCalls = diffRequests(await criOperations(node.agentUrl), criBefore);
        const criTotal = [...criCalls.values()].reduce((a, n) => a + n, 0);
        results.push({ name: 'CRI calls per pod start (burst)', engine: backend, unit: 'calls/pod', value: criTotal / burst });
        const topCri = [...criCalls].sort((x, y) => y[1] - x[1]).slice(0, 8).map(([k, n]) => `${k} ${(n / burst).toFixed(2)}`);
        notes.push(`${backend}, ${burst} pods at once: CRI calls per pod start, by operation: ${topCri.join(', ')}`);
        const total = [...requests.values()].reduce((a, n) => a + n, 0);
        results.push({ name: 'API requests per pod start (burst)', engine: backend, unit: 'req/pod', value: total / burst });
        const top = [...requests].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, n]) => `${k} ${(n / burst).toFixed(2)}`);
        notes.push(`${backend}, ${burst} pods at once: API requests per pod start, by verb and resource (the bench's own create and watch included): ${top.join(', ')}`);
        let own = 0;
        for (const [k, p] of Object.entries(node.procs)) {
          // the runtime's own CPU only: runc, CNI plugins and shims are its children and are not counted
          const used = ((cpuSeconds(p) - cpuBefore[k]!) / burst) * 1000;
          own += used;
          results.push({ name: `${k} CPU per pod start (burst)`, engine: backend, unit: 'ms', value: used });
        }
        results.push({ name: 'machine CPU per pod start (burst)', engine: backend, unit: 'ms', value: machine });
        notes.push(
          `${backend}, ${burst} pods at once: the machine's cores were busy ${machine.toFixed(0)} ms per pod start, ${own.toFixed(0)} ms of it in the API server, runtime and agent processes and ${(machine - own).toFixed(0)} ms outside them (runc, CNI plugins, shims, the kernel's own work, this bench's client, anything else running).`,
        );
        results.push({ name: `pod start, ${burst} pods: created -> Running`, engine: backend, unit: 'ms', value: quantile(b.running, 0.5), p50: quantile(b.running, 0.5), p99: quantile(b.running, 0.99) });
        results.push({ name: `pod start, ${burst} pods: created -> Ready`, engine: backend, unit: 'ms', value: quantile(b.ready, 0.5), p50: quantile(b.ready, 0.5), p99: quantile(b.ready, 0.99) });
        results.push({ name: `pod start, ${burst} pods: throughput`, engine: backend, unit: 'pods/s', value: (burst / wall) * 1000 });
        await deletePods(node, names);

        if (backend === 'runc') {
          const single = quantile(running, 0.5);
          const singleP99 = quantile(running, 0.99);
          const many = quantile(b.running, 0.5);
          const manyP99 = quantile(b.running, 0.99);
          const steadyP50 = quantile(steady.running, 0.5);
          const steadyP99 = quantile(steady.running, 0.99);
          const verdict = (p50: number, p99: number) => (p50 <= TARGET_P50_MS && p99 <= TARGET_P99_MS ? 'met' : 'MISSED');
          // As ratios too (target / measured, >= 1 when met), so the report counts them with every other target.
          ratios.push(
            { name: `runc 1 pod: ${TARGET_P50_MS} ms / p50 created -> Running`, value: TARGET_P50_MS / single, target: 1 },
            { name: `runc 1 pod: ${TARGET_P99_MS} ms / p99 created -> Running`, value: TARGET_P99_MS / singleP99, target: 1 },
            { name: `runc ${paced} pods at ${PACED_QPS}/s: ${TARGET_P50_MS} ms / p50 created -> Running`, value: TARGET_P50_MS / steadyP50, target: 1 },
            { name: `runc ${paced} pods at ${PACED_QPS}/s: ${TARGET_P99_MS} ms / p99 created -> Running`, value: TARGET_P99_MS / steadyP99, target: 1 },
            { name: `runc ${burst} pods: ${TARGET_P50_MS} ms / p50 created -> Running`, value: TARGET_P50_MS / many, target: 1 },
            { name: `runc ${burst} pods: ${TARGET_P99_MS} ms / p99 created -> Running`, value: TARGET_P99_MS / manyP99, target: 1 },
          );
          notes.push(`runc, 1 pod: p50 ${single.toFixed(0)} ms, p99 ${singleP99.toFixed(0)} ms against p50 <= ${TARGET_P50_MS} ms, p99 <= ${TARGET_P99_MS} ms: ${verdict(single, singleP99)}`);
          notes.push(
            `runc, ${paced} pods created at ${PACED_QPS} pods/s (clusterloader2's node-throughput test: 100 pods on a 1-node cluster at a uniform 5 pods/s): ` +
              `p50 ${steadyP50.toFixed(0)} ms, p99 ${steadyP99.toFixed(0)} ms: ${verdict(steadyP50, steadyP99)}`,
          );
          notes.push(
            `runc, ${burst} pods at once: p50 ${many.toFixed(0)} ms, p99 ${manyP99.toFixed(0)} ms: ${verdict(many, manyP99)}; a burst queues on the runtime, ` +
              `whose sandbox + container start runs at ${((burst / wall) * 1000).toFixed(1)} pods/s on this machine. The runtime starts as many pods at once as there are CPUs ` +
              `(--parallel-starts), finishing pods it has begun before beginning others, so pods become Running one after another and the p50 is about half the burst's length rather than all of it`,
          );
        }
      } finally {
        await node.stop();
      }
    }
    return { results, ratios, notes };
  },
};
