// Services and backends as fixed-size records in blocks that double when full. Slot numbers are the ids the
// host sees; freed slots are reused last-freed-first (a free list threaded through the records), exactly as the
// TypeScript twin does, so both engines hand out the same ids.
//
// Service record (SVC_BYTES = 96):
//   0 state  4 scheduler  8 protocol  12 maglev table size  16 flow timeout ms (f64)  24 affinity timeout ms (f64)
//  32 members ptr  36 member count  40 member capacity  44 table ptr  48 table length  52 table capacity
//  56 dirty  60 rr cursor  64 wrr index  68 wrr current weight  72 wrr max weight  76 wrr gcd  80 available count
//  84 next free
// Backend record (BK_BYTES = 40):
//   0 service  4 generation  8 state  12 weight  16 identity hash 1  20 identity hash 2
//  24 active flows  28 inactive flows  32 persistent (affinity) entries  36 next free
import { allocZeroed, growZeroed } from './memory-block';
import { INVALID_ARGUMENT, LIMIT_REACHED, OK, PROTO_UDP, SCHED_MH, UNKNOWN_BACKEND, UNKNOWN_SERVICE } from './status';

export const SVC_BYTES: i32 = 96;
export const S_STATE: i32 = 0;
export const S_SCHED: i32 = 4;
export const S_PROTO: i32 = 8;
export const S_TABLE_SIZE: i32 = 12;
export const S_FLOW_TIMEOUT: i32 = 16;
export const S_AFF_TIMEOUT: i32 = 24;
export const S_MEMBERS: i32 = 32;
export const S_MEMBER_COUNT: i32 = 36;
export const S_MEMBER_CAP: i32 = 40;
export const S_TABLE: i32 = 44;
export const S_TABLE_LEN: i32 = 48;
export const S_TABLE_CAP: i32 = 52;
export const S_DIRTY: i32 = 56;
export const S_RR: i32 = 60;
export const S_WRR_I: i32 = 64;
export const S_WRR_CW: i32 = 68;
export const S_WRR_MAX: i32 = 72;
export const S_WRR_GCD: i32 = 76;
export const S_AVAIL: i32 = 80;
const S_NEXT_FREE: i32 = 84;

export const BK_BYTES: i32 = 40;
export const B_SVC: i32 = 0;
export const B_GEN: i32 = 4;
export const B_STATE: i32 = 8;
export const B_WEIGHT: i32 = 12;
export const B_ID1: i32 = 16;
export const B_ID2: i32 = 20;
export const B_ACTIVE: i32 = 24;
export const B_INACTIVE: i32 = 28;
export const B_PERSIST: i32 = 32;
const B_NEXT_FREE: i32 = 36;

export const STATE_FREE: i32 = 0;
export const STATE_READY: i32 = 1;
export const STATE_DRAINING: i32 = 2;

/** Members per service: the sh/dh bucket table tops out at this many buckets, one per backend at least. */
export const MAX_MEMBERS: i32 = 65536;

let services: usize = 0;
let svcCap: i32 = 0;
let svcNext: i32 = 0;
let svcFreeHead: i32 = -1;
let maxServices: i32 = 0;

let backends: usize = 0;
let bkCap: i32 = 0;
let bkNext: i32 = 0;
let bkFreeHead: i32 = -1;
let maxBackends: i32 = 0;

export function initRegistry(svcLimit: i32, bkLimit: i32): void {
  maxServices = svcLimit;
  maxBackends = bkLimit;
  svcCap = 16;
  services = allocZeroed(<usize>svcCap * SVC_BYTES);
  bkCap = 64;
  backends = allocZeroed(<usize>bkCap * BK_BYTES);
}

// @ts-ignore: decorator
@inline export function svcRec(s: i32): usize {
  return services + <usize>s * SVC_BYTES;
}

// @ts-ignore: decorator
@inline export function bkRec(b: i32): usize {
  return backends + <usize>b * BK_BYTES;
}

export function serviceLive(s: i32): bool {
  return s >= 0 && s < svcNext && load<i32>(svcRec(s) + S_STATE) != STATE_FREE;
}

