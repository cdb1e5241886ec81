import { Reason } from '../core/codes.js';
import type { CycleResult, NodeStatus } from '../core/engine.js';
import type { CoreModel } from '../model/core-model.js';
import type { PluginDescriptor } from './interface.js';
import { pluginByName } from './registry.js';

export type StatusCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** Why one node was rejected: the plugin, its status code and the reasons in words. */
export interface NodeVerdict {
  code: StatusCode;
  plugin: string;
  reasons: string[];
}

/**
 * The scheduling attempt's failure record (framework.Diagnosis): rejected nodes by name, the plugins that
 * rejected any (the queue uses them to decide which cluster events may help), and PostFilter's message.
 */
export interface Diagnosis {
  nodeToStatus: Map<string, NodeVerdict>;
  /** The same verdicts by node slot (what preemption walks). */
  bySlot?: Map<number, NodeVerdict>;
  unschedulablePlugins: Set<string>;
  postFilterMsg?: string;
}

const pluginOfReason: Record<number, string> = {
  [Reason.NodeUnschedulable]: 'NodeUnschedulable',
  [Reason.NodeName]: 'NodeName',
  [Reason.Taint]: 'TaintToleration',
  [Reason.NodeAffinity]: 'NodeAffinity',
  [Reason.NodePorts]: 'NodePorts',
  [Reason.Fit]: 'NodeResourcesFit',
  [Reason.SpreadMissingLabel]: 'PodTopologySpread',
  [Reason.SpreadSkew]: 'PodTopologySpread',
  [Reason.PodAffinity]: 'InterPodAffinity',
  [Reason.PodAntiAffinity]: 'InterPodAffinity',
  [Reason.ExistingAntiAffinity]: 'InterPodAffinity',
};

/** The verdict for one kernel status, in kube-scheduler's words. */
export function verdictOf(model: CoreModel, s: NodeStatus): NodeVerdict {
  const name = pluginOfReason[s.reason];
  if (!name) throw new Error(`diagnosis: unknown reason code ${s.reason}`);
  const plugin = pluginByName(name) as PluginDescriptor<unknown>;
  const ctx = { node: model.nodeAt(s.node), resourceName: (col: number) => model.ids.resources.name(col) };
  return {
    plugin: name,
    code: plugin.unresolvable?.(s.reason, s.detail) ? 'UnschedulableAndUnresolvable' : 'Unschedulable',
    reasons: plugin.explain!(s.reason, s.detail, ctx),
  };
}

/** The diagnosis of a failed cycle, read straight from the core's status columns. */
export function diagnoseCycle(model: CoreModel, r: CycleResult): Diagnosis {
  const v = model.table.v;
  const total = model.orderLength;
  const bySlot = new Map<number, NodeVerdict>();
  let byName: Map<string, NodeVerdict> | undefined;
  const d: Diagnosis = {
    // Names are looked up only if someone asks; the message and preemption work from slots.
    get nodeToStatus() {
      byName ??= new Map([...bySlot].map(([slot, verdict]) => [model.nodeName(slot), verdict]));
      return byName;
    },
    bySlot,
    unschedulablePlugins: new Set(),
  };
  const memo = new Map<number, NodeVerdict>();
  const s: NodeStatus = { node: 0, reason: 0, detail: 0 };
  for (let i = 0; i < r.processed; i++) {
    const n = v.order[(r.start + i) % total]!;
    const reason = v.status[n]!;
    if (reason === Reason.Pass) continue;
    s.node = n;
    s.reason = reason;
    s.detail = reason === Reason.Taint || reason === Reason.Fit ? v.detail[n]! : 0;
    let verdict: NodeVerdict | undefined;
    if (reason === Reason.Taint) verdict = verdictOf(model, s);
    else {
      const key = reason * 2 ** 32 + (s.detail >>> 0);
      verdict = memo.get(key);
      if (!verdict) {
        verdict = verdictOf(model, s);
        memo.set(key, verdict);
      }
    }
    bySlot.set(n, verdict);
    d.unschedulablePlugins.add(verdict.plugin);
  }
  return d;
}

export function diagnose(model: CoreModel, statuses: readonly NodeStatus[]): Diagnosis {
  const d: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
  // Verdicts are shared between nodes rejected the same way; only a taint's words depend on the node.
  const memo = new Map<number, NodeVerdict>();
  for (const s of statuses) {
    if (s.reason === Reason.Pass) continue;
    let v: NodeVerdict | undefined;
    if (s.reason === Reason.Taint) v = verdictOf(model, s);
    else {
      const key = s.reason * 2 ** 32 + (s.detail >>> 0);
      v = memo.get(key);
      if (!v) {
        v = verdictOf(model, s);
        memo.set(key, v);
      }
    }
    d.nodeToStatus.set(model.nodeName(s.node), v);
    d.unschedulablePlugins.add(v.plugin);
  }
  return d;
}

/** Go's sort.Strings order: bytewise over UTF-8. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * FitError.Error(): "0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint {k: v}."
 * Reasons are counted over rejected nodes, formatted "<count> <reason>" and sorted as strings; PostFilter's
 * message follows after a space, with its own trailing period (hence kube-scheduler's ".." endings).
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  // Verdicts are shared between nodes rejected alike, so count verdicts first and their reasons after.
  const perVerdict = new Map<NodeVerdict, number>();
  for (const v of (d.bySlot ?? d.nodeToStatus).values()) perVerdict.set(v, (perVerdict.get(v) ?? 0) + 1);
  const counts = new Map<string, number>();
  for (const [v, n] of perVerdict) for (const r of v.reasons) counts.set(r, (counts.get(r) ?? 0) + n);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort(compareBytes);
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}.`;
  return msg;
}

/** The message for a cycle that found no nodes at all. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';
