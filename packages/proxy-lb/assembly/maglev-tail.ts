// The last slots of a Maglev build, found by rank instead of by walking. With E slots still empty a walk needs
// about M/E probes to reach the next one, so the last few hundred slots would cost more than all the others.
// Instead, for the backend whose turn it is (walk position c, skip s), each empty slot e gets its rank, the
// number of steps the walk would take to reach it:
//
//   rank(e) = (e - c) * inverse(s) mod M        (M prime, so every s has an inverse)
//
// and the empty slot of least rank is exactly the one the walk would stop at. That costs E per slot, so it pays
// from about sqrt(M) empty slots down (tailSize).
//
// Ranks are computed two at a time in f64x2 lanes, exactly: with x = (e - c) * inverse and M < 2^20 (the
// largest table size allowed), x * 4096 stays below 2^52 so every product is an exact integer, and the computed
// x / M is within 2^-32 of the true one, so its floor can only be wrong if x / M is that close to an integer.
// It never is: x is a multiple of M only when e = c (x = 0, exact), and otherwise its fraction is at least 1/M.
// The key rank * 4096 + index carries the index, so one running minimum gives both.

/** Index scale in a key: lists stay below this many entries (tailSize's cap leaves room for padding). */
const KEY_SCALE: f64 = 4096;
const MAX_TAIL: i32 = 4000;
/** The tail starts at sqrt(M) empty slots (256 for the default 65537), the break-even measured for that size. */
export function tailSize(m: i32): i32 {
  const t = <i32>Math.sqrt(<f64>m);
  return t < MAX_TAIL ? t : MAX_TAIL;
}

// The empty slots, as f64 so the rank loop loads them straight into lanes, and 0, 1, 2, ... for the keys.
let cap: i32 = 0;
let empties: usize = 0;
let indexes: usize = 0;
let count: i32 = 0;

function ensureLists(n: i32): void {
  // Room for padding the list to a multiple of four entries.
  const need = n + 4;
  if (need <= cap) return;
  if (cap > 0) {
    heap.free(empties);
    heap.free(indexes);
  }
  empties = heap.alloc(<usize>need << 3);
  indexes = heap.alloc(<usize>need << 3);
  for (let k = 0; k < need; k++) store<f64>(indexes + (<usize>k << 3), <f64>k);
  cap = need;
}

/** Lists the slots not yet taken (`taken` has one byte per slot, non-zero when taken); `expected` bounds them. */
export function collectEmpties(taken: usize, m: i32, expected: i32): void {
  ensureLists(expected);
  let k = 0;
  let c = 0;
  // Eight bytes at a time: nearly every slot is taken by now.
  for (; c + 8 <= m; c += 8) {
    if (load<u64>(taken + <usize>c) == 0x0101010101010101) continue;
    for (let q = c; q < c + 8; q++) {
      if (load<u8>(taken + <usize>q) == 0) {
        store<f64>(empties + (<usize>k << 3), <f64>q);
        k++;
      }
    }
  }
  for (; c < m; c++) {
    if (load<u8>(taken + <usize>c) == 0) {
      store<f64>(empties + (<usize>k << 3), <f64>c);
      k++;
    }
  }
  count = k;
}

/** The multiplicative inverse of s modulo the prime m (extended Euclid; every coefficient stays within m). */
export function inverseMod(s: i32, m: i32): i32 {
  let a = s;
  let b = m;
  let x0 = 1;
  let x1 = 0;
  while (b != 0) {
    const q = a / b;
    const r = a - q * b;
    a = b;
    b = r;
    const x = x0 - q * x1;
    x0 = x1;
    x1 = x;
  }
  return x0 < 0 ? x0 + m : x0;
}

// @ts-ignore: decorator
@inline function keysAt(k: i32, c: v128, inv: v128, perM: v128, mScaled: v128): v128 {
  const o = <usize>k << 3;
  const x = f64x2.mul(f64x2.sub(v128.load(empties + o), c), inv);
  const q = f64x2.floor(f64x2.mul(x, perM));
  return f64x2.add(f64x2.sub(x, f64x2.mul(q, mScaled)), v128.load(indexes + o));
}

/**
 * Removes and returns the empty slot the walk from `c` with skip inverse `inv` reaches first. At least one slot
 * must be empty.
 */
export function takeFirstEmpty(c: i32, inv: i32, m: i32): u32 {
  const n = count;
  // Pad with copies of the last entry: same rank, higher index, so never the minimum over the original.
  const last = load<f64>(empties + (<usize>(n - 1) << 3));
  for (let k = n; (k & 3) != 0; k++) store<f64>(empties + (<usize>k << 3), last);
  const vc = f64x2.splat(<f64>c);
  const vinv = f64x2.splat(<f64>inv * KEY_SCALE);
  const perM = f64x2.splat(1.0 / (<f64>m * KEY_SCALE));
  const mScaled = f64x2.splat(<f64>m * KEY_SCALE);
  // Two running minimums, so each pmin waits on the one two steps back, not the one before.
  let b0 = f64x2.splat(Infinity);
  let b1 = b0;
  for (let k = 0; k < n; k += 4) {
    b0 = f64x2.pmin(b0, keysAt(k, vc, vinv, perM, mScaled));
    b1 = f64x2.pmin(b1, keysAt(k + 2, vc, vinv, perM, mScaled));
  }
  const best = f64x2.pmin(b0, b1);
  const lo = f64x2.extract_lane(best, 0);
  const hi = f64x2.extract_lane(best, 1);
  const at = <i32>(<u64>(hi < lo ? hi : lo) % <u64>KEY_SCALE);
  const p = empties + (<usize>at << 3);
  const slot = <u32>load<f64>(p);
  count = n - 1;
  store<f64>(p, load<f64>(empties + (<usize>(n - 1) << 3)));
  return slot;
}
