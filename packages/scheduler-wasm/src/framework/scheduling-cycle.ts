import type { V1Pod } from '@kubernetes/client-node';
import type { DisruptionBudgets } from '../cache/disruption-budgets.js';
import type { SchedulerCache } from '../cache/scheduler-cache.js';
import type { CycleResult, SchedulingCore } from '../core/engine.js';
import { isSchedulerError, SchedulerError } from '../errors.js';
import { preempt } from '../plugins/default-preemption/preemption.js';
import type { Nominator } from '../queue/nominator.js';
import type { QueuedPod } from '../queue/queued-pod.js';
import type { SchedulingQueue } from '../queue/scheduling-queue.js';
import { diagnoseCycle, fitErrorMessage, NO_NODES_MESSAGE } from './diagnosis.js';
import type { Profile } from './profile.js';
import type { ScheduleResult } from './schedule-result.js';

/** What a scheduling cycle works with; passed explicitly, one per scheduler. */
export interface CycleContext {
  core: SchedulingCore;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  nominator: Nominator;
  pdbs: DisruptionBudgets;
  clock: () => number;
  priorityOf(pod: V1Pod): number;
  encode(pod: V1Pod, profile: Profile): Int32Array;
  /** Records a nomination and reserves its room on the node in the core. */
  nominate(pod: V1Pod, node: string): void;
  profileFor(pod: V1Pod): Profile | undefined;
  randomInt(n: number): number;
}

/** A popped pod on its way through one cycle. */
interface Attempt {
  qp: QueuedPod;
  profile: Profile;
  cycle: number;
  slot: number;
}

export function runCycle(ctx: CycleContext): ScheduleResult | undefined {
  const qp = ctx.queue.pop();
  if (!qp) return undefined;
  ctx.cache.updateSnapshot();
  const a = prepare(ctx, qp);
  if ('kind' in a) return a;
  return single(ctx, a);
}

/**
 * RunFilterPluginsWithNominatedPods, simplified: a pod nominated by an earlier preemption keeps its record placed
 * on its nominated node, so pods of lower or equal priority cannot take the room it preempted for. For this
 * cycle, nominations of lower priority than the pod (and the pod's own) are lifted. (kube-scheduler adds
 * nominated pods for filtering only and also checks the pod fits without them; here they stay for scoring too
 * and that second check is skipped.)
 */
function withNominatedPods(ctx: CycleContext, a: Attempt, fn: () => ScheduleResult): ScheduleResult {
  if (ctx.nominator.size === 0) return fn();
  const pods = ctx.core.model.pods;
  const priority = ctx.priorityOf(a.qp.pod);
  const lifted: [number, number][] = [];
  ctx.nominator.forEach((n) => {
    if (n.slot === undefined || (n.key !== a.qp.key && n.priority >= priority)) return;
    const node = pods.nodeOf(n.slot);
    if (node < 0) return;
    pods.unplace(n.slot);
    lifted.push([n.slot, node]);
  });
  try {
    return fn();
  } finally {
    for (const [slot, node] of lifted) if (pods.isLive(slot)) pods.place(slot, node);
  }
}

/** One pod's cycle on its own: nominated pods reserved, its own nominated node tried first. */
function single(ctx: CycleContext, a: Attempt): ScheduleResult {
  return withNominatedPods(ctx, a, () => {
    const nominated = tryNominatedNode(ctx, a);
    if (nominated) return nominated;
    const r = ctx.core.schedule(a.slot, a.profile.index, true);
    return r.outcome === 'scheduled' ? success(ctx, a, r.node, r) : failure(ctx, a, r);
  });
}

/** The node an earlier preemption nominated for this pod: ours, or the one in its status. */
function nominatedNodeOf(ctx: CycleContext, a: Attempt): string | undefined {
  return ctx.nominator.nodeFor(a.qp.key) ?? a.qp.pod.status?.nominatedNodeName;
}

/** Pods of one profile through the core's batch call; a failing pod is handled in between, then the batch resumes. */
export function runBatch(ctx: CycleContext, max: number): ScheduleResult[] {
  const results: ScheduleResult[] = [];
  ctx.cache.updateSnapshot();
  while (results.length < max) {
    const first = ctx.queue.pop();
    if (!first) break;
    const a = prepare(ctx, first);
    if ('kind' in a) {
      results.push(a);
      continue;
    }
    // Nominations change what other pods may take, so those cycles run one at a time.
    if (nominatedNodeOf(ctx, a) || ctx.nominator.size > 0) {
      results.push(single(ctx, a));
      continue;
    }
    const run: Attempt[] = [a];
    while (results.length + run.length < max) {
      const next = ctx.queue.peek();
      if (!next || ctx.nominator.size > 0 || next.pod.status?.nominatedNodeName || ctx.profileFor(next.pod) !== a.profile) break;
      const b = prepare(ctx, ctx.queue.pop()!);
      if ('kind' in b) {
        results.push(b);
        continue;
      }
      run.push(b);
    }
    let offset = 0;
    while (offset < run.length) {
      if (ctx.nominator.size > 0) {
        // A failure just nominated a node: the rest of this run must see that reservation.
        for (const x of run.slice(offset)) results.push(single(ctx, x));
        break;
      }
      const slots = run.slice(offset).map((x) => x.slot);
      const out = ctx.core.scheduleBatch(slots, a.profile.index);
      for (let k = 0; k < out.done; k++) results.push(success(ctx, run[offset + k]!, out.nodes[k]!));
      if (out.done < slots.length) results.push(failure(ctx, run[offset + out.done]!, out.last));
      offset += out.done + 1;
    }
  }
  return results;
}

