/**
 * scheduler_perf's workloads rebuilt for the in-process runs: node and pod templates (kube's node-default and
 * pod-default: 4 CPUs / 32Gi / 110 pods per node, pods asking 100m / 500Mi) and the workloads measured.
 */
import type { encodePod, EncodeOptions, SchedulingCore } from '@skiff/scheduler-wasm';

export type Node = Parameters<SchedulingCore['model']['writeNode']>[0];
export type Pod = Parameters<typeof encodePod>[0];

export interface Workload {
  name: string;
  nodes: number;
  initPods: number;
  measurePods: number;
  node(i: number): Node;
  /** A pod already running before the measurement; the workload places it on node `i % nodes`. */
  initPod(i: number): Pod;
  measurePod(i: number): Pod;
}

export const ZONE = 'topology.kubernetes.io/zone';

export function node(i: number, labels: Record<string, string> = {}): Node {
  return {
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, ...labels } },
    spec: {},
    status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
  };
}

export function pod(name: string, extra: Partial<NonNullable<Pod['spec']>> = {}, labels: Record<string, string> = {}, priority = 0): Pod {
  return {
    metadata: { name, namespace: 'default', uid: name, labels },
    spec: {
      priority,
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' } } }],
      ...extra,
    },
  };
}

export function workloads(quick: boolean): Workload[] {
  const scale = (full: number, q: number) => (quick ? q : full);
  return [
    {
      name: 'SchedulingBasic',
      nodes: 5000,
      initPods: 1000,
      measurePods: 10_000,
      node: (i) => node(i),
      initPod: (i) => pod(`init-${i}`),
      measurePod: (i) => pod(`pod-${i}`),
    },
    {
      name: 'NodeAffinity',
      nodes: 5000,
      initPods: 1000,
      measurePods: scale(10_000, 5000),
      node: (i) => node(i, { [ZONE]: i % 2 === 0 ? 'zone1' : 'zone2' }),
      initPod: (i) => pod(`init-${i}`),
      measurePod: (i) =>
        pod(`pod-${i}`, {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['zone1'] }] }] } } },
        }),
    },
    {
      name: 'TopologySpreading',
      nodes: scale(5000, 1000),
      initPods: scale(5000, 1000),
      measurePods: scale(5000, 1000),
      node: (i) => node(i, { [ZONE]: `zone${i % 3}` }),
      initPod: (i) => pod(`init-${i}`, {}, { app: 'spread' }),
      measurePod: (i) =>
        pod(`pod-${i}`, { topologySpreadConstraints: [{ maxSkew: 5, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] }, { app: 'spread' }),
    },
    {
      name: 'PodAntiAffinity',
      nodes: scale(5000, 1000),
      initPods: scale(1000, 200),
      measurePods: scale(1000, 400),
      node: (i) => node(i),
      initPod: (i) => antiPod(`init-${i}`),
      measurePod: (i) => antiPod(`pod-${i}`),
    },
  ];
}

export function antiPod(name: string): Pod {
  return pod(
    name,
    { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { color: 'green' } } }] } } },
    { color: 'green' },
  );
}

export const encodeOptions = (p: Pod): EncodeOptions => ({
  priority: p.spec?.priority ?? 0,
  defaultSpread: { constraints: [], systemDefaulted: true },
  defaultSelector: [],
  namespacesMatching: () => [],
});
