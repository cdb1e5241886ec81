/**
 * A `skiff up` started for a measurement, as a person starts it: the built CLI in its own process
 * (apps/cluster/dist/bin/skiff.js), a fresh data dir in the temp dir and cluster/node networks no route on this
 * host uses yet. It measures the time from spawning the CLI to its `Cluster ready` line, hands out a client for the
 * kubeconfig it wrote, and tears everything down: Ctrl-C (SIGINT, the ordered shutdown), `skiff reset`, the data
 * dir removed. Teardown never throws; what it could not do comes back as plain sentences for the report's notes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, loadKubeconfig, type Client } from '@skiff/client';
import { runSkiff } from '../../../apps/cluster/test-util/skiff-cli.js';
import { freshNetworks, startSkiffUp, type SkiffUp } from '../../../apps/cluster/test-util/skiff-up.js';

export interface ClusterSpec {
  /** Real nodes (node agent, CRI runtime and proxy each); 0 is allowed. */
  nodes: number;
  fakeNodes: number;
  /** How long to wait for `Cluster ready` before giving up on this cluster. */
  readyTimeoutMs: number;
}

export type ReadyOutcome = { ready: true; ms: number } | { ready: false; reason: string };

/** How long each step of the stop may take before the next, harsher one. */
const ORDERED_STOP_MS = 120_000;
const FORCED_STOP_MS = 30_000;
const RESET_MS = 300_000;

function tail(text: string, lines: number): string {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-lines)
    .join(' | ');
}

function exitedWithin(up: SkiffUp, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void up.exited.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * freshNetworks() picks cluster CIDRs from 10.100-10.189.0.0/16, which `skiff up` refuses when they overlap the
 * default Service CIDR 10.96.0.0/12 (10.96-10.111); draw again until the pick is clear of it.
 */
function networksClearOfServices(): { clusterCidr: string; nodeCidr: string } {
  for (let attempt = 0; attempt < 100; attempt++) {
    const nets = freshNetworks();
    const second = Number(nets.clusterCidr.split('.')[1]);
    if (second < 96 || second > 111) return nets;
  }
  throw new Error('no cluster CIDR clear of the Service CIDR 10.96.0.0/12 in 100 draws of freshNetworks()');
}

export class BenchCluster {
  private readonly up: SkiffUp;
  private readonly spawnedAt: number;
  private readonly clients: Client[] = [];

  private constructor(
    readonly spec: ClusterSpec,
    readonly dataDir: string,
    nets: { clusterCidr: string; nodeCidr: string },
  ) {
    // Clocked from just before the spawn: the figure includes starting Node and loading the CLI, as a person waits for them.
    this.spawnedAt = performance.now();
    this.up = startSkiffUp([
      '--data-dir', dataDir,
      '--nodes', String(spec.nodes),
      '--fake-nodes', String(spec.fakeNodes),
      '--api-port', '0',
      '--store-port', '0',
      '--cluster-cidr', nets.clusterCidr,
      '--node-cidr', nets.nodeCidr,
      '--timeout', String(Math.ceil(spec.readyTimeoutMs / 1000)),
    ]);
  }

  /** Spawns `skiff up`; call teardown() in a finally block whatever happens next. */
  static launch(spec: ClusterSpec): BenchCluster {
    const nets = networksClearOfServices();
    return new BenchCluster(spec, mkdtempSync(join(tmpdir(), 'skiff-bench-cluster-')), nets);
  }

  get pid(): number | undefined {
    return this.up.child.pid;
  }

  /** Milliseconds from the spawn to the `Cluster ready` line, or why it never came within the bound. */
  async waitReady(): Promise<ReadyOutcome> {
    try {
      await this.up.waitFor(/^Cluster ready/, this.spec.readyTimeoutMs);
      return { ready: true, ms: performance.now() - this.spawnedAt };
    } catch {
      const exit = this.up.child.exitCode;
      const why = exit !== null ? `skiff up exited with code ${exit}` : `no "Cluster ready" line within ${this.spec.readyTimeoutMs / 1000} s`;
      return { ready: false, reason: `${why}; last output: ${tail(this.up.output(), 8)}` };
    }
  }

  /** A client for the kubeconfig `skiff up` wrote, without a client-side rate limit (the bench is the only user). */
  connect(): Client {
    const client = createClient(loadKubeconfig({ path: join(this.dataDir, 'kubeconfig') }), { qps: 0, userAgent: 'skiff-bench-cluster' });
    this.clients.push(client);
    return client;
  }

  /** Ctrl-C, then Ctrl-C again (skiff's "stop at once"), then SIGKILL, each bounded; then `skiff reset` and the data dir removed. */
  async teardown(): Promise<string[]> {
    const problems: string[] = [];
    for (const c of this.clients) c.close();
    const child = this.up.child;
    let stopped = child.exitCode !== null || child.signalCode !== null;
    if (!stopped) {
      child.kill('SIGINT');
      stopped = await exitedWithin(this.up, ORDERED_STOP_MS);
    }
    if (!stopped) {
      problems.push(`skiff up (pid ${child.pid}) did not stop within ${ORDERED_STOP_MS / 1000} s of Ctrl-C; sent it a second one`);
      child.kill('SIGINT');
      stopped = await exitedWithin(this.up, FORCED_STOP_MS);
    }
    if (!stopped) {
      problems.push(`skiff up (pid ${child.pid}) still ran after the second Ctrl-C; killed it, skiff reset cleans up after it`);
      child.kill('SIGKILL');
      await exitedWithin(this.up, FORCED_STOP_MS);
    }
    const leftBehind = this.up
      .output()
      .split('\n')
      .filter((l) => l.includes('left behind:'));
    problems.push(...leftBehind.map((l) => `skiff up on stop: ${l.trim()}`));
    if (existsSync(this.dataDir)) {
      const reset = await runSkiff(['reset', '--data-dir', this.dataDir], { timeoutMs: RESET_MS });
      if (reset.code !== 0) problems.push(`skiff reset --data-dir ${this.dataDir} exited ${reset.code}: ${tail(reset.stderr + reset.stdout, 5)}`);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    return problems;
  }
}
