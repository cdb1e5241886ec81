import type { V1LabelSelector, V1Node, V1NodeSelectorTerm, V1Pod, V1PodAffinityTerm } from '@kubernetes/client-node';
import fc from 'fast-check';
import { Strategy } from '../src/core/codes.js';
import type { CoreProfile } from '../src/core/core-profile.js';
import { defaultCoreProfile } from './core-harness.js';

/**
 * Random clusters and pods for the engine-equivalence property tests. Vocabularies are small on purpose so that
 * selectors, taints and topology domains collide often.
 */
const zones = ['z1', 'z2', 'z3'];
const apps = ['a', 'b', 'c'];
const namespaces = ['default', 'ns1'];
const topologyKeys = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'rack'];
const taintKeys = ['dedicated', 'gpu', 'spot'];
const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const images = ['nginx', 'redis:7', 'registry.io/app:1', 'busybox'];

const labelSelector: fc.Arbitrary<V1LabelSelector | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant({}),
  fc.record({ matchLabels: fc.record({ app: fc.constantFrom(...apps) }) }),
  fc.record({
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray([...apps, 'web', 'db'], { minLength: 1 }) }),
        fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);

const nodeArb = (i: number): fc.Arbitrary<V1Node> =>
  fc
    .record({
      zone: fc.option(fc.constantFrom(...zones), { nil: undefined }),
      rack: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
      hostname: fc.boolean(),
      disk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
      level: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      cpu: fc.integer({ min: 1, max: 8 }),
      memGi: fc.integer({ min: 1, max: 16 }),
      pods: fc.integer({ min: 2, max: 12 }),
      gpu: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      unschedulable: fc.boolean(),
      taints: fc.array(fc.record({ key: fc.constantFrom(...taintKeys), value: fc.constantFrom('', 'x', 'y'), effect: fc.constantFrom(...effects) }), { maxLength: 2 }),
      images: fc.subarray(images),
    })
    .map((r) => {
      const labels: Record<string, string> = {};
      if (r.hostname) labels['kubernetes.io/hostname'] = `n${i}`;
      if (r.zone) labels['topology.kubernetes.io/zone'] = r.zone;
      if (r.rack) labels.rack = r.rack;
      if (r.disk) labels.disk = r.disk;
      if (r.level !== undefined) labels.level = String(r.level);
      const allocatable: Record<string, string> = { cpu: String(r.cpu), memory: `${r.memGi}Gi`, pods: String(r.pods) };
      if (r.gpu !== undefined) allocatable['example.com/gpu'] = String(r.gpu);
      return {
        metadata: { name: `n${i}`, labels },
        spec: { unschedulable: r.unschedulable && i % 5 === 0, taints: r.taints },
        status: {
          allocatable,
          images: r.images.map((name, k) => ({ names: [name.includes(':') ? name : `${name}:latest`], sizeBytes: (k + 1) * 150 * 1024 * 1024 })),
        },
      } satisfies V1Node;
    });

const affinityTerm: fc.Arbitrary<V1PodAffinityTerm> = fc.record({
  topologyKey: fc.constantFrom(...topologyKeys),
  labelSelector,
  namespaces: fc.option(fc.subarray(namespaces, { minLength: 1 }), { nil: undefined }),
  namespaceSelector: fc.option(fc.constantFrom<V1LabelSelector>({}, { matchLabels: { team: 'x' } }), { nil: undefined }),
});

