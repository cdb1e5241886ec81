// The connection table: flow key -> backend, shared by all services (as IPVS's is), open addressing with linear
// probing and backward-shift deletion (no tombstones). An entry names its backend by slot and generation, so
// removing a backend makes its entries stale at once; stale and idle entries are dropped when a lookup meets
// them or when sweep() passes over them.
//
// Entry (ENTRY_BYTES = 32):
//   +--------+--------+--------+---------+--------+--------+------------------+
//   | key lo | key hi | svc    | backend | gen    | flags  | last seen ms f64 |
//   +--------+--------+--------+---------+--------+--------+------------------+
//   0        4        8        12        16       20       24                 32
// flags: USED | TEMPLATE (a session-affinity entry keyed by client) | ACTIVE (counted as an active flow).
// Keys are 64-bit hashes of the 5-tuple: two flows sharing one (about n^2 / 2^65 for n flows) share a backend,
// which is harmless for balancing; the service is compared exactly, so flows never cross services.
import { allocZeroed, mix32 } from './memory-block';
import {
  available, B_ACTIVE, B_GEN, B_INACTIVE, B_PERSIST, B_STATE, B_SVC, bkRec, S_AFF_TIMEOUT, S_FLOW_TIMEOUT, S_PROTO,
  serviceLive, STATE_FREE, svcRec,
} from './registry';
import { excluded, schedule } from './schedule';
import { NO_BACKEND, PROTO_TCP, TABLE_FULL, UNKNOWN_SERVICE } from './status';

const ENTRY_BYTES: i32 = 32;
const E_KEY_LO: i32 = 0;
const E_KEY_HI: i32 = 4;
const E_SVC: i32 = 8;
const E_BACKEND: i32 = 12;
const E_GEN: i32 = 16;
const E_FLAGS: i32 = 20;
const E_SEEN: i32 = 24;

const F_USED: u32 = 1;
const F_TEMPLATE: u32 = 2;
const F_ACTIVE: u32 = 4;

const MIN_CAPACITY: i32 = 1024;

let entries: usize = 0;
let capacity: i32 = 0;
let mask: u32 = 0;
let count: i32 = 0;
let maxEntries: i32 = 0;
let sweepCursor: i32 = 0;

export function initConntrack(limit: i32): void {
  maxEntries = limit;
  capacity = MIN_CAPACITY;
  mask = <u32>capacity - 1;
  entries = allocZeroed(<usize>capacity * ENTRY_BYTES);
}

export function entryCount(): i32 {
  return count;
}

// @ts-ignore: decorator
@inline function entry(i: i32): usize {
  return entries + <usize>i * ENTRY_BYTES;
}

// @ts-ignore: decorator
@inline function home(lo: u32, hi: u32, svc: i32, template: u32): u32 {
  return mix32(lo ^ ((hi << 16) | (hi >> 16)) ^ (<u32>svc * 0x9e3779b1) ^ (template * 0x27d4eb2f)) & mask;
}

function find(svc: i32, lo: u32, hi: u32, template: u32): i32 {
  const flags = F_USED | (template != 0 ? F_TEMPLATE : 0);
  let i = <i32>home(lo, hi, svc, template);
  while (true) {
    const e = entry(i);
    const f = load<u32>(e + E_FLAGS);
    if (f == 0) return -1;
    if (load<u32>(e + E_KEY_LO) == lo && load<u32>(e + E_KEY_HI) == hi && load<i32>(e + E_SVC) == svc && (f & ~F_ACTIVE) == flags) {
      return i;
    }
    i = (i + 1) & <i32>mask;
  }
}

/** The entry still names the backend it was made for (not removed, not replaced). */
function valid(e: usize): bool {
  const b = load<i32>(e + E_BACKEND);
  const br = bkRec(b);
  return load<i32>(br + B_STATE) != STATE_FREE && load<u32>(br + B_GEN) == load<u32>(e + E_GEN) && load<i32>(br + B_SVC) == load<i32>(e + E_SVC);
}

