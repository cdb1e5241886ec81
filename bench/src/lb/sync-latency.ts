// The service proxy's reaction time: from an EndpointSlice write to the API server (HTTP, as a controller makes
// it) to the proxy's rules serving the new endpoints, with 10 to 1,000 Services in the cluster. The API server
// is the built bin (in-memory store) in a child process; the proxy runs here, on loopback cluster IPs (the
// server's service CIDR is a loopback /16), without an interface, so no root is needed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startServiceProxy, type RunningServiceProxy } from '@skiff/proxy-lb';
import type { BenchResult, SuiteContext } from '../result.js';

const APISERVER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'apiserver', 'dist', 'bin', 'skiff-apiserver.js');

interface Api {
  url: string;
  proc: ChildProcess;
}

async function startApi(octet: number): Promise<Api> {
  const proc = spawn(process.execPath, [APISERVER, '--port', '0', '--log-level', 'warn', '--service-cluster-ip-range', `127.${octet}.0.0/16`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    proc.once('exit', (code) => reject(new Error(`apiserver exited ${code}: ${out}`)));
  });
  return { url, proc };
}

async function stopApi(api: Api): Promise<void> {
  if (api.proc.exitCode !== null) return;
  const exited = new Promise((r) => api.proc.once('exit', r));
  api.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (api.proc.exitCode === null) api.proc.kill('SIGKILL');
}

async function call(api: Api, method: string, path: string, body: unknown, patch = false): Promise<void> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'content-type': patch ? 'application/merge-patch+json' : 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

const SLICES = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';

/** Ten ready endpoints on 127.0.<gen>.1-10 (nothing listens: the figure is about rules, not traffic). */
function endpoints(gen: number): unknown[] {
  return Array.from({ length: 10 }, (_, i) => ({ addresses: [`127.0.${gen % 250}.${i + 1}`], conditions: { ready: true } }));
}

async function createServices(api: Api, n: number, ctx: SuiteContext): Promise<void> {
  for (let i = 0; i < n; i++) {
    await call(api, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: `s${i}` }, spec: { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] } });
    await call(api, 'POST', SLICES, {
      metadata: { name: `s${i}-1`, labels: { 'kubernetes.io/service-name': `s${i}` } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 9, protocol: 'TCP' }],
      endpoints: endpoints(0),
    });
    if (i % 250 === 249) ctx.log(`  ${i + 1} services`);
  }
}

function backendsLive(proxy: RunningServiceProxy, svc: string, gen: number): boolean {
  const st = proxy.proxy.status().find((s) => s.name.startsWith(`default/${svc}:`));
  return !!st && st.backends.some((b) => b.address === `127.0.${gen % 250}.1` && !b.leaving);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** For each size: one-at-a-time changes (latency) and a burst of changes to different Services (throughput). */
export async function syncLatency(ctx: SuiteContext): Promise<{ results: BenchResult[]; notes: string[] }> {
  const sizes = ctx.quick ? [10, 100] : [10, 100, 1000];
  const changes = ctx.quick ? 30 : 200;
  const results: BenchResult[] = [];
  const notes: string[] = [];
  for (const n of sizes) {
    const octet = 2 + Math.floor(Math.random() * 250);
    const api = await startApi(octet);
    const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-proxy-'));
    let proxy: RunningServiceProxy | undefined;
    try {
      ctx.log(`proxy sync: ${n} services`);
      await createServices(api, n, ctx);
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster:\n    server: ${api.url}\ncontexts:\n- name: b\n  context:\n    cluster: b\ncurrent-context: b\n`);
      const t0 = performance.now();
      proxy = await startServiceProxy({
        nodeName: 'bench-node',
        kubeconfig,
        nodeAddresses: ['127.0.0.1'],
        clusterIpInterface: null,
        loadBalancerStatus: false,
        logLevel: 'silent',
      });
      await proxy.ready;
      results.push({ name: `proxy start to first sync, ${n} services`, engine: 'wasm', unit: 'ms', value: performance.now() - t0 });

      const lat: number[] = [];
      for (let g = 1; g <= changes; g++) {
        const svc = `s${g % n}`;
        const start = performance.now();
        await call(api, 'PATCH', `${SLICES}/${svc}-1`, { endpoints: endpoints(g) }, true);
        const deadline = start + 10_000;
        while (!backendsLive(proxy, svc, g)) {
          if (performance.now() > deadline) throw new Error(`change ${g} to ${svc} not live after 10 s`);
          await new Promise((r) => setImmediate(r));
        }
        lat.push(performance.now() - start);
      }
      lat.sort((a, b) => a - b);
      results.push({ name: `EndpointSlice write to rules live, ${n} services`, engine: 'wasm', unit: 'ms', value: percentile(lat, 50), p50: percentile(lat, 50), p99: percentile(lat, 99) });

      // A burst: one change to each of up to 100 Services, written 16 at a time.
      const burst = Math.min(n, 100);
      const gen = changes + 1;
      const syncsBefore = proxy.syncCount();
      const b0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < burst) await call(api, 'PATCH', `${SLICES}/s${next++}-1`, { endpoints: endpoints(gen) }, true);
        }),
      );
      const deadline = b0 + 30_000;
      for (let i = 0; i < burst; i++) {
        while (!backendsLive(proxy, `s${i}`, gen)) {
          if (performance.now() > deadline) throw new Error(`burst change to s${i} not live after 30 s`);
          await new Promise((r) => setImmediate(r));
        }
      }
      results.push({ name: `burst of ${burst} EndpointSlice writes to all live, ${n} services`, engine: 'wasm', unit: 'ms', value: performance.now() - b0 });
      results.push({ name: `syncs for that burst of ${burst}, ${n} services`, engine: 'wasm', unit: 'syncs', value: proxy.syncCount() - syncsBefore });
      const h = proxy.metrics.endpointChangeLatency;
      results.push({ name: `watch event to rules live (mean of proxy metric), ${n} services`, engine: 'wasm', unit: 'ms', value: h.count() ? (sumOf(proxy) / h.count()) * 1000 : 0 });
    } finally {
      await proxy?.close();
      await stopApi(api);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  notes.push(
    'proxy sync: "write to rules live" runs from the start of the HTTP PATCH of an EndpointSlice to the proxy serving the new endpoints (the API server in a child process, its watch, the proxy\'s informer, translation and apply); "watch event to rules live" is the proxy\'s own share (its skiff_proxy_endpoint_change_latency_seconds metric). Default min sync period (0 s): bursts coalesce only as far as syncs overlap them.',
  );
  return { results, notes };
}

/** The sum of the proxy's endpoint-change latency histogram, read from its text exposition. */
function sumOf(proxy: RunningServiceProxy): number {
  const line = proxy.metrics.render().split('\n').find((l) => l.startsWith('skiff_proxy_endpoint_change_latency_seconds_sum '));
  return line ? Number(line.split(' ')[1]) : 0;
}
