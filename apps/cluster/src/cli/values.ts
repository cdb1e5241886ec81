/**
 * Parsers for flag values. Each throws an Error whose message describes the bad value; parseCommandLine puts the
 * flag's name in front of it.
 */
import { resolve } from 'node:path';
import { parseCidr, type Cidr } from '../network/cidr.js';

export function wholeNumber(min: number, max: number): (raw: string) => number {
  return (raw) => {
    if (!/^\d+$/.test(raw)) throw new Error(`"${raw}" is not a whole number (${min}-${max})`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`${n} is out of range (${min}-${max})`);
    return n;
  };
}

export function port(raw: string): number {
  return wholeNumber(0, 65535)(raw);
}

export function oneOf<T extends string>(choices: readonly T[]): (raw: string) => T {
  return (raw) => {
    if (!(choices as readonly string[]).includes(raw)) throw new Error(`"${raw}" is not one of ${choices.join(', ')}`);
    return raw as T;
  };
}

/** An IPv4 CIDR whose prefix length is between `minBits` and `maxBits`. */
export function cidr(minBits: number, maxBits: number): (raw: string) => Cidr {
  return (raw) => {
    const c = parseCidr(raw);
    if (c.bits < minBits || c.bits > maxBits) throw new Error(`${raw} needs a prefix length between /${minBits} and /${maxBits}`);
    return c;
  };
}

/** Comma-separated http(s) URLs, as etcd's and kube-apiserver's flags take them. */
export function urlList(raw: string): string[] {
  const urls = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (urls.length === 0) throw new Error('needs at least one URL');
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new Error(`"${u}" is not a URL (e.g. http://127.0.0.1:2379)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`"${u}" must start with http:// or https://`);
  }
  return urls;
}

export function directory(raw: string): string {
  if (raw.trim() === '') throw new Error('needs a directory');
  return resolve(raw);
}

export function existingText(what: string): (raw: string) => string {
  return (raw) => {
    if (raw.trim() === '') throw new Error(`needs ${what}`);
    return raw;
  };
}

export function logLevel(raw: string): string {
  return oneOf(['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const)(raw);
}
