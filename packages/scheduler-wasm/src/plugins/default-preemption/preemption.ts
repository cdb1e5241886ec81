import type { V1Pod } from '@kubernetes/client-node';
import type { CachedPod, SchedulerCache } from '../../cache/scheduler-cache.js';
import type { DisruptionBudgets } from '../../cache/disruption-budgets.js';
import { NO_VICTIMS_REASON } from '../../core/codes.js';
import type { SchedulingCore } from '../../core/engine.js';
import { fitErrorMessage, verdictOf, type Diagnosis, type NodeVerdict } from '../../framework/diagnosis.js';
import { moreImportant, pickCandidate, type Candidate, type Victim } from './candidate.js';
import type { DefaultPreemptionArgs } from './plugin.js';

export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/** Everything one preemption attempt reads; the pod's record is already in the core at `slot`. */
export interface PreemptionInput {
  pod: V1Pod;
  priority: number;
  slot: number;
  profile: number;
  args: DefaultPreemptionArgs;
  diagnosis: Diagnosis;
  /** All node slots, in the filter loop's order. */
  nodes: readonly number[];
  core: SchedulingCore;
  cache: SchedulerCache;
  pdbs: DisruptionBudgets;
  priorityOf(pod: V1Pod): number;
  /** Uniform integer in [0, n), from the scheduler's seeded RNG. */
  randomInt(n: number): number;
  /** Pods currently nominated to a node (their nominations are cleared when a lower-priority one loses out). */
  nominatedTo(node: string): V1Pod[];
  now: number;
}

export interface PreemptionResult {
  /** Set when preemption found room: evict `victims` there and nominate the pod. */
  nominatedNodeName?: string;
  victims: V1Pod[];
  /** Lower-priority pods nominated to the same node, whose nominations must be cleared. */
  clearNominated: V1Pod[];
  /** PostFilter's message when preemption cannot help ("preemption: ..."). */
  message?: string;
}

/**
 * DefaultPreemption's PostFilter. Dry-runs eviction on the nodes where the filters' rejections were resolvable,
 * starting at a random offset and stopping once enough candidates are found: all lower-priority pods are taken
 * off the node in the core; if the pod still does not fit, the node is out; otherwise victims are reprieved one
 * by one, most important first (PDB-violating ones before the rest), keeping each whose return still lets the
 * pod fit. The core is restored after every node.
 */
export function preempt(input: PreemptionInput): PreemptionResult {
  const none = (message: string): PreemptionResult => ({ victims: [], clearNominated: [], message: `preemption: ${message}` });
  const { pod, diagnosis } = input;
  if (pod.spec?.preemptionPolicy === 'Never') return none('not eligible due to preemptionPolicy=Never.');
  const nominated = pod.status?.nominatedNodeName;
  if (nominated && diagnosis.nodeToStatus.get(nominated)?.code !== 'UnschedulableAndUnresolvable') {
    const blocking = input.cache.podsOn(nominated).some((p) => input.priorityOf(p.pod) < input.priority && terminatingByPreemption(p.pod));
    if (blocking) return none('not eligible due to a terminating pod on the nominated node.');
  }

  const model = input.core.model;
  const statuses = new Map<string, NodeVerdict>();
  const potential: number[] = [];
  const verdictOfSlot = (n: number): NodeVerdict | undefined => (diagnosis.bySlot ? diagnosis.bySlot.get(n) : diagnosis.nodeToStatus.get(model.nodeName(n)));
  for (const n of input.nodes) {
    if (verdictOfSlot(n)?.code === 'UnschedulableAndUnresolvable') statuses.set(model.nodeName(n), notHelpful);
    else potential.push(n);
  }
  const candidates: Candidate[] = [];
  if (potential.length > 0) {
    const offset = input.randomInt(potential.length);
    const wanted = numCandidates(potential.length, input.args);
    if (input.pdbs.size === 0) dryRunInCore(input, potential, offset, wanted, candidates, statuses);
    else dryRunHere(input, potential, offset, wanted, candidates, statuses);
  }
  const ordered = [...candidates.filter((c) => c.pdbViolations === 0), ...candidates.filter((c) => c.pdbViolations > 0)];

  const best = pickCandidate(ordered, input.now);
  if (!best) {
    const d: Diagnosis = { nodeToStatus: statuses, unschedulablePlugins: new Set() };
    return none(fitErrorMessage(statuses.size, d));
  }
  const clearNominated = input.nominatedTo(best.node).filter((p) => input.priorityOf(p) < input.priority);
  return { nominatedNodeName: best.node, victims: best.victims.map((v) => v.pod), clearNominated };
}

