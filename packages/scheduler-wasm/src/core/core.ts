import { CycleStatus, Hdr, PreOut, Reason, REASON_COUNT, Res } from './codes.js';
import type { CycleResult, DryRunNode, EngineKind, Kernel, NodeStatus, SchedulingCore } from './engine.js';
import { seedState } from './rng.js';
import type { CoreModel } from '../model/core-model.js';

const outcomes = ['scheduled', 'unschedulable', 'no-nodes'] as const;

/** Only TaintToleration and NodeResourcesFit write a detail word; the kernels leave it stale otherwise. */
function detailOf(reason: number, detail: number): number {
  return reason === Reason.Taint || reason === Reason.Fit ? detail : 0;
}

/** SchedulingCore over any kernel: moves inputs into the table and reads results back out. */
export class Core implements SchedulingCore {
  constructor(
    readonly kind: EngineKind,
    readonly model: CoreModel,
    private readonly kernel: Kernel,
  ) {
    this.setSeed(1);
  }

  schedule(slot: number, profile: number, assume: boolean): CycleResult {
    this.kernel.schedule(slot, profile, assume);
    return this.result();
  }

  scheduleBatch(slots: ArrayLike<number>, profile: number): { done: number; nodes: Int32Array; last: CycleResult } {
    const t = this.model.table;
    t.reserve({ pods: slots.length });
    t.v.batch.set(slots as ArrayLike<number>);
    this.kernel.batch(slots.length, profile);
    const done = t.v.res[Res.BatchDone]!;
    const nodes = t.v.batchOut.slice(0, Math.min(slots.length, done + 1));
    return { done, nodes, last: this.result() };
  }

  filterOne(slot: number, profile: number, node: number): NodeStatus {
    const reason = this.kernel.filterOne(slot, profile, node);
    return { node, reason, detail: detailOf(reason, this.model.table.v.detail[node]!) };
  }

  preemptDryRun(slot: number, profile: number, nodes: readonly number[], wanted: number): { chosen?: DryRunNode; rejected: DryRunNode[] } {
    const t = this.model.table;
    t.reserve({ pods: nodes.length });
    t.v.batch.set(nodes);
    this.kernel.preempt(slot, profile, nodes.length, wanted);
    const v = t.v;
    const entry = (at: number): DryRunNode => {
      const count = v.preOut[at + PreOut.Victims]!;
      const reason = v.preOut[at + PreOut.Reason]!;
      return {
        node: v.preOut[at + PreOut.Node]!,
        reason,
        detail: detailOf(reason, v.preOut[at + PreOut.Detail]!),
        victims: Array.from(v.preOut.subarray(at + PreOut.Slots, at + PreOut.Slots + count)),
      };
    };
    const chosen = v.res[Res.Chosen]!;
    if (chosen >= 0) return { chosen: entry(chosen), rejected: [] };
    const rejected: DryRunNode[] = [];
    const examined = v.res[Res.BatchDone]!;
    for (let i = 0, at = 0; i < examined; i++) {
      rejected.push(entry(at));
      at += PreOut.Slots + v.preOut[at + PreOut.Victims]!;
    }
    return { rejected };
  }

  statuses(r: CycleResult): NodeStatus[] {
    const v = this.model.table.v;
    const total = v.hdr[Hdr.OrderLen]!;
    const out: NodeStatus[] = [];
    for (let i = 0; i < r.processed; i++) {
      const n = v.order[(r.start + i) % total]!;
      out.push({ node: n, reason: v.status[n]!, detail: detailOf(v.status[n]!, v.detail[n]!) });
    }
    return out;
  }

  setSeed(seed: number): void {
    this.model.table.v.hdr[Hdr.RngState] = seedState(seed);
  }

  private result(): CycleResult {
    const res = this.model.table.v.res;
    const status = res[Res.Status]!;
    if (status < 0 || status > CycleStatus.NoNodes) throw new Error(`core: bad cycle status ${status}`);
    return {
      outcome: outcomes[status]!,
      node: res[Res.Node]!,
      processed: res[Res.Processed]!,
      feasible: res[Res.Feasible]!,
      start: res[Res.Start]!,
      rejected: Array.from(res.subarray(Res.Reasons, Res.Reasons + REASON_COUNT)),
    };
  }
}
