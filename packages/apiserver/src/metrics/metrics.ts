/**
 * The server's Prometheus metrics (GET /metrics, text format 0.0.4), named as the real server names them:
 *   apiserver_request_total{verb,resource,code}, apiserver_request_duration_seconds{verb,resource},
 *   apiserver_current_inflight_requests, apiserver_registered_watchers, etcd_request_duration_seconds{operation}.
 */
import type { Store } from '@skiff/store-wasm';
import { Histogram, labelString } from './histogram.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  private readonly requests = new Map<string, number>();
  readonly requestDuration = new Histogram('apiserver_request_duration_seconds', 'Response latency by verb and resource.', LATENCY_BUCKETS);
  readonly storeDuration = new Histogram('etcd_request_duration_seconds', 'Store request latency by operation.', LATENCY_BUCKETS);
  inflight = 0;
  watchers: () => number = () => 0;

  /** Label strings by their parts, so the hot path does not rebuild them. */
  private readonly labelCache = new Map<string, string>();

  private labels(verb: string, resource: string, code?: number): string {
    const key = `${verb}\u0000${resource}\u0000${code ?? ''}`;
    let l = this.labelCache.get(key);
    if (l === undefined) {
      l = code === undefined ? labelString({ verb, resource }) : labelString({ verb, resource, code });
      this.labelCache.set(key, l);
    }
    return l;
  }

  countRequest(verb: string, resource: string, code: number, seconds: number): void {
    const labels = this.labels(verb, resource, code);
    this.requests.set(labels, (this.requests.get(labels) ?? 0) + 1);
    // Watches last as long as the client keeps them; their duration says nothing about latency.
    if (verb !== 'WATCH') this.requestDuration.observe(this.labels(verb, resource), seconds);
  }

  /** The store, with every call timed. */
  instrumentStore(store: Store): Store {
    const timed = <A extends unknown[], R>(op: string, fn: (...a: A) => Promise<R>) => {
      const label = labelString({ operation: op });
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
    this.storeDuration.render(out);
    return out.join('\n') + '\n';
  }
}
