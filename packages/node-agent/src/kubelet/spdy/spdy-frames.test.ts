import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY_DICTIONARY } from './spdy-dictionary.js';
import { FrameReader, FrameType, controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, rstStream } from './spdy-frames.js';

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (const x of buf) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

describe('the SPDY/3 header dictionary', () => {
  it('is the 1,423 bytes whose Adler-32 kubectl names in its zlib header (0xe3c6a7c2)', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(adler32(SPDY_DICTIONARY).toString(16)).toBe('e3c6a7c2');
  });

  it('inflates a header block deflated with it', () => {
    const block = encodeHeaderBlock({ streamtype: 'data', port: '8080', requestid: '0' });
    const deflated = zlib.deflateSync(block, { dictionary: SPDY_DICTIONARY });
    expect(decodeHeaderBlock(zlib.inflateSync(deflated, { dictionary: SPDY_DICTIONARY }))).toEqual({ streamtype: 'data', port: '8080', requestid: '0' });
  });
});

describe('FrameReader', () => {
  const frames = Buffer.concat([
    controlFrame(FrameType.Ping, 0, Buffer.from([0, 0, 0, 1])),
    dataFrame(3, 1, Buffer.from('hello')),
    rstStream(5, 5),
  ]);

  it.each([
    ['in one chunk', [frames.length]],
    ['byte by byte', Array.from({ length: frames.length }, () => 1)],
    ['split inside headers', [3, 9, frames.length - 12]],
  ])('splits frames that arrive %s', (_what, sizes) => {
    const reader = new FrameReader();
    const out = [];
    let o = 0;
    for (const n of sizes) {
      out.push(...reader.push(frames.subarray(o, o + n)));
      o += n;
    }
    expect(out.map((f) => (f.control ? `control:${f.type}` : `data:${f.streamId}:${f.flags}:${f.payload}`))).toEqual(['control:6', 'data:3:1:hello', 'control:3']);
  });
});

describe('header blocks', () => {
  it('joins repeated values and lowercases names', () => {
    const block = encodeHeaderBlock({ 'X-Thing': 'a\0b' });
    expect(decodeHeaderBlock(block)).toEqual({ 'x-thing': 'a, b' });
  });
});
