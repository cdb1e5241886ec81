// The service proxy's metrics, after kube-proxy's (kubeproxy_sync_proxy_rules_*, network programming duration)
// with a skiff_proxy_ prefix. Two latencies are kept apart on purpose:
//   - endpoint_change_latency: from this proxy seeing an EndpointSlice change (its watch event) to the new rules
//     serving, measured on this process's monotonic clock: what the proxy itself adds;
//   - network_programming_duration: from the change's trigger time (the endpoints.kubernetes.io/
//     last-change-trigger-time annotation the EndpointSlice controller sets) to the new rules, on wall clocks:
//     the whole path from a pod's change, as kube-proxy reports it. Absent annotation, nothing is observed.
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics-registry.js';

/** Seconds; from a millisecond to a minute. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ProxyMetrics {
  readonly registry = new MetricsRegistry();

  readonly syncDuration = this.registry.register(
    new Histogram('skiff_proxy_sync_duration_seconds', 'Time one sync of the proxy rules took.', LATENCY_BUCKETS),
  );
  readonly syncs = this.registry.register(
    new Counter('skiff_proxy_syncs_total', 'Syncs of the proxy rules, by scope: full (every Service) or partial (changed ones).', ['scope']),
  );
  readonly syncFailures = this.registry.register(
    new Counter('skiff_proxy_sync_failures_total', 'Services whose rules failed to apply in a sync (retried with backoff).'),
  );
  readonly lastSync = this.registry.register(
    new Gauge('skiff_proxy_last_sync_timestamp_seconds', 'Unix time the last sync of the proxy rules finished.'),
  );
  readonly endpointChangeLatency = this.registry.register(
    new Histogram(
      'skiff_proxy_endpoint_change_latency_seconds',
      'Time from this proxy seeing an EndpointSlice change to the new rules serving.',
      LATENCY_BUCKETS,
    ),
  );
  readonly networkProgramming = this.registry.register(
    new Histogram(
      'skiff_proxy_network_programming_duration_seconds',
      "Time from an EndpointSlice's last-change-trigger-time annotation to the new rules serving.",
      LATENCY_BUCKETS,
    ),
  );
  readonly endpointChanges = this.registry.register(
    new Counter('skiff_proxy_endpoint_changes_total', 'EndpointSlice changes seen (adds, updates, deletes).'),
  );
  readonly serviceChanges = this.registry.register(new Counter('skiff_proxy_service_changes_total', 'Service changes seen.'));
  readonly services = this.registry.register(new Gauge('skiff_proxy_services', 'Services this proxy serves.'));
  readonly virtualServices = this.registry.register(
    new Gauge('skiff_proxy_virtual_services', 'Listeners (address, port, protocol) this proxy serves.'),
  );
  readonly rejected = this.registry.register(
    new Counter('skiff_proxy_rejected_total', 'Connections reset or datagrams dropped, by reason.', ['reason']),
  );
  readonly backendRefused = this.registry.register(
    new Counter('skiff_proxy_backend_refused_total', 'Backend connections refused or timed out (another backend was tried).'),
  );
  readonly lbStatusUpdates = this.registry.register(
    new Counter('skiff_proxy_load_balancer_status_updates_total', 'Writes of Service status.loadBalancer by this proxy as leader.'),
  );
  readonly leader = this.registry.register(
    new Gauge('skiff_proxy_load_balancer_status_leader', '1 while this proxy is the one writing load-balancer status.'),
  );

  render(): string {
    return this.registry.render();
  }
}
