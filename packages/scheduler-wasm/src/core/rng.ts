/**
 * The seedable RNG both kernels use to break score ties: xorshift32 on the state kept in the table header,
 * so the same seed gives the same choices in either engine. assembly/rng.ts is the same function in u32.
 */
export function xorshift32(state: number): number {
  let x = state | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x | 0;
}

/** A uniform integer in [0, n) from a state: the high bits of state * n (exact in f64 for n < 2^21). */
export function pick(state: number, n: number): number {
  return Math.floor(((state >>> 0) * n) / 4294967296);
}

/** A non-zero state from any integer seed (xorshift must not start at 0). */
export function seedState(seed: number): number {
  const s = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x5bd1e995) | 0;
  return s === 0 ? 0x2545f491 : s;
}
