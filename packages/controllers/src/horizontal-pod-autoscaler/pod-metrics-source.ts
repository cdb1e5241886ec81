/**
 * Where the autoscaler reads pod usage: the resource metrics API (metrics.k8s.io/v1beta1 PodMetrics), which the
 * API server answers from the node agents' Summary API. Behind `PodMetricsSource` so the replica calculator can be
 * tested with figures made up on the spot.
 *
 * Values are in milli-units, as upstream's metrics client keeps them (Quantity.MilliValue): CPU in millicores,
 * memory in thousandths of a byte ("1Ki" of memory is 1,024,000).
 */
import { parseQuantity, quantityMilli } from '@skiff/api';
import type { Client } from '@skiff/client';

export interface PodMetric {
  /** Usage in milli-units. */
  value: number;
  /** When the figure was measured (ms since the epoch). */
  timestampMs: number;
  /** The window the figure is averaged over (ms). */
  windowMs: number;
}

/** Figures by pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;

export type MetricsResult = { ok: true; metrics: PodMetricsInfo; timestampMs: number } | { ok: false; error: string };

export interface PodMetricsSource {
  /**
   * `resource` usage of the pods of `namespace` that `selector` (label selector text) picks: per pod the sum over
   * its containers, or with `container` that container's alone. A pod lacking the figure for some container is
   * left out (it counts as missing); with `container`, a pod without that container fails the whole read.
   */
  resourceMetric(resource: string, namespace: string, selector: string, container?: string): Promise<MetricsResult>;
}

interface PodMetricsItem {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

const GO_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };

/** Go's time.Duration text ("1m0s", "10.013s", "500ms") in ms; 0 when unreadable. */
export function parseGoDuration(text: string | undefined): number {
  if (!text) return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * GO_UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  return at === text.length ? total : 0;
}

function milli(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  try {
    return Number(quantityMilli(parseQuantity(q)));
  } catch {
    return undefined;
  }
}

/** Per-pod figures from PodMetrics items, as upstream's getPodMetrics / getContainerMetrics. */
export function podMetricsFromItems(items: PodMetricsItem[], resource: string, container?: string): MetricsResult {
  const metrics: PodMetricsInfo = new Map();
  for (const item of items) {
    const name = item.metadata?.name;
    if (!name) continue;
    const timestampMs = Date.parse(item.timestamp ?? '');
    const base = { timestampMs: Number.isFinite(timestampMs) ? timestampMs : 0, windowMs: parseGoDuration(item.window) };
    const containers = item.containers ?? [];
    if (container) {
      const c = containers.find((x) => x.name === container);
      if (!c) return { ok: false, error: `failed to get container metrics: container ${container} not present in metrics for pod ${item.metadata?.namespace}/${name}` };
      const v = milli(c.usage?.[resource]);
      if (v !== undefined) metrics.set(name, { ...base, value: v });
      continue;
    }
    if (containers.length === 0) continue;
    let sum = 0;
    let missing = false;
    for (const c of containers) {
      const v = milli(c.usage?.[resource]);
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += v;
    }
    if (!missing) metrics.set(name, { ...base, value: sum });
  }
  const first = Date.parse(items[0]?.timestamp ?? '');
  return { ok: true, metrics, timestampMs: Number.isFinite(first) ? first : 0 };
}

/** The resource metrics API the API server serves. */
export class MetricsApiSource implements PodMetricsSource {
  constructor(private readonly client: Client) {}

  async resourceMetric(resource: string, namespace: string, selector: string, container?: string): Promise<MetricsResult> {
    const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`;
    let items: PodMetricsItem[];
    try {
      items = (await this.client.raw<{ items?: PodMetricsItem[] }>(path)).items ?? [];
    } catch (e) {
      return { ok: false, error: `unable to fetch metrics from resource metrics API: ${(e as Error).message}` };
    }
    if (items.length === 0) return { ok: false, error: 'no metrics returned from resource metrics API' };
    return podMetricsFromItems(items, resource, container);
  }
}
