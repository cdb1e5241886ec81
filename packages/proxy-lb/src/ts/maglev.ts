// The TypeScript engine's Maglev build: the same table as assembly/maglev.ts (see there for the algorithm, a
// worked example and why it is laid out this way), by the same method: a doubled byte map of taken slots, probe
// windows at precomputed offsets k*skip mod M, a precomputed round of turns, and the last slots by rank.
import { inverseMod, tailSize, TsMaglevTail } from './maglev-tail.js';
import { B_ID1, B_ID2, BK_INTS } from './registry.js';

// Backend record (REC_INTS): walk position, backend slot, inverse of skip (0 until needed), off(0..16).
const REC_INTS = 20;
const R_POS = 0;
const R_SLOT = 1;
const R_INV = 2;
const R_OFF = 3;
const MAX_OFF = 16;

// Window width by how full the table is, as in the WASM engine.
const SINGLE_UNTIL = 0.1;
const WINDOW4_UNTIL = 0.6;
const WINDOW8_UNTIL = 0.85;

export class TsMaglev {
  private recs = new Int32Array(64 * REC_INTS);
  private round = new Int32Array(64);
  private taken = new Uint8Array(0);
  private readonly tail = new TsMaglevTail();

  /** Record bases in turn order for one round; returns the round's length. */
  private prepareRecords(m: number, n: number, slots: Int32Array, turns: Int32Array, bk: Int32Array): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += turns[i];
    if (this.recs.length < n * REC_INTS) this.recs = new Int32Array(n * REC_INTS);
    if (this.round.length < total) this.round = new Int32Array(total);
    const { recs, round } = this;
    let t = 0;
    for (let i = 0; i < n; i++) {
      const r = i * REC_INTS;
      const o = slots[i] * BK_INTS;
      const skip = ((bk[o + B_ID2] >>> 0) % (m - 1)) + 1;
      recs[r + R_POS] = (bk[o + B_ID1] >>> 0) % m;
      recs[r + R_SLOT] = slots[i];
      recs[r + R_INV] = 0;
      let off = 0;
      for (let k = 0; k <= MAX_OFF; k++) {
        recs[r + R_OFF + k] = off;
        off += skip;
        if (off >= m) off -= m;
      }
      for (let j = turns[i]; j > 0; j--) round[t++] = r;
    }
    return total;
  }

  /**
   * Fills table[0, m) for the n backends in `slots` (identity order), each taking `turns` entries per round;
   * `bk` is the registry's backend records.
   */
  build(table: Int32Array, m: number, n: number, slots: Int32Array, turns: Int32Array, bk: Int32Array): void {
    const total = this.prepareRecords(m, n, slots, turns, bk);
    if (this.taken.length < 2 * m) this.taken = new Uint8Array(2 * m);
    const taken = this.taken;
    taken.fill(0, 0, 2 * m);
    const { recs, round } = this;
    const walkUntil = m - Math.min(tailSize(m), m);
    const singleUntil = Math.min(walkUntil, Math.trunc(m * SINGLE_UNTIL));
    const window4Until = Math.min(walkUntil, Math.max(singleUntil, Math.trunc(m * WINDOW4_UNTIL)));
    const window8Until = Math.min(walkUntil, Math.max(window4Until, Math.trunc(m * WINDOW8_UNTIL)));
    let filled = 0;
    let t = 0;
    // One loop per window width (as in the WASM engine); `t` walks the round's turn order.
    for (; filled < singleUntil; filled++) {
      const r = round[t];
      take(recs, taken, table, r, walkSingle(recs, taken, recs[r + R_POS], r + R_OFF, m), m);
      if (++t === total) t = 0;
    }
    for (; filled < window4Until; filled++) {
      const r = round[t];
      take(recs, taken, table, r, walk4(recs, taken, recs[r + R_POS], r + R_OFF, m), m);
      if (++t === total) t = 0;
    }
    for (; filled < window8Until; filled++) {
      const r = round[t];
      take(recs, taken, table, r, walk8(recs, taken, recs[r + R_POS], r + R_OFF, m), m);
      if (++t === total) t = 0;
    }
    for (; filled < walkUntil; filled++) {
      const r = round[t];
      take(recs, taken, table, r, walk16(recs, taken, recs[r + R_POS], r + R_OFF, m), m);
      if (++t === total) t = 0;
    }
    this.fillTail(table, m, filled, t, total);
  }

  private fillTail(table: Int32Array, m: number, filled: number, t: number, total: number): void {
    const { recs, round, tail } = this;
    tail.collectEmpties(this.taken, m, m - filled);
    while (filled < m) {
      const r = round[t];
      let inv = recs[r + R_INV];
      if (inv === 0) inv = recs[r + R_INV] = inverseMod(recs[r + R_OFF + 1], m);
      const c = tail.takeFirstEmpty(recs[r + R_POS], inv, m);
      table[c] = recs[r + R_SLOT];
      const next = c + recs[r + R_OFF + 1];
      recs[r + R_POS] = next >= m ? next - m : next;
      filled++;
      if (++t === total) t = 0;
    }
  }
}

/** Gives slot c to the backend of record r and moves its walk one step on. */
function take(recs: Int32Array, taken: Uint8Array, table: Int32Array, r: number, c: number, m: number): void {
  taken[c] = 1;
  taken[c + m] = 1;
  table[c] = recs[r + R_SLOT];
  recs[r + R_POS] = wrap(c + recs[r + R_OFF + 1], m);
}

/** Taken bits of the 4 steps whose offsets start at recs[o], bit 0 for the first; 1 = taken. */
function window4(recs: Int32Array, taken: Uint8Array, c: number, o: number): number {
  return taken[c + recs[o]] | (taken[c + recs[o + 1]] << 1) | (taken[c + recs[o + 2]] << 2) | (taken[c + recs[o + 3]] << 3);
}

/** The first free slot from c on (c included): one probe, then windows of 8. */
function walkSingle(recs: Int32Array, taken: Uint8Array, c: number, o: number, m: number): number {
  if (taken[c] === 0) return c;
  for (;;) {
    const mask = window4(recs, taken, c, o + 1) | (window4(recs, taken, c, o + 5) << 4);
    if (mask !== 0xff) return wrap(c + recs[o + 1 + ctz(~mask)], m);
    c = wrap(c + recs[o + 8], m);
  }
}

function walk4(recs: Int32Array, taken: Uint8Array, c: number, o: number, m: number): number {
  for (;;) {
    const mask = window4(recs, taken, c, o);
    if (mask !== 0xf) return wrap(c + recs[o + ctz(~mask)], m);
    c = wrap(c + recs[o + 4], m);
  }
}

function walk8(recs: Int32Array, taken: Uint8Array, c: number, o: number, m: number): number {
  for (;;) {
    const mask = window4(recs, taken, c, o) | (window4(recs, taken, c, o + 4) << 4);
    if (mask !== 0xff) return wrap(c + recs[o + ctz(~mask)], m);
    c = wrap(c + recs[o + 8], m);
  }
}

function walk16(recs: Int32Array, taken: Uint8Array, c: number, o: number, m: number): number {
  for (;;) {
    const mask = window4(recs, taken, c, o) | (window4(recs, taken, c, o + 4) << 4) |
      (window4(recs, taken, c, o + 8) << 8) | (window4(recs, taken, c, o + 12) << 12);
    if (mask !== 0xffff) return wrap(c + recs[o + ctz(~mask)], m);
    c = wrap(c + recs[o + MAX_OFF], m);
  }
}

function wrap(c: number, m: number): number {
  return c >= m ? c - m : c;
}

/** Count of trailing zero bits of a non-zero 32-bit value. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}
