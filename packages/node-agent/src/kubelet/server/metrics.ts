/**
 * The node agent's metrics in the Prometheus text format (0.0.4), under the kubelet's names:
 *
 *   kubelet_running_pods                                  gauge
 *   kubelet_running_containers{container_state}           gauge
 *   kubelet_pod_start_duration_seconds                    histogram: first seen -> Running
 *   kubelet_runtime_operations_duration_seconds{operation_type}   histogram
 *   kubelet_runtime_operations_total{operation_type}      counter
 *   kubelet_node_name{node}                               gauge, 1
 *
 * Histograms use fixed buckets; samples are kept only as bucket counts, sum and count.
 */
const START_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
const OPERATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram {
  private readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }

  render(name: string, labels: string): string[] {
    const l = (extra: string) => `{${[labels, extra].filter(Boolean).join(',')}}`;
    const lines = this.buckets.map((b, i) => `${name}_bucket${l(`le="${b}"`)} ${this.counts[i]}`);
    lines.push(`${name}_bucket${l('le="+Inf"')} ${this.count}`);
    lines.push(`${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}`);
    lines.push(`${name}_count${labels ? `{${labels}}` : ''} ${this.count}`);
    return lines;
  }
}

export interface Gauges {
  runningPods(): number;
  /** Containers by CRI state (running, exited, created, unknown). */
  containers(): Record<string, number>;
}

export class KubeletMetrics {
  readonly podStart = new Histogram(START_BUCKETS);
  private readonly operations = new Map<string, Histogram>();
  private gauges: Gauges = { runningPods: () => 0, containers: () => ({}) };

  constructor(private readonly nodeName: string) {}

  setGauges(gauges: Gauges): void {
    this.gauges = gauges;
  }

  podStarted(seconds: number): void {
    this.podStart.observe(seconds);
  }

  runtimeOperation(operation: string, seconds: number): void {
    let h = this.operations.get(operation);
    if (!h) this.operations.set(operation, (h = new Histogram(OPERATION_BUCKETS)));
    h.observe(seconds);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP kubelet_node_name The node\'s name. The count is always 1.', '# TYPE kubelet_node_name gauge', `kubelet_node_name{node="${this.nodeName}"} 1`);
    out.push('# HELP kubelet_running_pods Number of pods with a running container', '# TYPE kubelet_running_pods gauge', `kubelet_running_pods ${this.gauges.runningPods()}`);
    out.push('# HELP kubelet_running_containers Number of containers currently running', '# TYPE kubelet_running_containers gauge');
    for (const [state, n] of Object.entries(this.gauges.containers())) out.push(`kubelet_running_containers{container_state="${state}"} ${n}`);
    out.push('# HELP kubelet_pod_start_duration_seconds Duration in seconds from the node agent seeing a pod to it running', '# TYPE kubelet_pod_start_duration_seconds histogram');
    out.push(...this.podStart.render('kubelet_pod_start_duration_seconds', ''));
    out.push('# HELP kubelet_runtime_operations_duration_seconds Duration in seconds of runtime operations', '# TYPE kubelet_runtime_operations_duration_seconds histogram');
    for (const [op, h] of this.operations) out.push(...h.render('kubelet_runtime_operations_duration_seconds', `operation_type="${op}"`));
    out.push('# HELP kubelet_runtime_operations_total Cumulative number of runtime operations by operation type', '# TYPE kubelet_runtime_operations_total counter');
    for (const [op, h] of this.operations) out.push(`kubelet_runtime_operations_total{operation_type="${op}"} ${h.count}`);
    return `${out.join('\n')}\n`;
  }
}
