// The TypeScript engine's connection table: the same entries, probing, deletion, expiry and affinity rules as
// assembly/conntrack.ts (see there for the layout and the reasoning), in one ArrayBuffer seen as u32 and f64.
import { mix32 } from '../hash.js';
import { NO_BACKEND, PROTO_TCP, TABLE_FULL } from '../status.js';
import {
  B_ACTIVE, B_GEN, B_INACTIVE, B_PERSIST, B_STATE, B_SVC, BK_INTS, S_PROTO, STATE_FREE, SVC_INTS, type TsRegistry,
} from './registry.js';
import { excluded, type TsScheduler } from './schedule.js';

const WORDS = 8;
const E_KEY_LO = 0;
const E_KEY_HI = 1;
const E_SVC = 2;
const E_BACKEND = 3;
const E_GEN = 4;
const E_FLAGS = 5;
/** lastSeen lives in f64 slot (entry * 4 + 3), i.e. words 6 and 7. */
const SEEN_F64 = 3;

const F_USED = 1;
const F_TEMPLATE = 2;
const F_ACTIVE = 4;

const MIN_CAPACITY = 1024;

export class TsConntrack {
  private u = new Uint32Array(MIN_CAPACITY * WORDS);
  private f = new Float64Array(this.u.buffer);
  private mask = MIN_CAPACITY - 1;
  private capacity = MIN_CAPACITY;
  private sweepCursor = 0;
  count = 0;

  constructor(
    private readonly reg: TsRegistry,
    private readonly sched: TsScheduler,
    private readonly maxEntries: number,
  ) {}

  private home(lo: number, hi: number, svc: number, template: number): number {
    const rot = ((hi << 16) | (hi >>> 16)) >>> 0;
    return mix32(lo ^ rot ^ Math.imul(svc, 0x9e3779b1) ^ (template !== 0 ? 0x27d4eb2f : 0)) & this.mask;
  }

  private find(svc: number, lo: number, hi: number, template: number): number {
    const u = this.u;
    const want = F_USED | (template !== 0 ? F_TEMPLATE : 0);
    let i = this.home(lo, hi, svc, template);
    for (;;) {
      const o = i * WORDS;
      const fl = u[o + E_FLAGS];
      if (fl === 0) return -1;
      if (u[o + E_KEY_LO] === lo && u[o + E_KEY_HI] === hi && u[o + E_SVC] === svc && (fl & ~F_ACTIVE) === want) return i;
      i = (i + 1) & this.mask;
    }
  }

  private valid(i: number): boolean {
    const o = i * WORDS;
    const bo = this.u[o + E_BACKEND] * BK_INTS;
    const bk = this.reg.bk;
    return bk[bo + B_STATE] !== STATE_FREE && bk[bo + B_GEN] >>> 0 === this.u[o + E_GEN] && bk[bo + B_SVC] === this.u[o + E_SVC];
  }

  private expired(i: number, now: number): boolean {
    const o = i * WORDS;
    const s = this.u[o + E_SVC];
    const t = this.reg.svcTimeouts[s * 2 + ((this.u[o + E_FLAGS] & F_TEMPLATE) !== 0 ? 1 : 0)];
    return t > 0 && now - this.f[i * 4 + SEEN_F64] >= t;
  }

  private countDelta(i: number, delta: number): void {
    const o = i * WORDS;
    const fl = this.u[o + E_FLAGS];
    const field = (fl & F_TEMPLATE) !== 0 ? B_PERSIST : (fl & F_ACTIVE) !== 0 ? B_ACTIVE : B_INACTIVE;
    this.reg.bk[this.u[o + E_BACKEND] * BK_INTS + field] += delta;
  }

  private deleteAt(start: number): void {
    if (this.valid(start)) this.countDelta(start, -1);
    this.count--;
    const u = this.u;
    let hole = start;
    let j = start;
    for (;;) {
      j = (j + 1) & this.mask;
      const o = j * WORDS;
      const fl = u[o + E_FLAGS];
      if (fl === 0) break;
      const h = this.home(u[o + E_KEY_LO], u[o + E_KEY_HI], u[o + E_SVC], fl & F_TEMPLATE);
      const stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (stays) continue;
      u.copyWithin(hole * WORDS, o, o + WORDS);
      hole = j;
    }
    u.fill(0, hole * WORDS, hole * WORDS + WORDS);
  }

