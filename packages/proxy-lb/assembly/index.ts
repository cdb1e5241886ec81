// The module's exports. Every function returns a status (status.ts) or a value; nothing traps on bad input
// except running out of memory. Batch calls read and write the scratch region:
//
//   scratchInput()                       scratchOutput()                 scratchExclude()
//   +-----------------------------------+-------------------------------+--------------------+
//   | BATCH x 5 words (lookup records,   | BATCH x i32 backend slots or  | EXCLUDE x i32      |
//   |  or BATCH x 2 words for picks)     |  negative statuses            | slots to skip      |
//   +-----------------------------------+-------------------------------+--------------------+
import { allocZeroed, mix32 } from './memory-block';
import * as ct from './conntrack';
import * as reg from './registry';
import { schedule, scheduleBatch, setExcludeRegion } from './schedule';
import { prepare } from './tables';
import { INVALID_ARGUMENT, OK, UNKNOWN_BACKEND, UNKNOWN_SERVICE } from './status';

const BATCH: i32 = 4096;
const EXCLUDE: i32 = 64;
const MAX_FLOWS: i32 = 1 << 24;

let inputPtr: usize = 0;
let outputPtr: usize = 0;
let excludePtr: usize = 0;

export function init(maxServices: i32, maxBackends: i32, maxFlows: i32): i32 {
  if (inputPtr != 0) return INVALID_ARGUMENT;
  if (maxServices < 1 || maxBackends < 1 || maxFlows < 1 || maxFlows > MAX_FLOWS) return INVALID_ARGUMENT;
  inputPtr = allocZeroed(<usize>BATCH * 20);
  outputPtr = allocZeroed(<usize>BATCH * 4);
  excludePtr = allocZeroed(<usize>EXCLUDE * 4);
  setExcludeRegion(excludePtr);
  reg.initRegistry(maxServices, maxBackends);
  ct.initConntrack(maxFlows);
  return OK;
}

export function scratchInput(): usize {
  return inputPtr;
}
export function scratchOutput(): usize {
  return outputPtr;
}
export function scratchExclude(): usize {
  return excludePtr;
}
export function batchCapacity(): i32 {
  return BATCH;
}
export function excludeCapacity(): i32 {
  return EXCLUDE;
}

export function addService(sched: i32, proto: i32, tableSize: i32, flowTimeoutMs: f64, affinityTimeoutMs: f64): i32 {
  return reg.addService(sched, proto, tableSize, flowTimeoutMs, affinityTimeoutMs);
}
export function configureService(svc: i32, sched: i32, tableSize: i32, flowTimeoutMs: f64, affinityTimeoutMs: f64): i32 {
  return reg.configureService(svc, sched, tableSize, flowTimeoutMs, affinityTimeoutMs);
}
export function removeService(svc: i32): i32 {
  return reg.removeService(svc);
}
export function addBackend(svc: i32, id1: u32, id2: u32, weight: i32): i32 {
  return reg.addBackend(svc, id1, id2, weight);
}
export function setWeight(b: i32, weight: i32): i32 {
  return reg.setWeight(b, weight);
}
export function setDraining(b: i32, draining: i32): i32 {
  return reg.setDraining(b, draining);
}
export function removeBackend(b: i32): i32 {
  return reg.removeBackend(b);
}

/** Rebuilds the service's tables now rather than on the next pick. */
export function prepareService(svc: i32): i32 {
  if (!reg.serviceLive(svc)) return UNKNOWN_SERVICE;
  prepare(svc);
  return OK;
}

/** Length of the service's sh/dh/mh table (0 for other schedulers or no available backend). */
export function tableLength(svc: i32): i32 {
  if (!reg.serviceLive(svc)) return UNKNOWN_SERVICE;
  prepare(svc);
  return load<i32>(reg.svcRec(svc) + reg.S_TABLE_LEN);
}
/** Address of the table tableLength() measured; valid until the next call that changes the service. */
export function tablePtr(svc: i32): usize {
  return reg.serviceLive(svc) ? load<usize>(reg.svcRec(svc) + reg.S_TABLE) : 0;
}

export function pick(svc: i32, srcHash: u32, dstHash: u32, nExcl: i32): i32 {
  if (!reg.serviceLive(svc)) return UNKNOWN_SERVICE;
  if (nExcl < 0 || nExcl > EXCLUDE) return INVALID_ARGUMENT;
  return schedule(svc, srcHash, dstHash, nExcl);
}
export function pickBatch(svc: i32, n: i32): i32 {
  if (!reg.serviceLive(svc)) return UNKNOWN_SERVICE;
  if (n < 0 || n > BATCH) return INVALID_ARGUMENT;
  scheduleBatch(svc, inputPtr, outputPtr, n);
  return OK;
}

/**
 * The kernel alone, for measuring it apart from the JS boundary: `n` picks over hashes from a xorshift
 * sequence seeded with `seed`; returns the sum of the slots picked so the work cannot be optimised away.
 */
export function benchPick(svc: i32, n: i32, seed: u32): i32 {
  if (!reg.serviceLive(svc)) return UNKNOWN_SERVICE;
  let x = seed | 1;
  let sum = 0;
  for (let done = 0; done < n; done += BATCH) {
    const k = min(BATCH, n - done);
    for (let i = 0; i < k; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      store<u32>(inputPtr + (<usize>i << 3), x);
      store<u32>(inputPtr + (<usize>i << 3), mix32(x), 4);
    }
    scheduleBatch(svc, inputPtr, outputPtr, k);
    for (let i = 0; i < k; i++) sum += load<i32>(outputPtr + (<usize>i << 2));
  }
  return sum;
}

export function lookup(svc: i32, lo: u32, hi: u32, srcHash: u32, dstHash: u32, client: u32, nowMs: f64, nExcl: i32): i32 {
  if (nExcl < 0 || nExcl > EXCLUDE) return INVALID_ARGUMENT;
  return ct.lookup(svc, lo, hi, srcHash, dstHash, client, nowMs, nExcl);
}
export function lookupBatch(svc: i32, n: i32, nowMs: f64): i32 {
  if (n < 0 || n > BATCH) return INVALID_ARGUMENT;
  return ct.lookupBatch(svc, inputPtr, outputPtr, n, nowMs);
}
export function release(svc: i32, lo: u32, hi: u32): i32 {
  return ct.release(svc, lo, hi);
}
export function flowBackend(svc: i32, lo: u32, hi: u32, nowMs: f64): i32 {
  return ct.flowBackend(svc, lo, hi, nowMs);
}
export function sweep(nowMs: f64, budget: i32): i32 {
  if (budget < 0) return INVALID_ARGUMENT;
  return ct.sweep(nowMs, budget);
}
export function flowCount(): i32 {
  return ct.entryCount();
}

/** Per-backend counters: 0 active flows, 1 inactive flows, 2 affinity entries. */
export function backendCount(b: i32, which: i32): i32 {
  if (!reg.backendLive(b)) return UNKNOWN_BACKEND;
  const r = reg.bkRec(b);
  if (which == 0) return load<i32>(r + reg.B_ACTIVE);
  if (which == 1) return load<i32>(r + reg.B_INACTIVE);
  if (which == 2) return load<i32>(r + reg.B_PERSIST);
  return INVALID_ARGUMENT;
}
export function backendService(b: i32): i32 {
  return reg.backendService(b);
}
export function serviceProtocol(svc: i32): i32 {
  return reg.serviceLive(svc) ? load<i32>(reg.svcRec(svc) + reg.S_PROTO) : UNKNOWN_SERVICE;
}
