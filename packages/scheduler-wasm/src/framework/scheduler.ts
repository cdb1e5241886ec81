import type {
  V1Namespace,
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
  V1PriorityClass,
  V1ReplicaSet,
  V1ReplicationController,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { DisruptionBudgets } from '../cache/disruption-budgets.js';
import { NamespaceStore } from '../cache/namespace-store.js';
import { PriorityClasses } from '../cache/priority-classes.js';
import { SchedulerCache } from '../cache/scheduler-cache.js';
import { Workloads } from '../cache/workloads.js';
import { ProfileWriter } from '../core/core-profile.js';
import type { EngineKind, SchedulingCore } from '../core/engine.js';
import { createCore } from '../engine-factory.js';
import { encodePod, type EncodeOptions } from '../model/encode-pod.js';
import { effectiveDefaults } from '../plugins/pod-topology-spread/args.js';
import { gatedMessage } from '../plugins/scheduling-gates/plugin.js';
import { Nominator } from '../queue/nominator.js';
import { SchedulingQueue } from '../queue/scheduling-queue.js';
import { nodeUpdateEvents, podUpdateEvents } from './cluster-events.js';
import type { KubeSchedulerConfiguration } from './config.js';
import type { ClusterEvent } from './interface.js';
import { resolveConfig, type Profile } from './profile.js';
import { pluginByName } from './registry.js';
import type { ScheduleResult } from './schedule-result.js';
import { runBatch, runCycle, type CycleContext } from './scheduling-cycle.js';

export interface SchedulerOptions {
  engine?: EngineKind;
  config?: KubeSchedulerConfiguration;
  /** Seeds tie-breaking and preemption's random offset; the same seed gives the same decisions. */
  seed?: number;
  /** Milliseconds; defaults to Date.now. Tests pass a fake clock. */
  clock?: () => number;
  /** Assumed pods whose binding finished but never showed up bound expire after this long; 0 = never. */
  assumedPodTtlMs?: number;
}

/**
 * The scheduler without its API plumbing: feed it cluster objects (what informers will deliver) and call
 * scheduleOne/scheduleBatch; each result says what to bind, or what to report and evict. Nothing here talks to
 * an API server, so all of it runs in tests and benchmarks as is.
 */
export class Scheduler {
  readonly core: SchedulingCore;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly profiles: readonly Profile[];
  readonly namespaces = new NamespaceStore();
  readonly priorityClasses = new PriorityClasses();
  readonly pdbs = new DisruptionBudgets();
  readonly workloads = new Workloads();
  readonly nominator: Nominator;
  private readonly byName: Map<string, Profile>;
  private readonly clock: () => number;
  private rng: number;
  private readonly ctx: CycleContext;

  constructor(opts: SchedulerOptions = {}) {
    const config = resolveConfig(opts.config);
    this.nominator = new Nominator((n) => {
      if (n.slot !== undefined && this.core.model.pods.isLive(n.slot)) this.core.model.pods.remove(n.slot);
    });
    this.profiles = config.profiles;
    this.byName = new Map(config.profiles.map((p) => [p.schedulerName, p]));
    this.clock = opts.clock ?? Date.now;
    this.core = createCore({ engine: opts.engine ?? 'wasm' });
    this.core.setSeed(opts.seed ?? 1);
    this.rng = Math.imul(opts.seed ?? 1, 0x9e3779b1) >>> 0 || 1;
    const writer = new ProfileWriter(this.core.model);
    for (const p of this.profiles) writer.write(p.index, p.core);
    this.cache = new SchedulerCache(this.core.model, (pod) => this.encodeExisting(pod), this.clock, opts.assumedPodTtlMs ?? 0);
    this.queue = new SchedulingQueue({
      clock: this.clock,
      initialBackoffMs: config.podInitialBackoffSeconds * 1000,
      maxBackoffMs: config.podMaxBackoffSeconds * 1000,
      maxInUnschedulableMs: 5 * 60_000,
      priorityOf: (pod) => this.priorityClasses.priorityOf(pod),
      gatedBy: (pod) => (this.profileFor(pod)?.enabled.preEnqueue.includes('SchedulingGates') && gatedMessage(pod) ? 'SchedulingGates' : undefined),
      eventsOf: (plugin) => pluginByName(plugin)?.events ?? [],
    });
    this.ctx = {
      core: this.core,
      cache: this.cache,
      queue: this.queue,
      nominator: this.nominator,
      pdbs: this.pdbs,
      clock: this.clock,
      priorityOf: (pod) => this.priorityClasses.priorityOf(pod),
      encode: (pod, profile) => encodePod(pod, this.core.model, this.encodeOptions(pod, profile)),
      nominate: (pod, node) => this.nominate(pod, node),
      profileFor: (pod) => this.profileFor(pod),
      randomInt: (n) => this.randomInt(n),
    };
  }

  /** The profile whose schedulerName the pod asks for; pods for other schedulers are not ours. */
  profileFor(pod: V1Pod): Profile | undefined {
    return this.byName.get(pod.spec?.schedulerName || 'default-scheduler');
  }

  // --- cluster state, as informers deliver it ---

  addNode(node: V1Node): void {
    this.cache.upsertNode(node);
    this.event({ resource: 'Node', action: 'Add' });
  }

  updateNode(node: V1Node): void {
    const old = this.cache.node(node.metadata?.name ?? '');
    this.cache.upsertNode(node);
    for (const e of old ? nodeUpdateEvents(old, node) : [{ resource: 'Node', action: 'Add' } as const]) this.event(e);
  }

  deleteNode(name: string): void {
    this.cache.removeNode(name);
    this.event({ resource: 'Node', action: 'Delete' });
  }

  /** A pod appeared: bound pods go into the cache, pending pods this scheduler owns into the queue. */
  addPod(pod: V1Pod): void {
    if (isTerminal(pod)) return;
    if (pod.spec?.nodeName) {
      this.queue.delete(pod);
      this.nominator.clear(key(pod));
      this.cache.addPod(pod);
      this.event({ resource: 'Pod', action: 'Add' });
    } else if (this.profileFor(pod)) {
      this.queue.add(pod);
      const nominated = pod.status?.nominatedNodeName;
      if (nominated) this.nominate(pod, nominated);
    }
  }

  updatePod(pod: V1Pod): void {
    const cached = this.cache.get(key(pod));
    if (isTerminal(pod)) return this.deletePod(pod);
    if (!pod.spec?.nodeName) {
      if (this.profileFor(pod)) this.queue.update(pod);
      return;
    }
    if (!cached || cached.assumed) return this.addPod(pod);
    const old = cached.pod;
    this.cache.updatePod(pod);
    for (const e of podUpdateEvents(old, pod)) this.event(e);
  }

  deletePod(pod: V1Pod): void {
    this.nominator.clear(key(pod));
    if (this.cache.get(key(pod))) {
      this.cache.removePod(pod);
      this.event({ resource: 'Pod', action: 'Delete' });
    } else this.queue.delete(pod);
  }

  upsertNamespace(ns: V1Namespace): void {
    if (!this.namespaces.upsert(ns)) return;
    this.cache.reencodeWhere((p) => hasNamespaceSelector(p.pod));
    this.event({ resource: 'Namespace', action: 'Update' });
  }

  upsertPriorityClass(pc: V1PriorityClass): void {
    this.priorityClasses.upsert(pc);
  }

  upsertPodDisruptionBudget(pdb: V1PodDisruptionBudget): void {
    this.pdbs.upsert(pdb);
  }

  upsertService(s: V1Service): void {
    this.workloads.upsertService(s);
  }

  upsertController(kind: 'ReplicationController' | 'ReplicaSet' | 'StatefulSet', obj: V1ReplicationController | V1ReplicaSet | V1StatefulSet): void {
    this.workloads.upsertController(kind, obj);
  }

  // --- scheduling ---

  /** One scheduling cycle for the next pod in the active queue; undefined when it is empty. */
  scheduleOne(): ScheduleResult | undefined {
    return runCycle(this.ctx);
  }

  /**
   * Up to `max` cycles through the core's batch call: pods of one profile, each placed before the next is
   * evaluated, exactly as if scheduled one at a time.
   */
  scheduleBatch(max: number): ScheduleResult[] {
    return runBatch(this.ctx, max);
  }

  /** The binding went through: the assumed pod stays until the informer confirms it. */
  bindingSucceeded(pod: V1Pod): void {
    this.cache.finishBinding(pod);
  }

  /** The binding failed: undo the assume and retry the pod after backoff. */
  bindingFailed(pod: V1Pod): void {
    this.cache.forget(pod);
    this.queue.add(pod);
    this.event({ resource: 'Pod', action: 'Delete' });
  }

  /** Periodic work: backoff expiry, long-unschedulable retries, expired assumed pods. */
  tick(): void {
    this.queue.flush();
    for (const p of this.cache.cleanupExpired()) this.queue.add(p.pod);
  }

  /** Records a nomination and places the pod's record on the node so others cannot take its room. */
  private nominate(pod: V1Pod, node: string): void {
    const model = this.core.model;
    let slot: number | undefined;
    if (this.cache.node(node)) {
      try {
        slot = model.pods.add(this.encodeExisting(pod));
        model.pods.place(slot, model.slotFor(node));
      } catch {
        // A pod that cannot be encoded still gets its nomination recorded, just without a reservation.
        slot = undefined;
      }
    }
    this.nominator.set(pod, node, this.priorityClasses.priorityOf(pod), slot);
  }

  private event(e: ClusterEvent): void {
    this.queue.onEvent(e);
  }

  private randomInt(n: number): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return Math.floor((this.rng * n) / 4294967296);
  }

  private encodeOptions(pod: V1Pod, profile: Profile | undefined): EncodeOptions {
    const own = (pod.spec?.topologySpreadConstraints?.length ?? 0) > 0;
    return {
      priority: this.priorityClasses.priorityOf(pod),
      defaultSpread: profile ? effectiveDefaults(profile.spread) : { constraints: [], systemDefaulted: true },
      defaultSelector: profile && !own ? this.workloads.defaultSelector(pod) : [],
      namespacesMatching: (sel) => this.namespaces.matching(sel),
    };
  }

  private encodeExisting(pod: V1Pod): Int32Array {
    return encodePod(pod, this.core.model, this.encodeOptions(pod, undefined));
  }
}

/** The scheduler factory: `engine` 'wasm' (default) or 'ts'; both make identical decisions. */
export function createScheduler(opts: SchedulerOptions = {}): Scheduler {
  return new Scheduler(opts);
}

function key(pod: V1Pod): string {
  return `${pod.metadata?.namespace || 'default'}/${pod.metadata?.name ?? ''}`;
}

function isTerminal(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function hasNamespaceSelector(pod: V1Pod): boolean {
  const a = pod.spec?.affinity;
  const terms = [
    ...(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm),
    ...(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm),
  ];
  return terms.some((t) => t?.namespaceSelector !== undefined);
}
