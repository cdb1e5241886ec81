/**
 * Watch fan-out: W watchers on one namespace's pods (in a child process, fan-out-watchers.ts) while this process
 * creates C pods at a paced rate. A delivery's latency runs from the create being sent to a watcher reading the
 * event, so it includes the durable write itself.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FanOutArgs, FanOutReport } from './fan-out-watchers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fan-out-watchers.ts');

export interface FanOutOptions {
  watchers: number;
  changes: number;
  /** Changes per second the writer is paced to. */
  rate: number;
  /** Bound on the whole run, writing and waiting included. */
  maxMs: number;
}

export interface FanOutResult extends FanOutReport {
  sent: number;
  expected: number;
  /** Deliveries per second over the run (first create sent to last delivery or the bound). */
  deliveriesPerSec: number;
  /** Bytes of one event line as the watchers receive it. */
  eventBytes: number;
  /** Latency of the creates themselves (ms, the writer's view): part of every delivery's latency. */
  createP50: number;
  createP99: number;
  seconds: number;
}

type Call = (method: string, path: string, body?: unknown) => Promise<string>;

/** Runs the fan-out against the server at `port`. */
export async function runFanOut(port: number, call: Call, makePod: (name: string, annotations: Record<string, string>) => unknown, opts: FanOutOptions): Promise<FanOutResult> {
  await call('POST', '/api/v1/namespaces', { metadata: { name: 'fanout' } });
  const rv = (JSON.parse(await call('GET', '/api/v1/namespaces/fanout/pods')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const args: FanOutArgs = { port, path: `/api/v1/namespaces/fanout/pods?watch=1&resourceVersion=${rv}`, watchers: opts.watchers, perWatcher: opts.changes };
  const child = fork(CHILD, [JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let report: FanOutReport | undefined;
  const done = new Promise<FanOutReport>((resolve, reject) => {
    child.on('message', (m: FanOutReport | { ready: true }) => {
      if ('received' in m) {
        report = m;
        resolve(m);
      }
    });
    child.on('exit', (code) => (report ? undefined : reject(new Error(`fan-out watchers exited ${code}`))));
  });
  await new Promise<void>((resolve, reject) => {
    const bound = setTimeout(() => reject(new Error('fan-out watchers did not connect within 60 s')), 60_000);
    child.on('message', (m: { ready?: boolean }) => {
      if (m.ready) {
        clearTimeout(bound);
        resolve();
      }
    });
  });

  const started = performance.now();
  const startedMono = Number(process.hrtime.bigint()) / 1e6;
  const deadline = started + opts.maxMs;
  let sent = 0;
  let eventBytes = 0;
  const createMs: number[] = [];
  const writers = Array.from({ length: 16 }, async () => {
    while (sent < opts.changes && performance.now() < deadline) {
      const i = sent++;
      // Pace to `rate`: the i-th change is not sent before i/rate seconds.
      const wait = started + (i * 1000) / opts.rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const stamp = (Number(process.hrtime.bigint()) / 1e6).toFixed(3);
      const t = performance.now();
      const body = await call('POST', '/api/v1/namespaces/fanout/pods', makePod(`f-${i}`, { 'bench-sent': stamp }));
      createMs.push(performance.now() - t);
      if (i === 0) eventBytes = Buffer.byteLength(`{"type":"ADDED","object":${body}}\n`);
    }
  });
  await Promise.all(writers);
  const timer = setTimeout(() => child.send({ stop: true }), Math.max(1000, deadline - performance.now()));
  const r = await done;
  clearTimeout(timer);
  if (child.exitCode === null) child.kill();
  const seconds = ((r.lastAtMs || Number(process.hrtime.bigint()) / 1e6) - startedMono) / 1000;
  createMs.sort((a, b) => a - b);
  const pct = (p: number) => createMs[Math.min(createMs.length - 1, Math.floor(createMs.length * p))] ?? NaN;
  return { ...r, createP50: pct(0.5), createP99: pct(0.99), sent, expected: opts.watchers * opts.changes, deliveriesPerSec: r.received / seconds, eventBytes, seconds };
}