function timeoutOf(e: usize): f64 {
  const r = svcRec(load<i32>(e + E_SVC));
  return (load<u32>(e + E_FLAGS) & F_TEMPLATE) != 0 ? load<f64>(r + S_AFF_TIMEOUT) : load<f64>(r + S_FLOW_TIMEOUT);
}

/** Idle for its service's timeout or longer; a timeout of 0 never expires (TCP flows end by release()). */
function expired(e: usize, now: f64): bool {
  const t = timeoutOf(e);
  return t > 0 && now - load<f64>(e + E_SEEN) >= t;
}

function countDelta(e: usize, delta: i32): void {
  const br = bkRec(load<i32>(e + E_BACKEND));
  const f = load<u32>(e + E_FLAGS);
  const field = (f & F_TEMPLATE) != 0 ? B_PERSIST : (f & F_ACTIVE) != 0 ? B_ACTIVE : B_INACTIVE;
  store<i32>(br + field, load<i32>(br + field) + delta);
}

function deleteAt(start: i32): void {
  const e0 = entry(start);
  if (valid(e0)) countDelta(e0, -1);
  count--;
  // Backward shift: pull later entries of the probe run into the hole unless their home lies cyclically in
  // (hole, j], where they already sit as close to home as they can.
  let hole = start;
  let j = start;
  while (true) {
    j = (j + 1) & <i32>mask;
    const ej = entry(j);
    const f = load<u32>(ej + E_FLAGS);
    if (f == 0) break;
    const h = <i32>home(load<u32>(ej + E_KEY_LO), load<u32>(ej + E_KEY_HI), load<i32>(ej + E_SVC), (f & F_TEMPLATE) != 0 ? 1 : 0);
    const stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
    if (stays) continue;
    memory.copy(entry(hole), ej, ENTRY_BYTES);
    hole = j;
  }
  memory.fill(entry(hole), 0, ENTRY_BYTES);
}

function place(lo: u32, hi: u32, svc: i32, flags: u32, b: i32, now: f64): usize {
  let i = <i32>home(lo, hi, svc, (flags & F_TEMPLATE) != 0 ? 1 : 0);
  while (load<u32>(entry(i) + E_FLAGS) != 0) i = (i + 1) & <i32>mask;
  const e = entry(i);
  store<u32>(e + E_KEY_LO, lo);
  store<u32>(e + E_KEY_HI, hi);
  store<i32>(e + E_SVC, svc);
  store<i32>(e + E_BACKEND, b);
  store<u32>(e + E_GEN, load<u32>(bkRec(b) + B_GEN));
  store<u32>(e + E_FLAGS, flags);
  store<f64>(e + E_SEEN, now);
  return e;
}

function growIfNeeded(): void {
  if ((count + 1) * 2 <= capacity) return;
  const oldEntries = entries;
  const oldCap = capacity;
  capacity = oldCap * 2;
  mask = <u32>capacity - 1;
  entries = allocZeroed(<usize>capacity * ENTRY_BYTES);
  for (let i = 0; i < oldCap; i++) {
    const e = oldEntries + <usize>i * ENTRY_BYTES;
    const f = load<u32>(e + E_FLAGS);
    if (f == 0) continue;
    let j = <i32>home(load<u32>(e + E_KEY_LO), load<u32>(e + E_KEY_HI), load<i32>(e + E_SVC), (f & F_TEMPLATE) != 0 ? 1 : 0);
    while (load<u32>(entry(j) + E_FLAGS) != 0) j = (j + 1) & <i32>mask;
    memory.copy(entry(j), e, ENTRY_BYTES);
  }
  heap.free(oldEntries);
  sweepCursor = 0;
}

function insert(lo: u32, hi: u32, svc: i32, flags: u32, b: i32, now: f64): void {
  growIfNeeded();
  countDelta(place(lo, hi, svc, flags, b, now), 1);
  count++;
}

/**
 * The backend for a flow: its tracked backend while that is valid, idle for less than the service's flow
 * timeout and not excluded; otherwise a fresh choice (through the client's affinity entry when the service has
 * an affinity timeout), which is recorded. Returns a slot, NO_BACKEND or TABLE_FULL.
 */
