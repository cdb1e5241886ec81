/**
 * The server's Prometheus metrics (GET /metrics, text format 0.0.4), named as the real server names them:
 *   apiserver_request_total{verb,resource,code}, apiserver_request_duration_seconds{verb,resource},
 *   apiserver_current_inflight_requests, apiserver_registered_watchers, apiserver_terminated_watchers_total{resource},
 *   etcd_request_duration_seconds{operation}.
 */
import type { Store } from '@skiff/store-wasm';
import { Histogram, labelString } from './histogram.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly terminatedWatchers = new Map<string, number>();
  readonly requestDuration = new Histogram('apiserver_request_duration_seconds', 'Response latency by verb and resource.', LATENCY_BUCKETS);
  readonly storeDuration = new Histogram('etcd_request_duration_seconds', 'Store request latency by operation.', LATENCY_BUCKETS);
  inflight = 0;
  watchers: () => number = () => 0;

  /** Label strings by their parts (verb, then resource, then code), so the hot path builds no string. */
  private readonly labelCache = new Map<string, Map<string, { plain: string; byCode: Map<number, string> }>>();

  private labelsOf(verb: string, resource: string): { plain: string; byCode: Map<number, string> } {
    let byResource = this.labelCache.get(verb);
    if (!byResource) this.labelCache.set(verb, (byResource = new Map()));
    let l = byResource.get(resource);
    if (!l) byResource.set(resource, (l = { plain: labelString({ verb, resource }), byCode: new Map() }));
    return l;
  }

  countRequest(verb: string, resource: string, code: number, seconds: number): void {
    const l = this.labelsOf(verb, resource);
    let labels = l.byCode.get(code);
    if (labels === undefined) l.byCode.set(code, (labels = labelString({ verb, resource, code })));
    this.requests.set(labels, (this.requests.get(labels) ?? 0) + 1);
    // Watches last as long as the client keeps them; their duration says nothing about latency.
    if (verb !== 'WATCH') this.requestDuration.observe(l.plain, seconds);
  }

  /** A watcher closed by the server because its client did not keep up. */
  countTerminatedWatcher(resource: string): void {
    const labels = labelString({ resource });
    this.terminatedWatchers.set(labels, (this.terminatedWatchers.get(labels) ?? 0) + 1);
  }

  /** The store, with every call timed. */
  instrumentStore(store: Store): Store {
    const timed = <A extends unknown[], R>(op: string, fn: (...a: A) => Promise<R>) => {
      const label = labelString({ operation: op });
      // Every operation is exposed from the start: reads served by the watch cache may leave some unused for long.
      this.storeDuration.declare(label);
      return async (...a: A): Promise<R> => {
        const t = process.hrtime.bigint();
        try {
          return await fn(...a);
        } finally {
          this.storeDuration.observe(label, Number(process.hrtime.bigint() - t) / 1e9);
        }
      };
    };
    return Object.assign(Object.create(store) as Store, {
      range: timed('range', store.range.bind(store)),
      put: timed('put', store.put.bind(store)),
      deleteRange: timed('deleteRange', store.deleteRange.bind(store)),
      txn: timed('txn', store.txn.bind(store)),
    });
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP apiserver_request_total Requests by verb, resource and HTTP code.', '# TYPE apiserver_request_total counter');
    for (const [labels, n] of this.requests) out.push(`apiserver_request_total{${labels}} ${n}`);
    this.requestDuration.render(out);
    out.push('# HELP apiserver_current_inflight_requests Requests being served.', '# TYPE apiserver_current_inflight_requests gauge');
    out.push(`apiserver_current_inflight_requests ${this.inflight}`);
    out.push('# HELP apiserver_registered_watchers Open watches.', '# TYPE apiserver_registered_watchers gauge');
    out.push(`apiserver_registered_watchers ${this.watchers()}`);
    out.push('# HELP apiserver_terminated_watchers_total Watches closed because their clients did not keep up.', '# TYPE apiserver_terminated_watchers_total counter');
    for (const [labels, n] of this.terminatedWatchers) out.push(`apiserver_terminated_watchers_total{${labels}} ${n}`);
    this.storeDuration.render(out);
    return out.join('\n') + '\n';
  }
}
