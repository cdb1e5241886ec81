import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lease } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../test-util/builders.js';
import { startLiveCluster, type LiveCluster } from '../../test-util/live-cluster.js';

// The built binary, as `skiff up` runs it (the package's test task builds first).
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bin', 'skiff-scheduler.js');

interface Proc {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string;
  exited: Promise<number | null>;
}

const started: Proc[] = [];
const dir = mkdtempSync(join(tmpdir(), 'skiff-sched-bin-'));

function run(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, lines: [], stderr: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        p.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (p.stderr += d.toString()));
  started.push(p);
  return p;
}

function logged(p: Proc, msg: RegExp): Promise<Record<string, unknown>> {
  return waitFor(`log line ${msg} (stderr: ${p.stderr})`, () => p.lines.find((l) => msg.test(String(l.msg))), { timeoutMs: 30_000 });
}

async function scheduledCount(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const m = /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

afterEach(async () => {
  for (const p of started.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('skiff-scheduler', () => {
  it.each([
    { name: 'an unknown plugin', yaml: 'profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: Teleport\n', message: /--config .*: unknown plugin: config\.profiles\[0\]\.plugins\.filter\.enabled\[0\]\.name: "Teleport" is not a registered plugin/ },
    { name: 'a bad weight', yaml: 'profiles:\n- plugins:\n    score:\n      enabled:\n      - name: ImageLocality\n        weight: heavy\n', message: /weight: must be an integer/ },
    { name: 'a bad percentage', yaml: 'percentageOfNodesToScore: -5\n', message: /percentageOfNodesToScore: must be in the range \[0, 100\], got -5/ },
  ])('exits 2 and names the field for a config file with $name', async ({ yaml, message }) => {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n${yaml}`);
    const p = run(['--config', file, '--master', 'http://127.0.0.1:1']);
    expect(await p.exited).toBe(2);
    expect(p.stderr).toMatch(message);
  });

  it('exits 2 with the usage for a bad flag', async () => {
    const p = run(['--engine', 'gpu']);
    expect(await p.exited).toBe(2);
    expect(p.stderr).toMatch(/--engine: "gpu" is not wasm or ts[\s\S]*usage: skiff-scheduler/);
  });
});

describe('two skiff-scheduler processes with leader election', () => {
  let cluster: LiveCluster;
  let kubeconfig: string;
  beforeAll(async () => {
    cluster = await startLiveCluster();
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster: { server: "${cluster.server.url}" }\nusers:\n- name: t\n  user: {}\ncontexts:\n- name: t\n  context: { cluster: t, user: t }\ncurrent-context: t\n`,
    );
  });
  afterAll(() => cluster?.close());

  it('lets only the leader bind, and the standby takes over when the leader stops', { timeout: 90_000 }, async () => {
    const args = ['--kubeconfig', kubeconfig, '--metrics-bind-address', '127.0.0.1:0'];
    const a = run(args);
    const aUrl = String((await logged(a, /serving \/healthz/)).url);
    const aId = String((await logged(a, /scheduler started/)).identity);
    await logged(a, /caches synced; scheduling/);
    const b = run(args);
    const bUrl = String((await logged(b, /serving \/healthz/)).url);
    const bId = String((await logged(b, /scheduler started/)).identity);
    await logged(b, /another scheduler leads; standing by/);

    const leases = cluster.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace('kube-system');
    expect((await leases.get('kube-scheduler')).spec?.holderIdentity).toBe(aId);
    await cluster.addNode(makeNode('n1').obj());
    for (let i = 0; i < 5; i++) await cluster.addPod(makePod(`first-${i}`).obj());
    for (let i = 0; i < 5; i++) await waitFor(`first-${i} bound`, async () => (await cluster.getPod(`first-${i}`)).spec?.nodeName);
    expect(await scheduledCount(aUrl)).toBe(5);
    expect(await scheduledCount(bUrl)).toBe(0);
    expect(await (await fetch(`${bUrl}/readyz`)).text()).toBe('ok');

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    await logged(b, /caches synced; scheduling/);
    expect((await leases.get('kube-scheduler')).spec?.holderIdentity).toBe(bId);
    for (let i = 0; i < 3; i++) await cluster.addPod(makePod(`second-${i}`).obj());
    for (let i = 0; i < 3; i++) await waitFor(`second-${i} bound`, async () => (await cluster.getPod(`second-${i}`)).spec?.nodeName);
    expect(await scheduledCount(bUrl)).toBe(3);

    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect((await leases.get('kube-scheduler')).spec?.holderIdentity).toBe('');
  });
});
