// Exact integer division and rounding in f64, identical to src/ts/arith.ts so both engines agree bit for bit.

/** floor(a / b) for integers 0 <= a, 0 < b below 2^53. */
@inline export function idiv(a: f64, b: f64): f64 {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  return q;
}

/** Go's math.Round for non-negative x. */
@inline export function roundNonNegative(x: f64): f64 {
  const f = Math.floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

/** xorshift32, as src/core/rng.ts. */
@inline export function xorshift32(state: u32): u32 {
  let x = state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

/** A uniform integer in [0, n): the high 32 bits of state * n. */
@inline export function pick(state: u32, n: i32): i32 {
  return <i32>((<u64>state * <u64>n) >> 32);
}
