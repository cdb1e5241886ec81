// Services and backends for the TypeScript engine: the same records, slot reuse and change rules as
// assembly/registry.ts, in typed arrays (one Int32Array of fixed-size records per kind) instead of raw memory.
import { INVALID_ARGUMENT, LIMIT_REACHED, OK, UNKNOWN_BACKEND, UNKNOWN_SERVICE } from '../status.js';

export const SVC_INTS = 14;
export const S_STATE = 0;
export const S_SCHED = 1;
export const S_PROTO = 2;
export const S_TABLE_SIZE = 3;
export const S_MEMBER_COUNT = 4;
export const S_TABLE_LEN = 5;
export const S_DIRTY = 6;
export const S_RR = 7;
export const S_WRR_I = 8;
export const S_WRR_CW = 9;
export const S_WRR_MAX = 10;
export const S_WRR_GCD = 11;
export const S_AVAIL = 12;
const S_NEXT_FREE = 13;

export const BK_INTS = 10;
export const B_SVC = 0;
export const B_GEN = 1;
export const B_STATE = 2;
export const B_WEIGHT = 3;
export const B_ID1 = 4;
export const B_ID2 = 5;
export const B_ACTIVE = 6;
export const B_INACTIVE = 7;
export const B_PERSIST = 8;
const B_NEXT_FREE = 9;

export const STATE_FREE = 0;
export const STATE_READY = 1;
export const STATE_DRAINING = 2;
export const MAX_MEMBERS = 65536;

const EMPTY: Int32Array<ArrayBuffer> = new Int32Array(0);