const nodeTerm: fc.Arbitrary<V1NodeSelectorTerm> = fc.record({
  matchExpressions: fc.array(
    fc.oneof(
      fc.record({ key: fc.constantFrom('disk', 'topology.kubernetes.io/zone'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(['ssd', 'hdd', ...zones], { minLength: 1 }) }),
      fc.record({ key: fc.constantFrom('disk', 'rack'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      fc.record({ key: fc.constant('level'), operator: fc.constantFrom('Gt', 'Lt'), values: fc.integer({ min: 0, max: 12 }).map((n) => [String(n)]) }),
    ),
    { minLength: 1, maxLength: 2 },
  ),
});

export interface PodShape {
  existing: boolean;
}

export const podArb = (name: string, nodeCount: number, existing: boolean): fc.Arbitrary<V1Pod> =>
  fc
    .record({
      ns: fc.constantFrom(...namespaces),
      app: fc.option(fc.constantFrom(...apps), { nil: undefined }),
      tier: fc.option(fc.constantFrom('web', 'db'), { nil: undefined }),
      cpuM: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
      memMi: fc.option(fc.integer({ min: 0, max: 6000 }), { nil: undefined }),
      gpu: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
      node: fc.integer({ min: 0, max: Math.max(0, nodeCount - 1) }),
      pinned: fc.integer({ min: 0, max: 20 }),
      port: fc.option(fc.constantFrom(80, 443), { nil: undefined }),
      image: fc.constantFrom(...images, 'other'),
      tolerations: fc.array(
        fc.oneof(
          fc.record({ key: fc.constantFrom(...taintKeys), operator: fc.constant('Exists') }),
          fc.record({ key: fc.constantFrom(...taintKeys), operator: fc.constant('Equal'), value: fc.constantFrom('', 'x'), effect: fc.constantFrom(...effects) }),
          fc.constant({ operator: 'Exists' }),
        ),
        { maxLength: 2 },
      ),
      nodeSelector: fc.option(fc.record({ disk: fc.constantFrom('ssd', 'hdd') }), { nil: undefined }),
      required: fc.option(fc.array(nodeTerm, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      preferred: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), preference: nodeTerm }), { maxLength: 2 }),
      spread: fc.array(
        fc.record({
          maxSkew: fc.integer({ min: 1, max: 3 }),
          topologyKey: fc.constantFrom(...topologyKeys),
          whenUnsatisfiable: fc.constantFrom('DoNotSchedule', 'ScheduleAnyway'),
          labelSelector,
          minDomains: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
          nodeAffinityPolicy: fc.option(fc.constantFrom('Honor', 'Ignore'), { nil: undefined }),
          nodeTaintsPolicy: fc.option(fc.constantFrom('Honor', 'Ignore'), { nil: undefined }),
        }),
        { maxLength: 2 },
      ),
      affReq: fc.array(affinityTerm, { maxLength: 1 }),
      antiReq: fc.array(affinityTerm, { maxLength: 1 }),
      affPref: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), podAffinityTerm: affinityTerm }), { maxLength: 2 }),
      antiPref: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), podAffinityTerm: affinityTerm }), { maxLength: 1 }),
      terminating: fc.boolean(),
      priority: fc.integer({ min: 0, max: 3 }),
    })
    .map((r) => {
      const labels: Record<string, string> = {};
      if (r.app) labels.app = r.app;
      if (r.tier) labels.tier = r.tier;
      const requests: Record<string, string> = {};
      if (r.cpuM !== undefined) requests.cpu = `${r.cpuM}m`;
      if (r.memMi !== undefined) requests.memory = `${r.memMi}Mi`;
      if (r.gpu !== undefined && r.pinned % 3 === 0) requests['example.com/gpu'] = String(r.gpu);
      const pod: V1Pod = {
        metadata: { name, namespace: r.ns, uid: `uid-${name}`, labels, deletionTimestamp: existing && r.terminating && r.pinned % 4 === 0 ? new Date(0) : undefined },
        spec: {
          priority: r.priority,
          containers: [{ name: 'c', image: r.image, resources: { requests }, ports: r.port ? [{ containerPort: r.port, hostPort: r.port }] : undefined }],
          tolerations: r.tolerations,
          nodeSelector: r.pinned % 4 === 1 ? r.nodeSelector : undefined,
          nodeName: existing ? `n${r.node}` : r.pinned === 7 ? `n${r.node}` : undefined,
          topologySpreadConstraints: existing ? undefined : r.spread,
          affinity: {
            nodeAffinity: existing
              ? undefined
              : {
                  requiredDuringSchedulingIgnoredDuringExecution: r.required && r.pinned % 2 === 0 ? { nodeSelectorTerms: r.required } : undefined,
                  preferredDuringSchedulingIgnoredDuringExecution: r.preferred,
                },
            podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: r.affReq, preferredDuringSchedulingIgnoredDuringExecution: r.affPref },
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: r.antiReq, preferredDuringSchedulingIgnoredDuringExecution: r.antiPref },
          },
        },
      };
      return pod;
    });

export const profileArb: fc.Arbitrary<CoreProfile> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(defaultCoreProfile()) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        strategy: fc.constantFrom(Strategy.LeastAllocated, Strategy.MostAllocated, Strategy.RequestedToCapacityRatio),
        weights: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 7, maxLength: 7 }),
        percentage: fc.constantFrom(0, 30, 100),
        filterMask: fc.integer({ min: 0, max: 255 }),
        gpuWeight: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        hard: fc.integer({ min: 0, max: 3 }),
        ignorePreferred: fc.boolean(),
      })
      .map((r) =>
        defaultCoreProfile({
          filterMask: r.filterMask | 0x20,
          weights: r.weights,
          percentage: r.percentage,
          fitStrategy: r.strategy,
          fitResources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 2 }, ...(r.gpuWeight ? [{ name: 'example.com/gpu', weight: r.gpuWeight }] : [])],
          shape: [
            { utilization: 0, score: 0 },
            { utilization: 60, score: 10 },
            { utilization: 100, score: 3 },
          ],
          balancedResources: r.gpuWeight ? ['cpu', 'memory', 'example.com/gpu'] : ['cpu', 'memory'],
          hardPodAffinityWeight: r.hard,
          ignorePreferredTermsOfExistingPods: r.ignorePreferred,
        }),
      ),
  },
);

export const clusterArb = fc.integer({ min: 1, max: 24 }).chain((nodeCount) =>
  fc.record({
    nodes: fc.tuple(...Array.from({ length: nodeCount }, (_, i) => nodeArb(i))),
    existing: fc.array(fc.nat(), { maxLength: 30 }).chain((ids) => fc.tuple(...ids.map((_, i) => podArb(`e${i}`, nodeCount, true)))),
    incoming: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }).chain((ids) => fc.tuple(...ids.map((_, i) => podArb(`p${i}`, nodeCount, false)))),
    profile: profileArb,
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    namespaceLabels: fc.record({ default: fc.constant<Record<string, string>>({}), ns1: fc.constantFrom<Record<string, string>>({}, { team: 'x' }) }),
  }),
);
