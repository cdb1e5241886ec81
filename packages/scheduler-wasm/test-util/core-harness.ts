import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { Res, Strategy } from '../src/core/codes.js';
import type { CoreProfile } from '../src/core/core-profile.js';
import { ProfileWriter } from '../src/core/core-profile.js';
import type { CycleResult, EngineKind, NodeStatus, SchedulingCore } from '../src/core/engine.js';
import { createCore } from '../src/engine-factory.js';
import { encodePod, type EncodeOptions } from '../src/model/encode-pod.js';
import { selectorMatchesLabels, compileSelector } from '../src/model/label-selector.js';
import { SYSTEM_DEFAULT_CONSTRAINTS } from '../src/plugins/pod-topology-spread/defaults.js';

/** kube-scheduler's default plugin set and weights as a core profile. */
export function defaultCoreProfile(over: Partial<CoreProfile> = {}): CoreProfile {
  return {
    filterMask: 0xff,
    scoreMask: 0x7f,
    weights: [3, 2, 1, 2, 2, 1, 1],
    percentage: 0,
    fitStrategy: Strategy.LeastAllocated,
    fitResources: [
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ],
    shape: [],
    ignoredResources: [],
    ignoredResourceGroups: [],
    balancedResources: ['cpu', 'memory'],
    hardPodAffinityWeight: 1,
    ignorePreferredTermsOfExistingPods: false,
    ...over,
  };
}

/**
 * Only the given filter plugins, every node evaluated: for filter unit tests. One score plugin stays on because
 * a profile without any stops at the first feasible node, as kube-scheduler does.
 */
export function filterOnlyProfile(filters: number): CoreProfile {
  return defaultCoreProfile({ filterMask: filters, scoreMask: 1 << 6, weights: [0, 0, 0, 0, 0, 0, 1], percentage: 100 });
}

/** No filters but resource fit, one score plugin at weight 1, every node scored: for score unit tests. */
export function scoreOnlyProfile(scoreIndex: number, over: Partial<CoreProfile> = {}): CoreProfile {
  const weights = [0, 0, 0, 0, 0, 0, 0];
  weights[scoreIndex] = 1;
  return defaultCoreProfile({ filterMask: 0, scoreMask: 1 << scoreIndex, weights, percentage: 100, ...over });
}

export const ENGINES = ['wasm', 'ts'] as const;

export interface Scheduled {
  result: CycleResult;
  node: string | undefined;
  statuses: (NodeStatus & { name: string })[];
  /** Total weighted score per feasible node (only when more than one node was feasible, as scoring is skipped otherwise). */
  scores: Map<string, number>;
}

/** A core with nodes and placed pods, driven without the framework: the unit under test is the kernel. */
export class CoreHarness {
  readonly core: SchedulingCore;
  private readonly profiles: ProfileWriter;
  private readonly order: number[] = [];
  namespaceLabels: Record<string, Record<string, string>> = {};
  defaultSelector: EncodeOptions['defaultSelector'] = [];

  constructor(kind: EngineKind, profile: CoreProfile = defaultCoreProfile(), seed = 7) {
    this.core = createCore({ engine: kind });
    this.profiles = new ProfileWriter(this.core.model);
    this.profiles.write(0, profile);
    this.core.setSeed(seed);
  }

  setProfile(p: CoreProfile): void {
    this.profiles.write(0, p);
  }

  addNode(node: V1Node): number {
    const slot = this.core.model.writeNode(node);
    if (!this.order.includes(slot)) this.order.push(slot);
    this.core.model.setOrder(this.order);
    return slot;
  }

  options(pod: V1Pod): EncodeOptions {
    const ids = this.core.model.ids;
    return {
      priority: pod.spec?.priority ?? 0,
      defaultSpread: { constraints: SYSTEM_DEFAULT_CONSTRAINTS, systemDefaulted: true },
      defaultSelector: this.defaultSelector,
      namespacesMatching: (sel) =>
        Object.entries(this.namespaceLabels)
          .filter(([, labels]) => selectorMatchesLabels(compileSelector(sel, [], ids.podKeys, ids.podValues), labels, ids.podKeys, ids.podValues))
          .map(([name]) => name),
    };
  }

  /** Places an existing pod on its spec.nodeName. */
  addPod(pod: V1Pod): number {
    const model = this.core.model;
    const slot = model.pods.add(encodePod(pod, model, this.options(pod)));
    const node = model.nodeSlot(pod.spec!.nodeName!);
    if (node === undefined) throw new Error(`no node ${pod.spec!.nodeName}`);
    model.pods.place(slot, node);
    return slot;
  }

  schedule(pod: V1Pod, assume = false): Scheduled {
    const model = this.core.model;
    const slot = model.pods.add(encodePod(pod, model, this.options(pod)));
    const result = this.core.schedule(slot, 0, assume);
    if (!assume || result.outcome !== 'scheduled') model.pods.remove(slot);
    const scores = new Map<string, number>();
    if (result.feasible > 1) {
      const v = model.table.v;
      const offset = v.res[Res.ScoreOffset]!;
      for (let j = 0; j < result.feasible; j++) scores.set(model.nodeName(v.feasible[j]!), v.total[j]! + offset);
    }
    return {
      result,
      node: result.node >= 0 ? model.nodeName(result.node) : undefined,
      statuses: this.core.statuses(result).map((s) => ({ ...s, name: model.nodeName(s.node) })),
      scores,
    };
  }
}


/** Builds a harness with nodes and placed pods, then evaluates `pod`: per-node reasons and details. */
export function evaluate(
  kind: EngineKind,
  profile: CoreProfile,
  nodes: V1Node[],
  existing: V1Pod[],
  pod: V1Pod,
): { reasons: Record<string, number>; details: Record<string, number>; scores: Record<string, number>; node: string | undefined } {
  const h = new CoreHarness(kind, profile);
  for (const n of nodes) h.addNode(n);
  for (const p of existing) h.addPod(p);
  const r = h.schedule(pod);
  const reasons: Record<string, number> = {};
  const details: Record<string, number> = {};
  for (const s of r.statuses) {
    reasons[s.name] = s.reason;
    details[s.name] = s.detail;
  }
  return { reasons, details, scores: Object.fromEntries(r.scores), node: r.node };
}