export function backendLive(b: i32): bool {
  return b >= 0 && b < bkNext && load<i32>(bkRec(b) + B_STATE) != STATE_FREE;
}

/** Ready with a weight above zero: may take new flows. Draining and quiesced (weight 0) backends may not. */
// @ts-ignore: decorator
@inline export function available(b: i32): bool {
  const r = bkRec(b);
  return load<i32>(r + B_STATE) == STATE_READY && load<i32>(r + B_WEIGHT) > 0;
}

/** Any change to membership, weight or availability: tables are rebuilt on next use and wrr starts over. */
export function markChanged(s: i32): void {
  const r = svcRec(s);
  store<i32>(r + S_DIRTY, 1);
  store<i32>(r + S_WRR_I, -1);
  store<i32>(r + S_WRR_CW, 0);
}

function validServiceArgs(sched: i32, tableSize: i32, flowTimeout: f64, affTimeout: f64): bool {
  if (sched < 0 || sched > SCHED_MH) return false;
  if (tableSize < 2) return false;
  return flowTimeout >= 0 && affTimeout >= 0;
}

export function addService(sched: i32, proto: i32, tableSize: i32, flowTimeout: f64, affTimeout: f64): i32 {
  if (!validServiceArgs(sched, tableSize, flowTimeout, affTimeout) || proto < 0 || proto > PROTO_UDP) return INVALID_ARGUMENT;
  let s: i32;
  if (svcFreeHead >= 0) {
    s = svcFreeHead;
    svcFreeHead = load<i32>(svcRec(s) + S_NEXT_FREE);
  } else {
    if (svcNext >= maxServices) return LIMIT_REACHED;
    if (svcNext == svcCap) {
      services = growZeroed(services, <usize>svcCap * SVC_BYTES, <usize>svcCap * 2 * SVC_BYTES);
      svcCap *= 2;
    }
    s = svcNext++;
  }
  const r = svcRec(s);
  memory.fill(r, 0, SVC_BYTES);
  store<i32>(r + S_STATE, STATE_READY);
  store<i32>(r + S_SCHED, sched);
  store<i32>(r + S_PROTO, proto);
  store<i32>(r + S_TABLE_SIZE, tableSize);
  store<f64>(r + S_FLOW_TIMEOUT, flowTimeout);
  store<f64>(r + S_AFF_TIMEOUT, affTimeout);
  store<usize>(r + S_MEMBERS, allocZeroed(4 * 4));
  store<i32>(r + S_MEMBER_CAP, 4);
  store<i32>(r + S_RR, -1);
  markChanged(s);
  return s;
}

export function configureService(s: i32, sched: i32, tableSize: i32, flowTimeout: f64, affTimeout: f64): i32 {
  if (!serviceLive(s)) return UNKNOWN_SERVICE;
  if (!validServiceArgs(sched, tableSize, flowTimeout, affTimeout)) return INVALID_ARGUMENT;
  const r = svcRec(s);
  store<i32>(r + S_SCHED, sched);
  store<i32>(r + S_TABLE_SIZE, tableSize);
  store<f64>(r + S_FLOW_TIMEOUT, flowTimeout);
  store<f64>(r + S_AFF_TIMEOUT, affTimeout);
  store<i32>(r + S_RR, -1);
  markChanged(s);
  return OK;
}

function freeBackend(b: i32): void {
  const r = bkRec(b);
  store<i32>(r + B_STATE, STATE_FREE);
  // Bumping the generation makes every connection-table entry that names this slot stale at once.
  store<u32>(r + B_GEN, load<u32>(r + B_GEN) + 1);
  store<i32>(r + B_NEXT_FREE, bkFreeHead);
  bkFreeHead = b;
}

export function removeService(s: i32): i32 {
  if (!serviceLive(s)) return UNKNOWN_SERVICE;
  const r = svcRec(s);
  const members = load<usize>(r + S_MEMBERS);
  const n = load<i32>(r + S_MEMBER_COUNT);
  for (let i = 0; i < n; i++) freeBackend(load<i32>(members + (<usize>i << 2)));
  heap.free(members);
  const table = load<usize>(r + S_TABLE);
  if (table != 0) heap.free(table);
  memory.fill(r, 0, SVC_BYTES);
  store<i32>(r + S_NEXT_FREE, svcFreeHead);
  svcFreeHead = s;
  return OK;
}

