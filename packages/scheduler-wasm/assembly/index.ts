// The scheduling kernel's exports over the shared node table (layout in src/core/layout.ts, record formats in
// src/core/codes.ts). Exports return CallStatus codes; src/wasm.ts maps them to errors.
import { CallStatus, CycleStatus, MAX_PROFILES, Res } from './codes';
import { cycle, evaluate } from './cycle';
import { gBatch, gBatchOut, gNodeCap, gRes, ld, readDescriptor, st } from './layout';
import { dryRun } from './preemption';

/** Where the module's own data ends; the table may start here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Reads the region descriptor at `desc` (written by src/core/core-table.ts); call after every re-layout. */
export function configure(desc: usize): i32 {
  readDescriptor(desc);
  return CallStatus.Ok;
}

export function schedule(slot: i32, profile: i32, assume: i32): i32 {
  if (profile < 0 || profile >= MAX_PROFILES) return CallStatus.BadProfile;
  cycle(slot, profile, assume != 0);
  return CallStatus.Ok;
}

/** Schedules the `count` pod slots in the batch region, assuming each onto its node; stops at the first failure. */
export function batch(count: i32, profile: i32): i32 {
  if (profile < 0 || profile >= MAX_PROFILES) return CallStatus.BadProfile;
  for (let k = 0; k < count; k++) {
    const status = cycle(ld(gBatch, k), profile, true);
    st(gBatchOut, k, status == CycleStatus.Scheduled ? ld(gRes, Res.Node) : -1);
    if (status != CycleStatus.Scheduled) {
      st(gRes, Res.BatchDone, k);
      return CallStatus.Ok;
    }
  }
  st(gRes, Res.BatchDone, count);
  return CallStatus.Ok;
}

/** PreFilter and Filter of one pod against one node; returns the reason (0 passes). */
export function filterOne(slot: i32, profile: i32, node: i32): i32 {
  if (profile < 0 || profile >= MAX_PROFILES) return -CallStatus.BadProfile;
  if (node < 0 || node >= gNodeCap) return -CallStatus.BadNode;
  return evaluate(slot, profile, node);
}

/** The preemption dry run over the `count` node slots in the batch region (see assembly/preemption.ts). */
export function preempt(slot: i32, profile: i32, count: i32, wanted: i32): i32 {
  if (profile < 0 || profile >= MAX_PROFILES) return CallStatus.BadProfile;
  dryRun(slot, profile, count, wanted);
  return CallStatus.Ok;
}

