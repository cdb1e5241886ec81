/**
 * metrics.k8s.io/v1beta1, the resource metrics API of `kubectl top node` and `kubectl top pod`: NodeMetrics and
 * PodMetrics, read on request from the Summary API (/stats/summary) of each Ready node's agent, as metrics-server
 * reads kubelets (in a full cluster metrics-server serves this group through API aggregation).
 *
 * Every node is asked at once, and the answer is whatever arrived within FETCH_BUDGET_MS: a node that has no agent
 * (simulated nodes) or does not answer in time is left out, as metrics-server leaves out nodes it cannot scrape,
 * and kubectl prints it as <unknown>. A pod whose containers do not all have a CPU figure yet (an agent needs two
 * samples for a rate) is left out too, as metrics-server leaves it out. Label selectors filter both kinds; field
 * selectors are refused.
 */
import http from 'node:http';
import { badRequest, notFound, type KubeObject, type ResourceDefinition } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import type { ResponseFormat } from '../http/media-types.js';
import { parseListOptions } from '../http/query-options.js';
import { sendJson } from '../http/respond.js';
import type { ServerContext } from '../rest/server-context.js';
import { nodeAgentAddress } from '../streaming/kubelet-target.js';
import { buildTable, type Column } from '../tables/table.js';
import { buildFilter } from './list-filter.js';

const FETCH_BUDGET_MS = 3000;

interface UsageFigures {
  time?: string;
  usageNanoCores?: number;
  /** What usageNanoCores is averaged over (the agent's sampling window). */
  windowSeconds?: number;
  workingSetBytes?: number;
}

interface Summary {
  node?: { cpu?: UsageFigures; memory?: UsageFigures };
  pods?: { podRef: { name: string; namespace: string }; cpu?: UsageFigures; containers?: { name: string; cpu?: UsageFigures; memory?: UsageFigures }[] }[];
}

function fetchSummary(host: string, port: number, deadline: number): Promise<Summary | undefined> {
  return new Promise((resolve) => {
    const left = deadline - Date.now();
    if (left <= 0) return resolve(undefined);
    const req = http.get({ host, port, path: '/stats/summary', timeout: left, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(undefined);
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Summary);
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

const isReady = (node: KubeObject) => (node.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

/** The summaries of the Ready nodes `wanted` selects that answer in time, by node name. */
async function summaries(ctx: ServerContext, wanted: (node: KubeObject) => boolean): Promise<Map<string, { node: KubeObject; summary: Summary }>> {
  const nodesDef = ctx.registry.get('', 'v1', 'nodes')!;
  const nodes = ctx.cache(nodesDef).list({}).items.map((s) => s.obj).filter((n) => isReady(n) && wanted(n));
  const deadline = Date.now() + FETCH_BUDGET_MS;
  const out = new Map<string, { node: KubeObject; summary: Summary }>();
  await Promise.all(
    nodes.map(async (node) => {
      const at = nodeAgentAddress(node);
      if (!at) return;
      const summary = await fetchSummary(at.host, at.port, deadline);
      if (summary) out.set(node.metadata.name!, { node, summary });
    }),
  );
  return out;
}

/** Go's time.Duration text at millisecond precision, as metav1.Duration serializes it ("10.013s", "500ms", "1m0s"). */
export function goDurationText(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = `${(ms % 60_000) / 1000}s`;
  return h ? `${h}h${m}m${s}` : m ? `${m}m${s}` : s;
}

const windowOf = (cpu: UsageFigures | undefined) => goDurationText(cpu?.windowSeconds ?? 0);
const cpuQuantity = (nanoCores: number | undefined) => `${Math.max(0, Math.round(nanoCores ?? 0))}n`;
const memoryQuantity = (bytes: number | undefined) => `${Math.max(0, Math.round((bytes ?? 0) / 1024))}Ki`;

function nodeMetrics(node: KubeObject, s: Summary): KubeObject {
  const time = s.node?.cpu?.time ?? new Date().toISOString();
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: node.metadata.name, creationTimestamp: new Date().toISOString(), labels: node.metadata.labels ?? {} },
    timestamp: time,
    window: windowOf(s.node?.cpu),
    usage: { cpu: cpuQuantity(s.node?.cpu?.usageNanoCores), memory: memoryQuantity(s.node?.memory?.workingSetBytes) },
  } as KubeObject;
}

function podMetrics(pod: KubeObject, stats: NonNullable<Summary['pods']>[number]): KubeObject {
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: new Date().toISOString(), labels: pod.metadata.labels ?? {} },
    timestamp: stats.cpu?.time ?? new Date().toISOString(),
    window: windowOf(stats.cpu),
    containers: (stats.containers ?? []).map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.cpu?.usageNanoCores), memory: memoryQuantity(c.memory?.workingSetBytes) } })),
  } as KubeObject;
}

