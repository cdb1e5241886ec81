// The TypeScript engine's last Maglev slots, found by rank: the same method as assembly/maglev-tail.ts (see
// there for why it pays and why the arithmetic is exact), one rank at a time.

const MAX_TAIL = 4000;

/** The tail starts at sqrt(M) empty slots, as in the WASM engine. */
export function tailSize(m: number): number {
  return Math.min(Math.trunc(Math.sqrt(m)), MAX_TAIL);
}

/** The multiplicative inverse of s modulo the prime m. */
export function inverseMod(s: number, m: number): number {
  let a = s;
  let b = m;
  let x0 = 1;
  let x1 = 0;
  while (b !== 0) {
    const q = Math.trunc(a / b);
    const r = a - q * b;
    a = b;
    b = r;
    const x = x0 - q * x1;
    x0 = x1;
    x1 = x;
  }
  return x0 < 0 ? x0 + m : x0;
}

export class TsMaglevTail {
  private empties = new Int32Array(64);
  private count = 0;

  /** Lists the slots whose byte in `taken` is 0; there are at most `expected`. */
  collectEmpties(taken: Uint8Array, m: number, expected: number): void {
    if (this.empties.length < expected) this.empties = new Int32Array(expected);
    const empties = this.empties;
    let k = 0;
    for (let c = 0; c < m; c++) if (taken[c] === 0) empties[k++] = c;
    this.count = k;
  }

  /** Removes and returns the empty slot the walk from `c` with skip inverse `inv` reaches first. */
  takeFirstEmpty(c: number, inv: number, m: number): number {
    const empties = this.empties;
    const n = this.count;
    // x = (e - c) * inv is below 2^40 in magnitude, so x - floor(x / m) * m is exact in doubles.
    const perM = 1 / m;
    let best = m;
    let at = 0;
    for (let k = 0; k < n; k++) {
      const x = (empties[k] - c) * inv;
      const rank = x - Math.floor(x * perM) * m;
      if (rank < best) {
        best = rank;
        at = k;
      }
    }
    const slot = empties[at];
    this.count = n - 1;
    empties[at] = empties[n - 1];
    return slot;
  }
}
