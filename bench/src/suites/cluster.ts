/**
 * `pnpm bench cluster`: whole clusters started by the built `skiff up`, as a person starts them.
 *
 *   ready       spawning `skiff up --nodes 2` -> its `Cluster ready` line (store, API server, controller manager,
 *               scheduler, two real nodes each with node agent, CRI runtime and proxy)
 *   replicas    on that cluster, a Deployment of 100 replicas (20 with --quick) from the create request to every
 *               pod Ready, then from its delete to the last pod gone
 *   fake nodes  a second cluster, `--nodes 0 --fake-nodes 5000` (500 with --quick): its time to `Cluster ready`,
 *               then 10,000 bare pods (1,000 with --quick) from the first create request to every pod Running
 *
 * Each cluster is stopped with Ctrl-C (SIGINT), `skiff reset` and its temp dir removed, whatever happened. A wait
 * that reaches its bound is reported as how far it got (a count, and a ratio under its target of 1), never as a time.
 */
import { cpus, loadavg } from 'node:os';
import { BenchCluster, type ClusterSpec } from '../cluster/bench-cluster.js';
import { CONCURRENCY, runFakeScale } from '../cluster/fake-scale-run.js';
import { runReplicas } from '../cluster/replicas-run.js';
import type { BenchRatio, BenchResult, Suite } from '../result.js';

const ENGINE = 'skiff';

interface Plan {
  replicas: number;
  fakeNodes: number;
  pods: number;
  readyMs: number;
  workMs: number;
  deleteMs: number;
}

const FULL: Plan = { replicas: 100, fakeNodes: 5000, pods: 10_000, readyMs: 600_000, workMs: 600_000, deleteMs: 300_000 };
// Sized so that the whole suite stays near three minutes on a loaded 2-core machine; every bound is a stop for a stuck run.
const QUICK: Plan = { replicas: 20, fakeNodes: 500, pods: 1000, readyMs: 150_000, workMs: 120_000, deleteMs: 60_000 };

const count = (n: number) => n.toLocaleString('en-US');

function loadNote(when: string): string {
  return `load average ${when}: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')} (1 / 5 / 15 min) on ${cpus().length} cores; the machine may be shared, so times include whatever else ran.`;
}

/**
 * Starts a cluster, runs `work` once it is ready, and always tears it down. An unexpected failure becomes a note
 * so that the other phase still runs and what was measured before it is kept.
 */
async function withCluster(what: string, spec: ClusterSpec, notes: string[], ratios: BenchRatio[], log: (m: string) => void, work: (cluster: BenchCluster, readyMs: number) => Promise<void>): Promise<void> {
  let cluster: BenchCluster;
  try {
    cluster = BenchCluster.launch(spec);
  } catch (e) {
    notes.push(`${what}: could not start skiff up, nothing measured on it: ${(e as Error).message}`);
    return;
  }
  log(`${what}: skiff up --nodes ${spec.nodes} --fake-nodes ${spec.fakeNodes} (pid ${cluster.pid}, data ${cluster.dataDir})`);
  try {
    const ready = await cluster.waitReady();
    // 1 or 0: a cluster that never got ready shows as a missed target in the table, not only in the notes.
    ratios.push({ name: `${what}: Cluster ready within ${spec.readyTimeoutMs / 1000} s`, value: ready.ready ? 1 : 0, target: 1 });
    if (!ready.ready) {
      notes.push(`${what}: never ready, nothing measured on it: ${ready.reason}`);
      return;
    }
    log(`${what}: Cluster ready after ${(ready.ms / 1000).toFixed(1)} s`);
    await work(cluster, ready.ms);
  } catch (e) {
    notes.push(`${what}: failed part way, figures after the failure are missing: ${(e as Error).message}`);
  } finally {
    log(`${what}: stopping (Ctrl-C), skiff reset`);
    const problems = await cluster.teardown();
    notes.push(...problems.map((p) => `${what}: teardown: ${p}`));
  }
}

