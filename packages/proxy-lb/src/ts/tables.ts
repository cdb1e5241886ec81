// The TypeScript engine's table builds: the same available set, wrr figures, sh/dh buckets and Maglev table as
// assembly/tables.ts (see there for the algorithms; Maglev is in maglev.ts).
import { SCHED_DH, SCHED_MH, SCHED_SH } from '../status.js';
import { TsMaglev } from './maglev.js';
import {
  B_ID1, B_ID2, B_WEIGHT, BK_INTS, S_AVAIL, S_DIRTY, S_MEMBER_COUNT, S_SCHED, S_TABLE_LEN, S_TABLE_SIZE, S_WRR_GCD,
  S_WRR_MAX, SVC_INTS, type TsRegistry,
} from './registry.js';

const MIN_BUCKETS = 256;
const MAX_BUCKETS = 65536;

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

export class TsTables {
  private slots = new Int32Array(64);
  private turns = new Int32Array(64);
  private readonly maglev = new TsMaglev();

  constructor(private readonly reg: TsRegistry) {}

  private ensureTmp(n: number): void {
    if (n <= this.slots.length) return;
    let cap = this.slots.length;
    while (cap < n) cap <<= 1;
    this.slots = new Int32Array(cap);
    this.turns = new Int32Array(cap);
  }

  /** Identity order (hash 1, hash 2, slot), compared unsigned. */
  private sortByIdentity(n: number): void {
    const bk = this.reg.bk;
    this.slots.subarray(0, n).sort((a, b) => {
      const a1 = bk[a * BK_INTS + B_ID1] >>> 0;
      const b1 = bk[b * BK_INTS + B_ID1] >>> 0;
      if (a1 !== b1) return a1 < b1 ? -1 : 1;
      const a2 = bk[a * BK_INTS + B_ID2] >>> 0;
      const b2 = bk[b * BK_INTS + B_ID2] >>> 0;
      if (a2 !== b2) return a2 < b2 ? -1 : 1;
      return a - b;
    });
  }

  private sumTurns(n: number): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += this.turns[i];
    return total;
  }

  private scaleTurns(n: number, limit: number): void {
    while (this.sumTurns(n) > limit) {
      let maxTurns = 0;
      for (let i = 0; i < n; i++) {
        const t = this.turns[i];
        if (t > maxTurns) maxTurns = t;
        this.turns[i] = t > 1 ? t >> 1 : 1;
      }
      if (maxTurns <= 1) return;
    }
  }

  private ensureTable(s: number, len: number): Int32Array {
    let table = this.reg.tables[s];
    if (table.length < len) table = this.reg.tables[s] = new Int32Array(len);
    this.reg.svc[s * SVC_INTS + S_TABLE_LEN] = len;
    return table;
  }

  private buildBuckets(s: number, n: number): void {
    let buckets = MIN_BUCKETS;
    const total = this.sumTurns(n);
    while (buckets < MAX_BUCKETS && buckets < total * 64) buckets <<= 1;
    this.scaleTurns(n, buckets);
    const table = this.ensureTable(s, buckets);
    const { slots, turns } = this;
    let b = 0;
    let used = 0;
    for (let i = 0; i < buckets; i++) {
      table[i] = slots[b];
      if (++used >= turns[b]) {
        used = 0;
        if (++b === n) b = 0;
      }
    }
  }

  private buildMaglev(s: number, n: number): void {
    const m = this.reg.svc[s * SVC_INTS + S_TABLE_SIZE];
    this.scaleTurns(n, m);
    this.maglev.build(this.ensureTable(s, m), m, n, this.slots, this.turns, this.reg.bk);
  }

  prepare(s: number): void {
    const reg = this.reg;
    const so = s * SVC_INTS;
    if (reg.svc[so + S_DIRTY] === 0) return;
    const members = reg.members[s];
    const count = reg.svc[so + S_MEMBER_COUNT];
    this.ensureTmp(count);
    const slots = this.slots;
    let n = 0;
    let maxW = 0;
    let g = 0;
    for (let i = 0; i < count; i++) {
      const b = members[i];
      if (!reg.available(b)) continue;
      const w = reg.bk[b * BK_INTS + B_WEIGHT];
      slots[n++] = b;
      if (w > maxW) maxW = w;
      g = gcd(w, g);
    }
    reg.svc[so + S_AVAIL] = n;
    reg.svc[so + S_WRR_MAX] = maxW;
    reg.svc[so + S_WRR_GCD] = g;
    reg.svc[so + S_TABLE_LEN] = 0;
    const sched = reg.svc[so + S_SCHED];
    if (n > 0 && (sched === SCHED_SH || sched === SCHED_DH || sched === SCHED_MH)) {
      this.sortByIdentity(n);
      for (let i = 0; i < n; i++) this.turns[i] = (reg.bk[slots[i] * BK_INTS + B_WEIGHT] / g) | 0;
      if (sched === SCHED_MH) this.buildMaglev(s, n);
      else this.buildBuckets(s, n);
    }
    reg.svc[so + S_DIRTY] = 0;
  }
}