function prepare(ctx: CycleContext, qp: QueuedPod): Attempt | ScheduleResult {
  const cycle = ctx.queue.schedulingCycle;
  const profile = ctx.profileFor(qp.pod);
  const schedulerName = qp.pod.spec?.schedulerName || 'default-scheduler';
  if (!profile) {
    ctx.queue.done(qp.key);
    return { kind: 'error', pod: qp.pod, schedulerName, error: new SchedulerError('UnknownProfile', schedulerName) };
  }
  try {
    return { qp, profile, cycle, slot: ctx.core.model.pods.add(ctx.encode(qp.pod, profile)) };
  } catch (e) {
    if (!isSchedulerError(e)) throw e;
    // A malformed pod only gets better when it is updated: park it where no cluster event moves it.
    ctx.queue.requeueUnschedulable(qp, new Set(['InvalidPod']), cycle);
    return { kind: 'error', pod: qp.pod, schedulerName, error: e };
  }
}

/** A pod nominated by an earlier preemption tries its nominated node first (evaluateNominatedNode). */
function tryNominatedNode(ctx: CycleContext, a: Attempt): ScheduleResult | undefined {
  const name = nominatedNodeOf(ctx, a);
  if (!name || !ctx.cache.node(name)) return undefined;
  const model = ctx.core.model;
  const slot = model.nodeSlot(name)!;
  if (ctx.core.filterOne(a.slot, a.profile.index, slot).reason !== 0) return undefined;
  model.pods.place(a.slot, slot);
  return success(ctx, a, slot);
}

function success(ctx: CycleContext, a: Attempt, node: number, r?: CycleResult): ScheduleResult {
  const nodeName = ctx.core.model.nodeName(node);
  ctx.cache.assume(a.qp.pod, nodeName, a.slot);
  ctx.queue.done(a.qp.key);
  ctx.nominator.clear(a.qp.key);
  return {
    kind: 'scheduled',
    pod: a.qp.pod,
    nodeName,
    schedulerName: a.profile.schedulerName,
    evaluatedNodes: r?.processed,
    feasibleNodes: r?.feasible,
  };
}

function failure(ctx: CycleContext, a: Attempt, r: CycleResult): ScheduleResult {
  const { core, cache } = ctx;
  const model = core.model;
  const pod = a.qp.pod;
  const base = { kind: 'unschedulable' as const, pod, schedulerName: a.profile.schedulerName, victims: [] as V1Pod[], clearNominated: [] as V1Pod[] };
  if (r.outcome === 'no-nodes') {
    model.pods.remove(a.slot);
    ctx.queue.requeueUnschedulable(a.qp, new Set(), a.cycle);
    return { ...base, message: NO_NODES_MESSAGE, unschedulablePlugins: [] };
  }
  const diagnosis = diagnoseCycle(model, r);
  let extra: Pick<ScheduleResult & { kind: 'unschedulable' }, 'nominatedNodeName' | 'victims' | 'clearNominated'> = { victims: [], clearNominated: [] };
  if (a.profile.preemption) {
    const p = preempt({
      pod,
      priority: ctx.priorityOf(pod),
      slot: a.slot,
      profile: a.profile.index,
      args: a.profile.preemption,
      diagnosis,
      nodes: Array.from(model.table.v.order.subarray(0, model.orderLength)),
      core,
      cache,
      pdbs: ctx.pdbs,
      priorityOf: ctx.priorityOf,
      randomInt: ctx.randomInt,
      nominatedTo: (n) => ctx.nominator.podsOn(n),
      now: ctx.clock(),
    });
    diagnosis.postFilterMsg = p.message;
    if (p.nominatedNodeName) {
      ctx.nominate(pod, p.nominatedNodeName);
      for (const c of p.clearNominated) ctx.nominator.clear(`${c.metadata?.namespace || 'default'}/${c.metadata?.name ?? ''}`);
    }
    extra = { nominatedNodeName: p.nominatedNodeName, victims: p.victims, clearNominated: p.clearNominated };
  }
  model.pods.remove(a.slot);
  ctx.queue.requeueUnschedulable(a.qp, diagnosis.unschedulablePlugins, a.cycle);
  return {
    ...base,
    ...extra,
    message: fitErrorMessage(model.orderLength, diagnosis),
    unschedulablePlugins: [...diagnosis.unschedulablePlugins].sort(),
  };
}
