import type { CoreModel } from '../model/core-model.js';

export type EngineKind = 'wasm' | 'ts';

export interface EngineOptions {
  /** Which kernel runs the filter/score loop; both give identical results. Default 'wasm'. */
  engine?: EngineKind;
}

/**
 * What a kernel does over the shared table. Results go to the table's result region, per-node status columns
 * and header (see codes.ts); `filterOne` returns the reason directly.
 */
export interface Kernel {
  schedule(slot: number, profile: number, assume: boolean): void;
  /** Runs the pod slots already written to the batch region. */
  batch(count: number, profile: number): void;
  filterOne(slot: number, profile: number, node: number): number;
  /** The preemption dry run over the `count` node slots in the batch region (see SchedulingCore.preemptDryRun). */
  preempt(slot: number, profile: number, count: number, wanted: number): void;
}

/** One node of a preemption dry run. */
export interface DryRunNode {
  node: number;
  /** 0: a candidate; NO_VICTIMS_REASON: nothing to evict; otherwise the filter's reason with all victims gone. */
  reason: number;
  detail: number;
  /** Pod slots to evict, most important first. */
  victims: number[];
}

export type CycleOutcome = 'scheduled' | 'unschedulable' | 'no-nodes';

/** One cycle's result. Per-node statuses of the evaluated nodes are read with `SchedulingCore.statuses`. */
export interface CycleResult {
  outcome: CycleOutcome;
  /** The chosen node's slot, or -1. */
  node: number;
  /** Nodes the filters looked at (from `start` in iteration order), and how many passed. */
  processed: number;
  feasible: number;
  start: number;
  /** Nodes rejected per Reason code (index = Reason value; index 0 unused). */
  rejected: number[];
}

export interface NodeStatus {
  node: number;
  reason: number;
  detail: number;
}

/** The scheduling core: the table model and one kernel. Everything above it is engine-agnostic. */
export interface SchedulingCore {
  readonly kind: EngineKind;
  readonly model: CoreModel;
  /** One cycle for the pod in `slot`; with `assume`, the pod is placed on the chosen node. */
  schedule(slot: number, profile: number, assume: boolean): CycleResult;
  /**
   * Schedules the slots in order, placing each pod before the next is evaluated. Stops at the first pod that
   * fits nowhere: `done` is its index (or slots.length), and `last` is that pod's cycle result.
   */
  scheduleBatch(slots: ArrayLike<number>, profile: number): { done: number; nodes: Int32Array; last: CycleResult };
  /** PreFilter + Filter of one pod against one node: the rejection reason and detail (reason 0 = fits). */
  filterOne(slot: number, profile: number, node: number): NodeStatus;
  /**
   * DefaultPreemption's dry run inside the core, for clusters without PodDisruptionBudgets: on each node in
   * order, take every lower-priority pod off, check the pod fits, then put victims back most important first
   * while it still fits. Stops once `wanted` candidates are found, then picks one as pickOneNodeForPreemption
   * does. The table is left as it was. `rejected` (the nodes that are no candidate) is filled only when no
   * candidate was found, for the FailedScheduling message.
   */
  preemptDryRun(slot: number, profile: number, nodes: readonly number[], wanted: number): { chosen?: DryRunNode; rejected: DryRunNode[] };
  /** The statuses of the nodes the last cycle evaluated, in evaluation order. */
  statuses(result: CycleResult): NodeStatus[];
  setSeed(seed: number): void;
}