export const clusterSuite: Suite = {
  name: 'cluster',
  description: 'whole skiff up clusters: time to Cluster ready, a Deployment to all Ready on 2 nodes, bare pods to all Running on fake nodes',
  async run(ctx) {
    const plan = ctx.quick ? QUICK : FULL;
    const results: BenchResult[] = [];
    const ratios: BenchRatio[] = [];
    const notes: string[] = [
      ctx.quick
        ? `--quick sizes: ${plan.replicas} replicas (full run: ${FULL.replicas}), ${count(plan.pods)} pods on ${count(plan.fakeNodes)} fake nodes (full run: ${count(FULL.pods)} on ${count(FULL.fakeNodes)}).`
        : `Full sizes: ${plan.replicas} replicas on 2 real nodes, ${count(plan.pods)} pods on ${count(plan.fakeNodes)} fake nodes.`,
      `Clusters run from the built CLI (apps/cluster/dist/bin/skiff.js up), default store (skiff-store), default log level; the bench process holds one pod watch and makes the requests, without a client-side rate limit. "Cluster ready" times are from spawning the CLI to its "Cluster ready" line.`,
      `Per-pod latencies (p50/p99): replicas, from the watch first seeing the pod (created by the ReplicaSet controller) to it Ready; fake nodes, from the pod's own create request to the watch first seeing it bound to a node, and Running.`,
      loadNote('at the start'),
    ];

    await withCluster('2 real nodes', { nodes: 2, fakeNodes: 0, readyTimeoutMs: plan.readyMs }, notes, ratios, ctx.log, async (cluster, readyMs) => {
      results.push({ name: 'Cluster ready, 2 real nodes', engine: ENGINE, unit: 'ms', value: readyMs });
      const r = await runReplicas(cluster.connect(), plan.replicas, { readyMs: plan.workMs, deleteMs: plan.deleteMs }, ctx.log);
      const label = `${r.replicas} replicas on 2 nodes`;
      if (r.allReadyMs !== undefined) {
        results.push({ name: `${label}: create -> all Ready`, engine: ENGINE, unit: 'ms', value: r.allReadyMs, p50: r.latency?.p50, p99: r.latency?.p99 });
        results.push({ name: `${label}: pods Ready per second`, engine: ENGINE, unit: 'pods/s', value: (r.replicas / r.allReadyMs) * 1000 });
      } else {
        results.push({ name: `${label}: Ready when the wait ended (TIMED OUT)`, engine: ENGINE, unit: 'pods', value: r.ready, p50: r.latency?.p50, p99: r.latency?.p99 });
      }
      ratios.push({ name: `${label}: pods Ready / replicas`, value: r.ready / r.replicas, target: 1 });
      if (r.goneMs !== undefined) results.push({ name: `${label}: delete -> all pods gone`, engine: ENGINE, unit: 'ms', value: r.goneMs });
      else if (r.left !== undefined) results.push({ name: `${label}: pods left when the delete wait ended (TIMED OUT)`, engine: ENGINE, unit: 'pods', value: r.left });
      notes.push(...r.notes, loadNote('after the replicas run'));
    });

    const fakeWhat = `${count(plan.fakeNodes)} fake nodes`;
    await withCluster(fakeWhat, { nodes: 0, fakeNodes: plan.fakeNodes, readyTimeoutMs: plan.readyMs }, notes, ratios, ctx.log, async (cluster, readyMs) => {
      results.push({ name: `Cluster ready, 0 real + ${fakeWhat}`, engine: ENGINE, unit: 'ms', value: readyMs });
      const f = await runFakeScale(cluster.connect(), plan.pods, plan.workMs, ctx.log);
      const label = `${count(f.pods)} pods on ${fakeWhat}`;
      if (f.created > 0) results.push({ name: `${label}: create requests answered per second`, engine: ENGINE, unit: 'pods/s', value: (f.created / f.postedMs) * 1000 });
      if (f.allScheduledMs !== undefined) {
        results.push({ name: `${label}: create -> all scheduled (bound)`, engine: ENGINE, unit: 'ms', value: f.allScheduledMs, p50: f.scheduledLatency?.p50, p99: f.scheduledLatency?.p99 });
      }
      if (f.allRunningMs !== undefined) {
        results.push({ name: `${label}: create -> all Running`, engine: ENGINE, unit: 'ms', value: f.allRunningMs, p50: f.latency?.p50, p99: f.latency?.p99 });
        results.push({ name: `${label}: pods Running per second`, engine: ENGINE, unit: 'pods/s', value: (f.created / f.allRunningMs) * 1000 });
      } else {
        results.push({ name: `${label}: Running when the wait ended (TIMED OUT)`, engine: ENGINE, unit: 'pods', value: f.running, p50: f.latency?.p50, p99: f.latency?.p99 });
      }
      ratios.push({ name: `${label}: pods Running / pods asked for`, value: f.running / f.pods, target: 1 });
      notes.push(
        ...f.notes,
        `Fake nodes: ${count(f.pods)} bare pods (not a Deployment) created by a loop keeping ${CONCURRENCY} requests in flight; each is bound by the scheduler, then set Running by the fake-nodes process ("all scheduled" is the last binding the watch saw, "all Running" the last Running status). For scale only: kube-scheduler's CI asks >= 680 pods/s for 10,000 pods on 5,000 nodes, scheduling alone; this figure is end to end.`,
        `The fake-nodes process writes every pod's status and every node's Lease (each 10 s) within one client request budget that skiff up sizes by the node count (500 + 3 x nodes/10 requests/s: ${500 + Math.ceil(plan.fakeNodes / 10) * 3} here).`,
        loadNote('after the fake nodes run'),
      );
    });

    return { results, ratios, notes };
  },
};
