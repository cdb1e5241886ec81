/**
 * A label value as Go's strconv.ParseInt(value, 10, 64) reads it for the Gt/Lt node-selector operators: an
 * optional sign and decimal digits, within int64. NaN when it does not parse, which makes every comparison false.
 * Values beyond 2^53 lose precision in f64; such labels are not meaningful thresholds in practice.
 */
const INT64_MAX = 9223372036854775807n;

export function parseLabelInt(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) return NaN;
  const big = BigInt(value);
  if (big > INT64_MAX || big < -INT64_MAX - 1n) return NaN;
  return Number(big);
}
