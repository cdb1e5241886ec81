/**
 * floor(a / b) for integers 0 <= a, 0 < b below 2^53, exactly: the correctly rounded quotient can round up to the
 * next integer when b is large, so step back when it overshoots. assembly/arith.ts does the same in f64 so both
 * engines agree bit for bit.
 */
export function idiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  return q;
}

/** Go's math.Round for non-negative x: halves round up. */
export function roundNonNegative(x: number): number {
  const f = Math.floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}
