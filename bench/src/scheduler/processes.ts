/**
 * The processes of the end-to-end scheduler benchmark: the API server (packages/apiserver/dist/bin, in-memory
 * store) and the scheduler (packages/scheduler-wasm/dist/bin/skiff-scheduler.js), each in its own process as in a
 * real cluster, with their CPU time read from /proc so the report can say which of them the time went to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const APISERVER_BIN = join(ROOT, 'packages', 'apiserver', 'dist', 'bin', 'skiff-apiserver.js');
const SCHEDULER_BIN = join(ROOT, 'packages', 'scheduler-wasm', 'dist', 'bin', 'skiff-scheduler.js');
/** /proc reports CPU time in USER_HZ ticks, 100 per second on Linux. */
const TICKS_PER_SECOND = 100;

export interface Child {
  proc: ChildProcess;
  /** Output so far (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the first output match of `re`; rejects after `timeoutMs` or if the process exits. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** User + system CPU time of the process so far, in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

function start(args: string[], cwd: string): Child {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    // Keep the head (start-up lines) and a tail; a long run's logs are not needed whole.
    out = out.length < 1 << 20 ? out + d.toString() : out.slice(0, 1 << 19) + out.slice(-(1 << 19)) + d.toString();
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    output: () => out,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (!m) return;
          done();
          resolve(m);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${re} within ${timeoutMs} ms: ${out.slice(-2000)}`));
        }, timeoutMs);
        const onExit = () => {
          done();
          reject(new Error(`process exited (${proc.exitCode}) before ${re}: ${out.slice(-2000)}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off('exit', onExit);
        };
        listeners.add(check);
        proc.once('exit', onExit);
        check();
      });
    },
    cpuMs() {
      const stat = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state is field 3; utime and stime are 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ApiServerChild extends Child {
  url: string;
  dir: string;
}

/**
 * Node flags for a server process from the environment: SKIFF_BENCH_CPU_PROF=DIR writes a V8 CPU profile into DIR
 * (where its time goes); `variable`="--flag ..." adds flags of its own (V8 logs, GC tracing, V8 tiering).
 */
function nodeFlags(variable: string): string[] {
  const dir = process.env.SKIFF_BENCH_CPU_PROF;
  return [...(dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : []), ...(process.env[variable]?.split(' ').filter(Boolean) ?? [])];
}

export async function startApiServer(): Promise<ApiServerChild> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-scheduler-'));
  const child = start([...nodeFlags('SKIFF_BENCH_APISERVER_NODE_FLAGS'), APISERVER_BIN, '--port', '0', '--log-level', 'warn'], dir);
  const m = await child.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  return {
    ...child,
    url: m[1]!,
    dir,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SchedulerChild extends Child {
  metricsUrl: string;
}

/** Starts skiff-scheduler against `server` and waits until it schedules (caches synced). */
export async function startSchedulerProcess(server: string, cwd: string, extra: string[] = []): Promise<SchedulerChild> {
  const child = start(
    [...nodeFlags('SKIFF_BENCH_SCHEDULER_NODE_FLAGS'), SCHEDULER_BIN, '--master', server, '--leader-elect=false', '--metrics-bind-address', '127.0.0.1:0', '--kube-api-qps', '-1', '--log-level', 'info', ...extra],
    cwd,
  );
  const m = await child.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"serving/, 60_000);
  await child.waitFor(/caches synced; scheduling/, 120_000);
  return { ...child, metricsUrl: m[1]! };
}