async function collect(ctx: ServerContext, def: ResourceDefinition, ns: string | undefined, name: string | undefined, matches: ((o: KubeObject) => boolean) | undefined): Promise<KubeObject[]> {
  if (def.kind === 'NodeMetrics') {
    const byNode = await summaries(ctx, (n) => (!name || n.metadata.name === name) && (!matches || matches(n)));
    return [...byNode.values()].map(({ node, summary }) => nodeMetrics(node, summary)).sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  }
  const podsDef = ctx.registry.get('', 'v1', 'pods')!;
  const pods = ctx
    .cache(podsDef)
    .list(ns ? { namespace: ns } : {})
    .items.map((s) => s.obj)
    .filter((p) => p.spec?.nodeName && p.status?.phase === 'Running' && (!name || p.metadata.name === name) && (!matches || matches(p)));
  // Only the nodes that run the pods asked for.
  const nodeNames = new Set(pods.map((p) => p.spec.nodeName as string));
  const byNode = await summaries(ctx, (n) => nodeNames.has(n.metadata.name!));
  const out: KubeObject[] = [];
  for (const pod of pods) {
    const stats = byNode.get(pod.spec.nodeName)?.summary.pods?.find((p) => p.podRef.namespace === pod.metadata.namespace && p.podRef.name === pod.metadata.name);
    if (stats && (stats.containers ?? []).every((c) => c.cpu?.usageNanoCores !== undefined)) out.push(podMetrics(pod, stats));
  }
  return out.sort((a, b) => (`${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1));
}

const METRICS_COLUMNS: Column[] = [
  { name: 'Name', format: 'name', description: 'Name of the object.', cell: (o) => o.metadata.name },
  { name: 'CPU', description: 'CPU used, over the window.', cell: (o) => (o as any).usage?.cpu ?? ((o as any).containers ?? []).map((c: any) => c.usage.cpu).join(',') },
  { name: 'Memory', description: 'Memory working set.', cell: (o) => (o as any).usage?.memory ?? ((o as any).containers ?? []).map((c: any) => c.usage.memory).join(',') },
  { name: 'Window', description: 'What the CPU figure is averaged over.', cell: (o) => (o as any).window },
];

/** GET of /apis/metrics.k8s.io/v1beta1/{nodes,pods}[/name], pods optionally under /namespaces/{ns}. */
export async function serveResourceMetrics(
  ctx: ServerContext,
  def: ResourceDefinition,
  ns: string | undefined,
  name: string | undefined,
  q: URLSearchParams,
  format: ResponseFormat,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const opts = parseListOptions(q);
  if (opts.fieldSelector) throw badRequest('field selectors are not supported by the metrics API');
  const { matches } = buildFilter(def, undefined, { ...opts, fieldSelector: undefined });
  const items = await collect(ctx, def, ns, name, matches);
  if (name) {
    if (!items[0]) throw notFound({ group: def.group, resource: def.resource }, name);
    return sendJson(reply, 200, items[0], format === 'yaml' ? 'yaml' : 'json');
  }
  if (format === 'table' || format === 'partial-metadata') return sendJson(reply, 200, buildTable(METRICS_COLUMNS, items, opts.includeObject, {}));
  const list = { kind: `${def.kind}List`, apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
  return sendJson(reply, 200, list, format === 'yaml' ? 'yaml' : 'json');
}