export function addBackend(s: i32, id1: u32, id2: u32, weight: i32): i32 {
  if (!serviceLive(s)) return UNKNOWN_SERVICE;
  if (weight < 0 || weight > 65535) return INVALID_ARGUMENT;
  const sr = svcRec(s);
  const count = load<i32>(sr + S_MEMBER_COUNT);
  if (count >= MAX_MEMBERS) return LIMIT_REACHED;
  let b: i32;
  if (bkFreeHead >= 0) {
    b = bkFreeHead;
    bkFreeHead = load<i32>(bkRec(b) + B_NEXT_FREE);
  } else {
    if (bkNext >= maxBackends) return LIMIT_REACHED;
    if (bkNext == bkCap) {
      backends = growZeroed(backends, <usize>bkCap * BK_BYTES, <usize>bkCap * 2 * BK_BYTES);
      bkCap *= 2;
    }
    b = bkNext++;
  }
  const r = bkRec(b);
  const gen = load<u32>(r + B_GEN);
  memory.fill(r, 0, BK_BYTES);
  store<u32>(r + B_GEN, gen);
  store<i32>(r + B_SVC, s);
  store<i32>(r + B_STATE, STATE_READY);
  store<i32>(r + B_WEIGHT, weight);
  store<u32>(r + B_ID1, id1);
  store<u32>(r + B_ID2, id2);

  let members = load<usize>(sr + S_MEMBERS);
  const cap = load<i32>(sr + S_MEMBER_CAP);
  if (count == cap) {
    members = growZeroed(members, <usize>cap << 2, <usize>cap << 3);
    store<usize>(sr + S_MEMBERS, members);
    store<i32>(sr + S_MEMBER_CAP, cap * 2);
  }
  store<i32>(members + (<usize>count << 2), b);
  store<i32>(sr + S_MEMBER_COUNT, count + 1);
  markChanged(s);
  return b;
}

export function setWeight(b: i32, weight: i32): i32 {
  if (!backendLive(b)) return UNKNOWN_BACKEND;
  if (weight < 0 || weight > 65535) return INVALID_ARGUMENT;
  const r = bkRec(b);
  if (load<i32>(r + B_WEIGHT) != weight) {
    store<i32>(r + B_WEIGHT, weight);
    markChanged(load<i32>(r + B_SVC));
  }
  return OK;
}

export function setDraining(b: i32, draining: i32): i32 {
  if (!backendLive(b)) return UNKNOWN_BACKEND;
  const r = bkRec(b);
  const next = draining != 0 ? STATE_DRAINING : STATE_READY;
  if (load<i32>(r + B_STATE) != next) {
    store<i32>(r + B_STATE, next);
    markChanged(load<i32>(r + B_SVC));
  }
  return OK;
}

export function removeBackend(b: i32): i32 {
  if (!backendLive(b)) return UNKNOWN_BACKEND;
  const s = load<i32>(bkRec(b) + B_SVC);
  const sr = svcRec(s);
  const members = load<usize>(sr + S_MEMBERS);
  const n = load<i32>(sr + S_MEMBER_COUNT);
  let k = 0;
  while (k < n && load<i32>(members + (<usize>k << 2)) != b) k++;
  // Order is kept: rr, wrr and lc break ties by list position, as IPVS does with its destination list.
  memory.copy(members + (<usize>k << 2), members + (<usize>(k + 1) << 2), <usize>(n - k - 1) << 2);
  store<i32>(sr + S_MEMBER_COUNT, n - 1);
  // rr resumes after the removed member: step the cursor back when it pointed at or past it.
  const rr = load<i32>(sr + S_RR);
  if (k <= rr) store<i32>(sr + S_RR, rr - 1);
  markChanged(s);
  freeBackend(b);
  return OK;
}

export function backendService(b: i32): i32 {
  return backendLive(b) ? load<i32>(bkRec(b) + B_SVC) : UNKNOWN_BACKEND;
}
