// The TypeScript engine's schedulers: the same choices as assembly/schedule.ts (see there for IPVS's rules).
import { NO_BACKEND, SCHED_DH, SCHED_LC, SCHED_RR, SCHED_WLC, SCHED_WRR } from '../status.js';
import {
  B_ACTIVE, B_INACTIVE, B_WEIGHT, BK_INTS, S_AVAIL, S_MEMBER_COUNT, S_RR, S_SCHED, S_TABLE_LEN, S_WRR_CW, S_WRR_GCD,
  S_WRR_I, S_WRR_MAX, SVC_INTS, type TsRegistry,
} from './registry.js';
import type { TsTables } from './tables.js';

const NONE: ArrayLike<number> = new Int32Array(0);
const TWO_POW_32 = 4294967296;

export function excluded(b: number, ex: ArrayLike<number>): boolean {
  for (let i = 0; i < ex.length; i++) if (ex[i] === b) return true;
  return false;
}

/** Maps a uniform 32-bit hash onto [0, n): floor(hash * n / 2^32), exact in a double for n < 2^21. */
export function fastRange(hash: number, n: number): number {
  return Math.floor(((hash >>> 0) * n) / TWO_POW_32);
}

export class TsScheduler {
  constructor(
    private readonly reg: TsRegistry,
    private readonly tables: TsTables,
  ) {}

  private pickRr(s: number, ex: ArrayLike<number>): number {
    const reg = this.reg;
    const so = s * SVC_INTS;
    const members = reg.members[s];
    const n = reg.svc[so + S_MEMBER_COUNT];
    let i = reg.svc[so + S_RR];
    for (let k = 0; k < n; k++) {
      if (++i >= n) i = 0;
      const b = members[i];
      if (reg.available(b) && !excluded(b, ex)) {
        reg.svc[so + S_RR] = i;
        return b;
      }
    }
    return NO_BACKEND;
  }

  private pickWrr(s: number, ex: ArrayLike<number>): number {
    const reg = this.reg;
    const svc = reg.svc;
    const so = s * SVC_INTS;
    const members = reg.members[s];
    const n = svc[so + S_MEMBER_COUNT];
    const maxW = svc[so + S_WRR_MAX];
    const g = svc[so + S_WRR_GCD];
    let i = svc[so + S_WRR_I];
    let cw = svc[so + S_WRR_CW];
    const limit = n * (Math.floor(maxW / g) + 1);
    for (let step = 0; step < limit; step++) {
      if (++i >= n) i = 0;
      if (i === 0) {
        cw -= g;
        if (cw <= 0) cw = maxW;
      }
      const b = members[i];
      if (reg.available(b) && reg.bk[b * BK_INTS + B_WEIGHT] >= cw && !excluded(b, ex)) {
        svc[so + S_WRR_I] = i;
        svc[so + S_WRR_CW] = cw;
        return b;
      }
    }
    return NO_BACKEND;
  }

  private pickLeast(s: number, weighted: boolean, ex: ArrayLike<number>): number {
    const reg = this.reg;
    const bk = reg.bk;
    const members = reg.members[s];
    const n = reg.svc[s * SVC_INTS + S_MEMBER_COUNT];
    let least = NO_BACKEND;
    let lOh = 0;
    let lW = 1;
    for (let i = 0; i < n; i++) {
      const b = members[i];
      if (!reg.available(b) || excluded(b, ex)) continue;
      const o = b * BK_INTS;
      const oh = bk[o + B_ACTIVE] * 256 + bk[o + B_INACTIVE];
      const w = weighted ? bk[o + B_WEIGHT] : 1;
      // Counts stay below 2^24 and weights below 2^16: the products stay exact in a double.
      if (least < 0 || oh * lW < lOh * w) {
        least = b;
        lOh = oh;
        lW = w;
      }
    }
    return least;
  }

  private anyAvailableNotExcluded(s: number, ex: ArrayLike<number>): boolean {
    const members = this.reg.members[s];
    const n = this.reg.svc[s * SVC_INTS + S_MEMBER_COUNT];
    for (let i = 0; i < n; i++) if (this.reg.available(members[i]) && !excluded(members[i], ex)) return true;
    return false;
  }

  private pickHashed(s: number, hash: number, ex: ArrayLike<number>): number {
    const table = this.reg.tables[s];
    const len = this.reg.svc[s * SVC_INTS + S_TABLE_LEN];
    let idx = fastRange(hash, len);
    const first = table[idx];
    if (ex.length === 0 || !excluded(first, ex)) return first;
    if (!this.anyAvailableNotExcluded(s, ex)) return NO_BACKEND;
    for (let k = 1; k < len; k++) {
      if (++idx === len) idx = 0;
      if (!excluded(table[idx], ex)) return table[idx];
    }
    return NO_BACKEND;
  }

  /** Picks a backend for a new flow of a live service, or NO_BACKEND. Does not record the flow. */
  schedule(s: number, srcHash: number, dstHash: number, ex: ArrayLike<number> = NONE): number {
    this.tables.prepare(s);
    const so = s * SVC_INTS;
    const svc = this.reg.svc;
    if (svc[so + S_AVAIL] === 0) return NO_BACKEND;
    const sched = svc[so + S_SCHED];
    if (sched === SCHED_RR) return this.pickRr(s, ex);
    if (sched === SCHED_WRR) return this.pickWrr(s, ex);
    if (sched === SCHED_LC) return this.pickLeast(s, false, ex);
    if (sched === SCHED_WLC) return this.pickLeast(s, true, ex);
    return this.pickHashed(s, sched === SCHED_DH ? dstHash : srcHash, ex);
  }

  /** Many picks: (srcHash, dstHash) pairs in, one result each out. Hash schedulers get a bare table loop. */
  scheduleBatch(s: number, input: Uint32Array, output: Int32Array, n: number): void {
    this.tables.prepare(s);
    const so = s * SVC_INTS;
    const svc = this.reg.svc;
    const len = svc[so + S_TABLE_LEN];
    if (svc[so + S_AVAIL] === 0) {
      output.fill(NO_BACKEND, 0, n);
    } else if (len > 0) {
      const table = this.reg.tables[s];
      const off = svc[so + S_SCHED] === SCHED_DH ? 1 : 0;
      for (let i = 0; i < n; i++) {
        output[i] = table[Math.floor((input[2 * i + off] * len) / TWO_POW_32)];
      }
    } else {
      for (let i = 0; i < n; i++) output[i] = this.schedule(s, input[2 * i], input[2 * i + 1]);
    }
  }
}