const noVictims: NodeVerdict = { code: 'UnschedulableAndUnresolvable', plugin: 'DefaultPreemption', reasons: [NO_VICTIMS] };
const notHelpful: NodeVerdict = { code: 'UnschedulableAndUnresolvable', plugin: 'DefaultPreemption', reasons: [NOT_HELPFUL] };

/**
 * Without PodDisruptionBudgets every victim is non-violating, and the core runs the whole dry run and picks the
 * candidate itself; only a failure comes back node by node.
 */
function dryRunInCore(input: PreemptionInput, potential: number[], offset: number, wanted: number, candidates: Candidate[], statuses: Map<string, NodeVerdict>): void {
  const model = input.core.model;
  const slots = potential.map((_, i) => potential[(offset + i) % potential.length]!);
  const { chosen, rejected } = input.core.preemptDryRun(input.slot, input.profile, slots, wanted);
  if (chosen) {
    const victims = chosen.victims.map((slot) => {
      const p = input.cache.bySlotOf(slot)!;
      return { pod: p.pod, priority: input.priorityOf(p.pod), slot };
    });
    candidates.push({ node: model.nodeName(chosen.node), victims, pdbViolations: 0 });
    return;
  }
  for (const d of rejected) statuses.set(model.nodeName(d.node), d.reason === NO_VICTIMS_REASON ? noVictims : verdictOf(model, d));
}

/** The same dry run node by node from here, spending PodDisruptionBudgets as victims are chosen. */
function dryRunHere(input: PreemptionInput, potential: number[], offset: number, wanted: number, candidates: Candidate[], statuses: Map<string, NodeVerdict>): void {
  let nonViolating = 0;
  for (let i = 0; i < potential.length; i++) {
    const node = input.core.model.nodeName(potential[(offset + i) % potential.length]!);
    const out = selectVictims(input, node);
    if ('verdict' in out) {
      statuses.set(node, out.verdict);
      continue;
    }
    candidates.push(out);
    if (out.pdbViolations === 0) nonViolating++;
    if (nonViolating > 0 && candidates.length >= wanted) break;
  }
}

function numCandidates(nodes: number, args: DefaultPreemptionArgs): number {
  let n = Math.trunc((nodes * args.minCandidateNodesPercentage) / 100);
  if (n < args.minCandidateNodesAbsolute) n = args.minCandidateNodesAbsolute;
  return Math.min(n, nodes);
}

function terminatingByPreemption(pod: V1Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler');
}

function selectVictims(input: PreemptionInput, node: string): Candidate | { verdict: NodeVerdict } {
  const { core, cache } = input;
  const model = core.model;
  const nodeSlot = model.nodeSlot(node)!;
  const lower: Victim[] = cache
    .podsOn(node)
    .map((p: CachedPod) => ({ pod: p.pod, priority: input.priorityOf(p.pod), slot: p.slot }))
    .filter((v) => v.priority < input.priority);
  if (lower.length === 0) return { verdict: noVictims };
  const fits = (): ReturnType<SchedulingCore['filterOne']> => core.filterOne(input.slot, input.profile, nodeSlot);
  for (const v of lower) model.pods.unplace(v.slot);
  try {
    const first = fits();
    if (first.reason !== 0) return { verdict: verdictOf(model, first) };
    lower.sort((a, b) => (moreImportant(a, b, input.now) ? -1 : moreImportant(b, a, input.now) ? 1 : 0));
    const { violating, nonViolating } = input.pdbs.split(lower);
    const victims: Victim[] = [];
    let pdbViolations = 0;
    const reprieve = (v: Victim): boolean => {
      model.pods.place(v.slot, nodeSlot);
      if (fits().reason === 0) return true;
      model.pods.unplace(v.slot);
      victims.push(v);
      return false;
    };
    for (const v of violating) if (!reprieve(v)) pdbViolations++;
    for (const v of nonViolating) reprieve(v);
    if (violating.length > 0 && nonViolating.length > 0) {
      victims.sort((a, b) => (moreImportant(a, b, input.now) ? -1 : moreImportant(b, a, input.now) ? 1 : 0));
    }
    // The pod fits with every lower-priority pod back: nothing to evict here (kube-scheduler reports an error).
    if (victims.length === 0) return { verdict: noVictims };
    return { node, victims, pdbViolations };
  } finally {
    for (const v of lower) if (model.pods.nodeOf(v.slot) < 0) model.pods.place(v.slot, nodeSlot);
  }
}