  private place(lo: number, hi: number, svc: number, flags: number, b: number, now: number): number {
    const u = this.u;
    let i = this.home(lo, hi, svc, flags & F_TEMPLATE);
    while (u[i * WORDS + E_FLAGS] !== 0) i = (i + 1) & this.mask;
    const o = i * WORDS;
    u[o + E_KEY_LO] = lo;
    u[o + E_KEY_HI] = hi;
    u[o + E_SVC] = svc;
    u[o + E_BACKEND] = b;
    u[o + E_GEN] = this.reg.bk[b * BK_INTS + B_GEN];
    u[o + E_FLAGS] = flags;
    this.f[i * 4 + SEEN_F64] = now;
    return i;
  }

  private growIfNeeded(): void {
    if ((this.count + 1) * 2 <= this.capacity) return;
    const old = this.u;
    const oldCap = this.capacity;
    this.capacity = oldCap * 2;
    this.mask = this.capacity - 1;
    this.u = new Uint32Array(this.capacity * WORDS);
    this.f = new Float64Array(this.u.buffer);
    for (let i = 0; i < oldCap; i++) {
      const o = i * WORDS;
      const fl = old[o + E_FLAGS];
      if (fl === 0) continue;
      let j = this.home(old[o + E_KEY_LO], old[o + E_KEY_HI], old[o + E_SVC], fl & F_TEMPLATE);
      while (this.u[j * WORDS + E_FLAGS] !== 0) j = (j + 1) & this.mask;
      this.u.set(old.subarray(o, o + WORDS), j * WORDS);
    }
    this.sweepCursor = 0;
  }

  private insert(lo: number, hi: number, svc: number, flags: number, b: number, now: number): void {
    this.growIfNeeded();
    this.countDelta(this.place(lo, hi, svc, flags, b, now), 1);
    this.count++;
  }

  /** See assembly/conntrack.ts lookup(). `lo`, `hi`, `client` must be unsigned 32-bit values. */
  lookup(svc: number, lo: number, hi: number, srcHash: number, dstHash: number, client: number, now: number, ex: ArrayLike<number>): number {
    const reg = this.reg;
    const fi = this.find(svc, lo, hi, 0);
    if (fi >= 0) {
      const b = this.u[fi * WORDS + E_BACKEND];
      if (this.valid(fi) && !this.expired(fi, now) && !excluded(b, ex)) {
        this.f[fi * 4 + SEEN_F64] = now;
        return b;
      }
      this.deleteAt(fi);
    }
    const affinity = reg.svcTimeouts[svc * 2 + 1] > 0;
    let ti = -1;
    let b = NO_BACKEND;
    if (affinity) {
      ti = this.find(svc, client, 0, 1);
      if (ti >= 0) {
        const tb = this.u[ti * WORDS + E_BACKEND];
        if (this.valid(ti) && !this.expired(ti, now) && reg.available(tb) && !excluded(tb, ex)) b = tb;
      }
    }
    const needed = affinity && ti < 0 ? 2 : 1;
    if (this.count + needed > this.maxEntries) return TABLE_FULL;
    if (b < 0) {
      b = this.sched.schedule(svc, srcHash, dstHash, ex);
      if (b < 0) return b;
      if (ti >= 0) {
        if (this.valid(ti)) this.countDelta(ti, -1);
        this.u[ti * WORDS + E_BACKEND] = b;
        this.u[ti * WORDS + E_GEN] = reg.bk[b * BK_INTS + B_GEN];
        this.countDelta(ti, 1);
      }
    }
    if (affinity) {
      if (ti >= 0) this.f[ti * 4 + SEEN_F64] = now;
      else this.insert(client, 0, svc, F_USED | F_TEMPLATE, b, now);
    }
    const active = reg.svc[svc * SVC_INTS + S_PROTO] === PROTO_TCP ? F_ACTIVE : 0;
    this.insert(lo, hi, svc, F_USED | active, b, now);
    return b;
  }

  release(svc: number, lo: number, hi: number): boolean {
    const i = this.find(svc, lo, hi, 0);
    if (i < 0) return false;
    this.deleteAt(i);
    return true;
  }

  flowBackend(svc: number, lo: number, hi: number, now: number): number {
    const i = this.find(svc, lo, hi, 0);
    if (i < 0) return NO_BACKEND;
    return this.valid(i) && !this.expired(i, now) ? this.u[i * WORDS + E_BACKEND] : NO_BACKEND;
  }

  sweep(now: number, budget: number): number {
    let dropped = 0;
    for (let visited = 0; visited < budget && this.count > 0; visited++) {
      const i = this.sweepCursor;
      if (this.u[i * WORDS + E_FLAGS] !== 0 && (!this.valid(i) || this.expired(i, now))) {
        this.deleteAt(i);
        dropped++;
        continue;
      }
      this.sweepCursor = (i + 1) & this.mask;
    }
    return dropped;
  }
}
