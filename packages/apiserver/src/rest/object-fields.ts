/** Server-owned metadata: uids, timestamps, generated names. */
import { randomInt, randomUUID } from 'node:crypto';

let cachedSecond = -1;
let cachedStamp = '';

/** RFC 3339 in whole seconds, as metav1.Time serializes. */
export function nowTimestamp(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedStamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return cachedStamp;
}

/** RFC 3339 with microseconds, as metav1.MicroTime serializes. */
export function nowMicroTimestamp(now = Date.now()): string {
  return new Date(now).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function newUid(): string {
  return randomUUID();
}

// The alphabet Kubernetes uses for generated suffixes: no vowels (no words), no look-alikes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** `generateName` plus a random suffix, trimmed so the result stays a valid 63-character name. */
export function generatedName(base: string): string {
  const max = 63 - 5;
  return (base.length > max ? base.slice(0, max) : base) + randomSuffix();
}
