import { randomFillSync } from 'node:crypto';

/** Keys shaped like the API server's: /registry/pods/<namespace>/<name>, 50 namespaces. */
export function podKey(i: number): string {
  return `/registry/pods/ns-${(i % 50).toString().padStart(2, '0')}/web-${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-${i}`;
}

export function latin1Bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

export interface Workload {
  size: number;
  keys: Uint8Array[];
  keyStrings: string[];
  /** Indices into keys in sorted key order, for ranges of exactly N keys. */
  sorted: number[];
  /** A fixed random visiting order, so every engine sees the same sequence. */
  order: Uint32Array;
  /** size distinct 1 KiB values (views of one pool). */
  values: Uint8Array[];
}

export const VALUE_BYTES = 1024;

export function makeWorkload(size: number): Workload {
  const keyStrings = Array.from({ length: size }, (_, i) => podKey(i));
  const keys = keyStrings.map(latin1Bytes);
  const sorted = keyStrings.map((_, i) => i).sort((a, b) => (keyStrings[a]! < keyStrings[b]! ? -1 : 1));
  const order = new Uint32Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) order[i] = i;
  for (let i = size - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const pool = randomFillSync(new Uint8Array(size * VALUE_BYTES));
  const values = Array.from({ length: size }, (_, i) => pool.subarray(i * VALUE_BYTES, (i + 1) * VALUE_BYTES));
  return { size, keys, keyStrings, sorted, order, values };
}
