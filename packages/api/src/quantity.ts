/**
 * Resource quantities ("100m", "1.5Gi", "2e3"). A quantity is kept as an exact count of nano-units (bigint) plus
 * the family of suffix it was written in, which decides how it is printed back:
 *
 *   "1.5Gi" -> 1610612736e9 nanos, BinarySI  -> canonical "1536Mi"
 *   "0.5"   -> 500000000 nanos,    DecimalSI -> canonical "500m"
 *   "1e3"   -> 1000e9 nanos,       DecimalExponent -> canonical "1e3"
 *
 * Precision below one nano-unit is rounded up, as Kubernetes does.
 */

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Quantity {
  nanos: bigint;
  format: QuantityFormat;
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX_BY_EXP = new Map(Object.entries(DECIMAL_EXP).map(([s, e]) => [e, s]));
const NANO = 1_000_000_000n;

const QUANTITY_RE = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

export class QuantityError extends Error {
  constructor(input: string) {
    super(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    this.name = 'QuantityError';
    void input;
  }
}

const POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

function pow10(e: number): bigint {
  return e < POW10.length ? POW10[e]! : 10n ** BigInt(e);
}

/** ceil(a / b) for b > 0, toward +infinity. */
function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/**
 * Parsed quantities by their text, kept because objects repeat the same few ("100m", "64Mi") endlessly and a parse
 * costs a regular expression and bigint arithmetic. Results are frozen: they are shared.
 */
const parsedQuantities = new Map<string, Quantity>();
const MAX_PARSED_QUANTITIES = 1024;

/** Parses a quantity; throws QuantityError when malformed. The result is shared and frozen. */
export function parseQuantity(input: string | number): Quantity {
  const key = typeof input === 'string' ? input : undefined;
  if (key !== undefined) {
    const hit = parsedQuantities.get(key);
    if (hit) return hit;
  }
  const q = Object.freeze(parseQuantityUncached(input));
  if (key !== undefined) {
    if (parsedQuantities.size >= MAX_PARSED_QUANTITIES) parsedQuantities.clear();
    parsedQuantities.set(key, q);
  }
  return q;
}

function parseQuantityUncached(input: string | number): Quantity {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(String(input));
    input = String(input);
  }
  const s = input.trim();
  const m = QUANTITY_RE.exec(s);
  if (!m) throw new QuantityError(s);
  const numStr = m[1]!;
  const suffix = m[2] ?? '';
  const negative = numStr.startsWith('-');
  const digits = numStr.replace(/^[+-]/, '');
  const [intPart, fracPart = ''] = digits.split('.');
  // mantissa * 10^-fracLen is the number as written.
  const mantissa = BigInt((intPart || '0') + fracPart);
  const fracLen = fracPart.length;
  let nanos: bigint;
  let format: QuantityFormat;
  if (suffix in BINARY) {
    format = 'BinarySI';
    nanos = divCeil(mantissa * BINARY[suffix]! * NANO, pow10(fracLen));
  } else {
    let exp: number;
    if (suffix.startsWith('e') || suffix.startsWith('E')) {
      format = 'DecimalExponent';
      exp = Number(suffix.slice(1));
      if (Math.abs(exp) > 1000) throw new QuantityError(s);
    } else {
      format = 'DecimalSI';
      exp = DECIMAL_EXP[suffix]!;
    }
    const shift = exp + 9 - fracLen;
    nanos = shift >= 0 ? mantissa * pow10(shift) : divCeil(mantissa, pow10(-shift));
  }
  return { nanos: negative ? -nanos : nanos, format };
}

export function isValidQuantity(input: unknown): boolean {
  if (typeof input !== 'string' && typeof input !== 'number') return false;
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

/** Negative, zero or positive. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** The value as a float (for display and arithmetic where exactness does not matter). */
export function quantityToNumber(q: Quantity): number {
  return Number(q.nanos) / 1e9;
}

/** The value in milli-units, rounded up (CPU is compared in millicores). */
export function quantityMilli(q: Quantity): bigint {
  return divCeil(q.nanos, 1_000_000n);
}

function formatDecimal(nanos: bigint, exponentForm: boolean): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  let abs = nanos < 0n ? -nanos : nanos;
  // Largest exponent (a multiple of 3, from -9 up) at which the mantissa is still an integer.
  let exp = -9;
  while (exp < 18 && abs % 1000n === 0n) {
    abs /= 1000n;
    exp += 3;
  }
  if (exponentForm) return exp === 0 ? `${sign}${abs}` : `${sign}${abs}e${exp}`;
  while (exp > 18) {
    abs *= 1000n;
    exp -= 3;
  }
  return `${sign}${abs}${DECIMAL_SUFFIX_BY_EXP.get(exp)}`;
}

/** The canonical string, as the server stores and returns it. */
export function formatQuantity(q: Quantity): string {
  if (q.format === 'BinarySI' && q.nanos % NANO === 0n) {
    const sign = q.nanos < 0n ? '-' : '';
    let units = (q.nanos < 0n ? -q.nanos : q.nanos) / NANO;
    // Values below 1Ki print as plain integers, as Kubernetes does.
    if (units < 1024n) return `${sign}${units}`;
    const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    let i = 0;
    while (i < suffixes.length - 1 && units % 1024n === 0n) {
      units /= 1024n;
      i++;
    }
    return `${sign}${units}${suffixes[i]}`;
  }
  return formatDecimal(q.nanos, q.format === 'DecimalExponent');
}

/** Parses and prints back in canonical form ("1.5Gi" -> "1536Mi"). */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}
