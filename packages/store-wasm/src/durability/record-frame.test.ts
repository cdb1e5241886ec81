import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  FRAME_BAD_CHECKSUM,
  FRAME_BAD_LENGTH,
  FRAME_HEADER_BYTES,
  FRAME_TRUNCATED,
  SEARCH_UNDECIDED,
  checkFrame,
  encodeFrame,
  findIntactFrame,
  viewOf,
} from './record-frame.js';

const payload = new TextEncoder().encode('put /registry/pods/default/web-0');

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function check(buf: Uint8Array, offset = 0): number {
  return checkFrame(buf, viewOf(buf), offset, buf.byteLength);
}

describe('a log record frame', () => {
  it('is length, then a CRC-32 of the length bytes and payload, then the payload', () => {
    const frame = encodeFrame(payload);
    const view = viewOf(frame);
    expect(view.getUint32(0, true)).toBe(payload.byteLength);
    expect(view.getUint32(4, true)).toBe(crc32(concat(frame.subarray(0, 4), payload)));
    expect(frame.subarray(FRAME_HEADER_BYTES)).toEqual(payload);
    expect(check(frame)).toBe(frame.byteLength);
  });

  it.each([
    { damage: 'a flipped payload byte', mutate: (f: Uint8Array) => (f[FRAME_HEADER_BYTES + 3]! ^= 0x01), want: FRAME_BAD_CHECKSUM },
    { damage: 'a flipped checksum byte', mutate: (f: Uint8Array) => (f[5]! ^= 0x80), want: FRAME_BAD_CHECKSUM },
    { damage: 'a length one byte shorter', mutate: (f: Uint8Array) => (f[0]! -= 1), want: FRAME_BAD_CHECKSUM },
    { damage: 'a length larger than the file', mutate: (f: Uint8Array) => (f[1]! = 0x7f), want: FRAME_TRUNCATED },
    { damage: 'a zero length', mutate: (f: Uint8Array) => f.fill(0, 0, 4), want: FRAME_BAD_LENGTH },
    { damage: 'an absurd length', mutate: (f: Uint8Array) => f.fill(0xff, 0, 4), want: FRAME_BAD_LENGTH },
  ])('is rejected after $damage', ({ mutate, want }) => {
    const frame = encodeFrame(payload);
    mutate(frame);
    expect(check(frame)).toBe(want);
  });

  it.each([
    { cut: 'inside the header', keep: 5 },
    { cut: 'right after the header', keep: FRAME_HEADER_BYTES },
    { cut: 'one byte before its end', keep: FRAME_HEADER_BYTES + payload.byteLength - 1 },
  ])('cut $cut reads as truncated', ({ keep }) => {
    expect(check(encodeFrame(payload).subarray(0, keep))).toBe(FRAME_TRUNCATED);
  });

  it('checks frames one after another by offset', () => {
    const a = encodeFrame(payload);
    const b = encodeFrame(new Uint8Array([1, 2, 3]));
    const buf = concat(a, b);
    expect(check(buf, 0)).toBe(a.byteLength);
    expect(check(buf, a.byteLength)).toBe(buf.byteLength);
  });
});

describe('looking for an intact frame after damage', () => {
  const search = (buf: Uint8Array, from: number, budget = 1 << 20) => findIntactFrame(buf, viewOf(buf), from, buf.byteLength, budget);

  it('finds the next record behind garbage', () => {
    const garbage = new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
    const buf = concat(garbage, encodeFrame(payload));
    expect(search(buf, 0)).toBe(garbage.byteLength);
  });

  it.each([
    { tail: 'zeros', bytes: new Uint8Array(4096) },
    { tail: 'the first half of a record', bytes: encodeFrame(payload).subarray(0, 20) },
    { tail: 'ASCII text', bytes: new TextEncoder().encode('value-value-value-value-value-value') },
  ])('finds nothing in $tail', ({ bytes }) => {
    expect(search(bytes, 0)).toBe(-1);
  });

  it('gives up undecided when checking candidates would cost more than its budget', () => {
    // A length field of 100 at every offset: every position is a plausible candidate worth ~100 bytes of checksum.
    const buf = new Uint8Array(4096);
    for (let i = 0; i + 4 <= buf.byteLength; i += 4) viewOf(buf).setUint32(i, 100, true);
    expect(search(buf, 0, 1000)).toBe(SEARCH_UNDECIDED);
  });
});