function grown(a: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

export class TsRegistry {
  /** Service records, SVC_INTS per slot. */
  svc = new Int32Array(16 * SVC_INTS);
  /** Per service: flow timeout ms, affinity timeout ms. */
  svcTimeouts = new Float64Array(16 * 2);
  members: Int32Array<ArrayBuffer>[] = [];
  tables: Int32Array<ArrayBuffer>[] = [];
  /** Backend records, BK_INTS per slot. */
  bk = new Int32Array(64 * BK_INTS);

  private svcNext = 0;
  private svcFreeHead = -1;
  private bkNext = 0;
  private bkFreeHead = -1;

  constructor(
    private readonly maxServices: number,
    private readonly maxBackends: number,
  ) {}

  serviceLive(s: number): boolean {
    return s >= 0 && s < this.svcNext && this.svc[s * SVC_INTS + S_STATE] !== STATE_FREE;
  }

  backendLive(b: number): boolean {
    return b >= 0 && b < this.bkNext && this.bk[b * BK_INTS + B_STATE] !== STATE_FREE;
  }

  /** Ready with a weight above zero: may take new flows. */
  available(b: number): boolean {
    const o = b * BK_INTS;
    return this.bk[o + B_STATE] === STATE_READY && this.bk[o + B_WEIGHT] > 0;
  }

  markChanged(s: number): void {
    const o = s * SVC_INTS;
    this.svc[o + S_DIRTY] = 1;
    this.svc[o + S_WRR_I] = -1;
    this.svc[o + S_WRR_CW] = 0;
  }

  addService(sched: number, proto: number, tableSize: number, flowTimeout: number, affTimeout: number): number {
    let s: number;
    if (this.svcFreeHead >= 0) {
      s = this.svcFreeHead;
      this.svcFreeHead = this.svc[s * SVC_INTS + S_NEXT_FREE];
    } else {
      if (this.svcNext >= this.maxServices) return LIMIT_REACHED;
      if (this.svcNext * SVC_INTS === this.svc.length) {
        this.svc = grown(this.svc, this.svc.length * 2);
        const t = new Float64Array(this.svcTimeouts.length * 2);
        t.set(this.svcTimeouts);
        this.svcTimeouts = t;
      }
      s = this.svcNext++;
    }
    const o = s * SVC_INTS;
    this.svc.fill(0, o, o + SVC_INTS);
    this.svc[o + S_STATE] = STATE_READY;
    this.svc[o + S_SCHED] = sched;
    this.svc[o + S_PROTO] = proto;
    this.svc[o + S_TABLE_SIZE] = tableSize;
    this.svc[o + S_RR] = -1;
    this.svcTimeouts[s * 2] = flowTimeout;
    this.svcTimeouts[s * 2 + 1] = affTimeout;
    this.members[s] = new Int32Array(4);
    this.tables[s] = EMPTY;
    this.markChanged(s);
    return s;
  }

  configureService(s: number, sched: number, tableSize: number, flowTimeout: number, affTimeout: number): number {
    if (!this.serviceLive(s)) return UNKNOWN_SERVICE;
    const o = s * SVC_INTS;
    this.svc[o + S_SCHED] = sched;
    this.svc[o + S_TABLE_SIZE] = tableSize;
    this.svc[o + S_RR] = -1;
    this.svcTimeouts[s * 2] = flowTimeout;
    this.svcTimeouts[s * 2 + 1] = affTimeout;
    this.markChanged(s);
    return OK;
  }

  private freeBackend(b: number): void {
    const o = b * BK_INTS;
    this.bk[o + B_STATE] = STATE_FREE;
    // A new generation makes every connection-table entry naming this slot stale at once.
    this.bk[o + B_GEN] = (this.bk[o + B_GEN] + 1) | 0;
    this.bk[o + B_NEXT_FREE] = this.bkFreeHead;
    this.bkFreeHead = b;
  }

  removeService(s: number): number {
    if (!this.serviceLive(s)) return UNKNOWN_SERVICE;
    const o = s * SVC_INTS;
    const members = this.members[s];
    for (let i = 0; i < this.svc[o + S_MEMBER_COUNT]; i++) this.freeBackend(members[i]);
    this.members[s] = EMPTY;
    this.tables[s] = EMPTY;
    this.svc.fill(0, o, o + SVC_INTS);
    this.svc[o + S_NEXT_FREE] = this.svcFreeHead;
    this.svcFreeHead = s;
    return OK;
  }

  addBackend(s: number, id1: number, id2: number, weight: number): number {
    if (!this.serviceLive(s)) return UNKNOWN_SERVICE;
    if (weight < 0 || weight > 65535) return INVALID_ARGUMENT;
    const so = s * SVC_INTS;
    const count = this.svc[so + S_MEMBER_COUNT];
    if (count >= MAX_MEMBERS) return LIMIT_REACHED;
    let b: number;
    if (this.bkFreeHead >= 0) {
      b = this.bkFreeHead;
      this.bkFreeHead = this.bk[b * BK_INTS + B_NEXT_FREE];
    } else {
      if (this.bkNext >= this.maxBackends) return LIMIT_REACHED;
      if (this.bkNext * BK_INTS === this.bk.length) this.bk = grown(this.bk, this.bk.length * 2);
      b = this.bkNext++;
    }
    const o = b * BK_INTS;
    const gen = this.bk[o + B_GEN];
    this.bk.fill(0, o, o + BK_INTS);
    this.bk[o + B_GEN] = gen;
    this.bk[o + B_SVC] = s;
    this.bk[o + B_STATE] = STATE_READY;
    this.bk[o + B_WEIGHT] = weight;
    this.bk[o + B_ID1] = id1 | 0;
    this.bk[o + B_ID2] = id2 | 0;
    let members = this.members[s];
    if (count === members.length) members = this.members[s] = grown(members, members.length * 2);
    members[count] = b;
    this.svc[so + S_MEMBER_COUNT] = count + 1;
    this.markChanged(s);
    return b;
  }

  setWeight(b: number, weight: number): number {
    if (!this.backendLive(b)) return UNKNOWN_BACKEND;
    const o = b * BK_INTS;
    if (this.bk[o + B_WEIGHT] !== weight) {
      this.bk[o + B_WEIGHT] = weight;
      this.markChanged(this.bk[o + B_SVC]);
    }
    return OK;
  }

  setDraining(b: number, draining: boolean): number {
    if (!this.backendLive(b)) return UNKNOWN_BACKEND;
    const o = b * BK_INTS;
    const next = draining ? STATE_DRAINING : STATE_READY;
    if (this.bk[o + B_STATE] !== next) {
      this.bk[o + B_STATE] = next;
      this.markChanged(this.bk[o + B_SVC]);
    }
    return OK;
  }

  removeBackend(b: number): number {
    if (!this.backendLive(b)) return UNKNOWN_BACKEND;
    const s = this.bk[b * BK_INTS + B_SVC];
    const so = s * SVC_INTS;
    const members = this.members[s];
    const n = this.svc[so + S_MEMBER_COUNT];
    const k = members.indexOf(b);
    // Order is kept: rr, wrr and lc break ties by list position, as IPVS does with its destination list.
    members.copyWithin(k, k + 1, n);
    this.svc[so + S_MEMBER_COUNT] = n - 1;
    // rr resumes after the removed member: step the cursor back when it pointed at or past it.
    if (k <= this.svc[so + S_RR]) this.svc[so + S_RR]--;
    this.markChanged(s);
    this.freeBackend(b);
    return OK;
  }
}
