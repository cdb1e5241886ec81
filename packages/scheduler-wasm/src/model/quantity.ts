import { SchedulerError } from '../errors.js';

/**
 * Kubernetes resource quantities ("100m", "1.5Gi", "2e3") as exact integers: `milli` gives MilliValue() (cpu),
 * otherwise Value(); both round up like apimachinery's resource.Quantity. Results above 2^53 - 1 are rejected
 * because the kernels keep quantities in f64 and must stay exact.
 */
const binary: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const pattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE])([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

const cache = new Map<string, number>();

export function parseQuantity(input: unknown, milli: boolean): number {
  if (typeof input !== 'string' && typeof input !== 'number') {
    throw new SchedulerError('InvalidQuantity', `${JSON.stringify(input)} is not a quantity`);
  }
  const text = typeof input === 'number' ? String(input) : input;
  const key = (milli ? 'm:' : 'v:') + text;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = parse(text, milli);
  if (cache.size > 10_000) cache.clear();
  cache.set(key, value);
  return value;
}

function parse(text: string, milli: boolean): number {
  const m = pattern.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
    throw new SchedulerError('InvalidQuantity', `"${String(text)}" is not a quantity`);
  }
  if (m[1] === '-' && /[1-9]/.test(m[2]! + (m[3] ?? ''))) {
    throw new SchedulerError('InvalidQuantity', `"${text}" is negative`);
  }
  const frac = m[3] ?? '';
  let mantissa = BigInt((m[2] || '0') + frac);
  let exp10 = -frac.length + (milli ? 3 : 0);
  let exp2 = 0n;
  if (m[4]) exp10 += Number(m[5]);
  else if (m[6] && m[6] in binary) exp2 = binary[m[6]]!;
  else if (m[6] !== undefined) exp10 += decimal[m[6]]!;
  if (exp10 > 40 || exp10 < -60) {
    if (mantissa === 0n) return 0;
    if (exp10 > 40) throw new SchedulerError('InvalidQuantity', `"${text}" is too large`);
    return 1; // a positive amount far below one unit still rounds up to one
  }
  mantissa <<= exp2;
  let num = mantissa;
  let den = 1n;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den = 10n ** BigInt(-exp10);
  const q = (num + den - 1n) / den;
  if (q > BigInt(Number.MAX_SAFE_INTEGER)) throw new SchedulerError('InvalidQuantity', `"${text}" is too large`);
  return Number(q);
}
