import { spawnSync } from 'node:child_process';
import { bytesEqual, createEtcdClient, type EtcdClient } from '@skiff/store-wasm';
import { ETCD_BIN, startRealEtcd } from '../../../packages/store-wasm/test-util/real-etcd.js';
import type { BenchResult } from '../result.js';
import { closedLoop, type ClosedLoopResult } from './closed-loop.js';
import { processCpuSeconds } from './process-cpu.js';
import { startSkiffStore } from './skiff-store-process.js';
import type { Workload } from './workload.js';

export interface GrpcVsEtcdOptions {
  inFlight: number;
  /** Keys written (untimed) before the timed phases; puts and gets cycle over them. */
  keys: number;
  puts: number;
  gets: number;
  /** Cap of each timed phase. */
  maxMs: number;
  warmupGets: number;
}

/** One server under test, started and stopped by the caller's finally. */
interface Target {
  label: string;
  endpoint: string;
  pid: number;
}

export interface GrpcVsEtcdReport {
  results: BenchResult[];
  notes: string[];
}

export const GRPC_PUT = 'gRPC durable put';
export const GRPC_GET = 'gRPC get (1 key)';

/** "etcd 3.4.23": the version that was measured, not the one expected. */
function etcdLabel(): string {
  const out = spawnSync(ETCD_BIN, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const m = /etcd Version: (\S+)/.exec(out);
  return m ? `etcd ${m[1]}` : 'etcd';
}

/** A fixed stride over the preloaded keys: every target sees the same sequence of keys. */
function keyIndex(w: Workload, keys: number, i: number): number {
  return w.order[(i * 7919) % keys]!;
}

interface Timed {
  r: ClosedLoopResult;
  /** CPU seconds of the server process, when /proc tells. */
  serverCpu: number | undefined;
  /** CPU seconds of this process: the load client's cost, which bounds what one client can measure. */
  clientCpu: number;
}

function rows(name: string, unit: string, label: string, t: Timed): BenchResult[] {
  const { r } = t;
  const out: BenchResult[] = [{ name, engine: label, unit, value: r.opsPerSecond, p50: r.p50Ms, p99: r.p99Ms }];
  if (t.serverCpu !== undefined) out.push({ name: `${name} server CPU`, engine: label, unit: 'µs/op', value: (t.serverCpu * 1e6) / r.ops });
  out.push({ name: `${name} client CPU`, engine: label, unit: 'µs/op', value: (t.clientCpu * 1e6) / r.ops });
  return out;
}

async function timed(t: Target, run: () => Promise<ClosedLoopResult>): Promise<Timed> {
  const before = processCpuSeconds(t.pid);
  const client = process.cpuUsage();
  const r = await run();
  const clientUsed = process.cpuUsage(client);
  const after = processCpuSeconds(t.pid);
  return { r, serverCpu: before === undefined || after === undefined ? undefined : after - before, clientCpu: (clientUsed.user + clientUsed.system) / 1e6 };
}

/** How busy each side was: near 100% of a core, that side bounds the rate (the machine may have only two). */
function cpuNote(t: Target, phase: string, x: Timed): string {
  const pct = (cpu: number | undefined): string => (cpu === undefined ? 'unknown' : `${Math.round((cpu / x.r.seconds) * 100)}%`);
  return `${t.label} ${phase}: server used ${pct(x.serverCpu)} of one core, the load client ${pct(x.clientCpu)}`;
}

function errorNote(t: Target, phase: string, r: ClosedLoopResult): string[] {
  return r.errors ? [`${t.label}: ${r.errors} ${phase} failed (excluded from the rate); first: ${String(r.firstError)}`] : [];
}

async function measure(t: Target, w: Workload, o: GrpcVsEtcdOptions, log: (msg: string) => void): Promise<GrpcVsEtcdReport> {
  const client: EtcdClient = createEtcdClient({ endpoints: [t.endpoint] });
  try {
    const notes: string[] = [];
    const put = (i: number): Promise<unknown> => {
      const k = keyIndex(w, o.keys, i);
      return client.put(w.keys[k]!, w.values[k]!);
    };
    log(`gRPC ${t.label}: preloading ${o.keys} keys`);
    const pre = await closedLoop((i) => client.put(w.keys[w.order[i]!]!, w.values[w.order[i]!]!), { inFlight: o.inFlight, maxOps: o.keys, maxMs: 60_000 });
    if (pre.errors || pre.ops !== o.keys) throw new Error(`${t.label}: preload wrote ${pre.ops} of ${o.keys} keys; first error: ${String(pre.firstError)}`);
    const get = async (i: number): Promise<void> => {
      const res = await client.range(w.keys[keyIndex(w, o.keys, i)]!);
      // A get that finds nothing would be fast and wrong; count it as a failure.
      if (res.kvs.length !== 1) throw new Error(`range of a preloaded key returned ${res.kvs.length} keys`);
    };
    // Warm both servers (JIT, connection, page cache) the same way before timing.
    await closedLoop(get, { inFlight: o.inFlight, maxOps: o.warmupGets, maxMs: o.maxMs });

    log(`gRPC ${t.label}: up to ${o.puts} durable puts, ${o.inFlight} in flight`);
    const puts = await timed(t, () => closedLoop(put, { inFlight: o.inFlight, maxOps: o.puts, maxMs: o.maxMs }));
    log(`gRPC ${t.label}: ${Math.round(puts.r.opsPerSecond)} puts/s, p50 ${puts.r.p50Ms.toFixed(2)} ms, p99 ${puts.r.p99Ms.toFixed(2)} ms`);
    log(`gRPC ${t.label}: up to ${o.gets} gets, ${o.inFlight} in flight`);
    const gets = await timed(t, () => closedLoop(get, { inFlight: o.inFlight, maxOps: o.gets, maxMs: o.maxMs }));
    log(`gRPC ${t.label}: ${Math.round(gets.r.opsPerSecond)} gets/s, p50 ${gets.r.p50Ms.toFixed(2)} ms, p99 ${gets.r.p99Ms.toFixed(2)} ms`);
    notes.push(...errorNote(t, 'puts', puts.r), ...errorNote(t, 'gets', gets.r), cpuNote(t, 'puts', puts), cpuNote(t, 'gets', gets));

    // The values must have arrived whole (1 KiB each, not a view's whole backing pool or a truncation).
    const k = keyIndex(w, o.keys, 0);
    const back = await client.range(w.keys[k]!);
    if (!back.kvs[0] || !bytesEqual(back.kvs[0].value, w.values[k]!)) {
      notes.push(`${t.label}: the value read back for ${w.keyStrings[k]} differs from the one written (${back.kvs[0]?.value.length ?? 0} bytes)`);
    }
    return {
      results: [...rows(`${GRPC_PUT} (${o.inFlight} in flight)`, 'puts/s', t.label, puts), ...rows(`${GRPC_GET} (${o.inFlight} in flight)`, 'gets/s', t.label, gets)],
      notes,
    };
  } finally {
    await client.close();
  }
}

/**
 * skiff-store (the built binary, wasm engine) and a real etcd, one at a time, each in its own process with fsync on
 * every commit, driven by the same etcd v3 client in this process with the same keys, values, counts and order.
 */
export async function grpcVsEtcd(w: Workload, o: GrpcVsEtcdOptions, log: (msg: string) => void): Promise<GrpcVsEtcdReport> {
  if (o.keys > w.size) throw new Error(`grpcVsEtcd: ${o.keys} keys asked, the workload has ${w.size}`);
  const report: GrpcVsEtcdReport = { results: [], notes: [] };
  const add = (r: GrpcVsEtcdReport): void => {
    report.results.push(...r.results);
    report.notes.push(...r.notes);
  };

  log('gRPC: starting skiff-store (wasm, fsync always)');
  const store = await startSkiffStore('wasm');
  try {
    add(await measure({ label: 'skiff-store (wasm)', endpoint: store.endpoint, pid: store.pid }, w, o, log));
  } finally {
    await store.stop();
  }

  log('gRPC: starting etcd');
  const etcd = await startRealEtcd({ name: 'skiff-bench' });
  try {
    add(await measure({ label: etcdLabel(), endpoint: etcd.endpoint, pid: etcd.pid }, w, o, log));
  } finally {
    await etcd.stop();
  }
  return report;
}