export function lookup(svc: i32, lo: u32, hi: u32, srcHash: u32, dstHash: u32, client: u32, now: f64, nExcl: i32): i32 {
  if (!serviceLive(svc)) return UNKNOWN_SERVICE;
  const fi = find(svc, lo, hi, 0);
  if (fi >= 0) {
    const e = entry(fi);
    const b = load<i32>(e + E_BACKEND);
    if (valid(e) && !expired(e, now) && !excluded(b, nExcl)) {
      store<f64>(e + E_SEEN, now);
      return b;
    }
    deleteAt(fi);
  }
  const r = svcRec(svc);
  const affinity = load<f64>(r + S_AFF_TIMEOUT) > 0;
  let ti = -1;
  let b = NO_BACKEND;
  if (affinity) {
    ti = find(svc, client, 0, 1);
    if (ti >= 0) {
      const t = entry(ti);
      const tb = load<i32>(t + E_BACKEND);
      if (valid(t) && !expired(t, now) && available(tb) && !excluded(tb, nExcl)) b = tb;
    }
  }
  const needed = affinity && ti < 0 ? 2 : 1;
  if (count + needed > maxEntries) return TABLE_FULL;
  if (b < 0) {
    b = schedule(svc, srcHash, dstHash, nExcl);
    if (b < 0) return b;
    if (ti >= 0) {
      const t = entry(ti);
      if (valid(t)) countDelta(t, -1);
      store<i32>(t + E_BACKEND, b);
      store<u32>(t + E_GEN, load<u32>(bkRec(b) + B_GEN));
      countDelta(t, 1);
    }
  }
  if (affinity) {
    if (ti >= 0) store<f64>(entry(ti) + E_SEEN, now);
    else insert(client, 0, svc, F_USED | F_TEMPLATE, b, now);
  }
  const active = load<i32>(r + S_PROTO) == PROTO_TCP ? F_ACTIVE : 0;
  insert(lo, hi, svc, F_USED | active, b, now);
  return b;
}

/** Many lookups: records of five words (key lo, key hi, source hash, destination hash, client) at `input`. */
export function lookupBatch(svc: i32, input: usize, output: usize, n: i32, now: f64): i32 {
  if (!serviceLive(svc)) return UNKNOWN_SERVICE;
  for (let i = 0; i < n; i++) {
    const p = input + <usize>i * 20;
    const b = lookup(svc, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), load<u32>(p, 16), now, 0);
    store<i32>(output + (<usize>i << 2), b);
  }
  return 0;
}

/** Forgets a flow (its connection closed). Returns 1 when the flow was tracked, else 0. */
export function release(svc: i32, lo: u32, hi: u32): i32 {
  if (!serviceLive(svc)) return UNKNOWN_SERVICE;
  const i = find(svc, lo, hi, 0);
  if (i < 0) return 0;
  deleteAt(i);
  return 1;
}

/** The backend a flow is tracked to while valid and not idle past its timeout, else NO_BACKEND. Changes nothing. */
export function flowBackend(svc: i32, lo: u32, hi: u32, now: f64): i32 {
  if (!serviceLive(svc)) return UNKNOWN_SERVICE;
  const i = find(svc, lo, hi, 0);
  if (i < 0) return NO_BACKEND;
  const e = entry(i);
  return valid(e) && !expired(e, now) ? load<i32>(e + E_BACKEND) : NO_BACKEND;
}

/**
 * Visits up to `budget` slots from where the last sweep stopped, dropping stale and idle entries. Returns how
 * many were dropped. Bounded work per call; a full pass takes capacity / budget calls.
 */
export function sweep(now: f64, budget: i32): i32 {
  let dropped = 0;
  for (let visited = 0; visited < budget && count > 0; visited++) {
    const e = entry(sweepCursor);
    if (load<u32>(e + E_FLAGS) != 0 && (!valid(e) || expired(e, now))) {
      deleteAt(sweepCursor);
      dropped++;
      // The backward shift may have moved a later entry into this slot: look at it again.
      continue;
    }
    sweepCursor = (sweepCursor + 1) & <i32>mask;
  }
  return dropped;
}
