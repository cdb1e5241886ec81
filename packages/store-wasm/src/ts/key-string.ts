/**
 * The latin1 string form of a key: one char per byte (U+0000..U+00FF). JavaScript compares strings by UTF-16 code
 * units, so these strings sort exactly like the bytes (memcmp, then length), which lets the B+tree compare keys with
 * a single native string comparison.
 *
 * Not TextDecoder('latin1'): WHATWG maps that label to windows-1252, which turns bytes 0x80..0x9F into other code
 * points and would break the order. Node's latin1Slice is the true one-byte-per-char mapping.
 */

const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string })
  .latin1Slice;

export function keyString(key: Uint8Array): string {
  return latin1Slice.call(key, 0, key.length);
}

/** The bytes of a string made by keyString. */
export function keyStringBytes(id: string): Uint8Array {
  const bytes = new Uint8Array(id.length);
  for (let i = 0; i < id.length; i++) bytes[i] = id.charCodeAt(i);
  return bytes;
}
