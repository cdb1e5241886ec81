/**
 * etcd's key-range conventions, in one place.
 *
 *   key="a", rangeEnd=empty     -> just "a"
 *   key="a", rangeEnd="\0"      -> every key >= "a"
 *   key="\0", rangeEnd="\0"     -> every key
 *   key="a", rangeEnd="b"       -> keys in ["a", "b")     (end exclusive)
 *   key="/p/", rangeEnd=prefixEnd("/p/") = "/p0" -> every key starting with "/p/"
 */

const ZERO = new Uint8Array([0]);

/** Lexicographic byte comparison: negative, zero or positive, like memcmp followed by length. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when rangeEnd means "every key >= key" (a single zero byte). */
export function isOpenEnded(rangeEnd: Uint8Array | undefined): boolean {
  return rangeEnd !== undefined && rangeEnd.length === 1 && rangeEnd[0] === 0;
}

/** True when (key, rangeEnd) names one key. */
export function isSingleKey(rangeEnd: Uint8Array | undefined): boolean {
  return rangeEnd === undefined || rangeEnd.length === 0;
}

/** Whether k falls in the range (key, rangeEnd) under etcd's conventions. */
export function inRange(k: Uint8Array, key: Uint8Array, rangeEnd: Uint8Array | undefined): boolean {
  if (isSingleKey(rangeEnd)) return bytesEqual(k, key);
  if (compareBytes(k, key) < 0) return false;
  if (isOpenEnded(rangeEnd)) return true;
  return compareBytes(k, rangeEnd!) < 0;
}

/**
 * The smallest key greater than every key with this prefix: the prefix with its last byte below 0xff incremented
 * and the rest dropped. A prefix of only 0xff bytes (or an empty one) has no end: "\0" (every key) is returned.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      // A copy: Buffer#slice (prefix may be a Buffer) shares memory, and the increment must not reach the caller's key.
      const end = Uint8Array.from(prefix.subarray(0, i + 1));
      end[i]! += 1;
      return end;
    }
  }
  return ZERO.slice();
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string key or value. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}
