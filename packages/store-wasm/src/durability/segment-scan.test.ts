import { describe, expect, it } from 'vitest';
import { isStoreError, type StoreError } from '../errors.js';
import { FILE_HEADER_BYTES, SEGMENT_FILE, encodeFileHeader } from './file-header.js';
import { FRAME_HEADER_BYTES, encodeFrame } from './record-frame.js';
import { scanSegment, segmentRecords } from './segment-scan.js';

const FILE = '/data/wal/0000000000000005.wal';
const payloads = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((s) => new TextEncoder().encode(`put ${s}`));

/** A segment starting at index 5 with the five payloads; `offsets[i]` is where record i starts. */
function segment(firstIndex = 5): { buf: Uint8Array; offsets: number[] } {
  const parts = [encodeFileHeader(SEGMENT_FILE, firstIndex), ...payloads.map(encodeFrame)];
  const buf = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  const offsets: number[] = [];
  let at = 0;
  parts.forEach((p, i) => {
    if (i > 0) offsets.push(at);
    buf.set(p, at);
    at += p.byteLength;
  });
  return { buf, offsets };
}

function grow(buf: Uint8Array, extra: Uint8Array): Uint8Array {
  const out = new Uint8Array(buf.byteLength + extra.byteLength);
  out.set(buf);
  out.set(extra, buf.byteLength);
  return out;
}

function refusal(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (e) {
    if (isStoreError(e)) return e;
    throw e;
  }
  throw new Error('expected a StoreError');
}

describe('scanning a log segment', () => {
  it('counts every intact record and reads them back with their indexes', () => {
    const { buf } = segment();
    const scan = scanSegment(buf, FILE, 5, true);
    expect(scan).toMatchObject({ firstIndex: 5, count: 5, validBytes: buf.byteLength });
    expect(scan.torn).toBeUndefined();
    const read = [...segmentRecords(buf, scan, 6)];
    expect(read.map((r) => r.index)).toEqual([7, 8, 9]);
    expect(read.map((r) => new TextDecoder().decode(r.payload))).toEqual(['put charlie', 'put delta', 'put echo']);
  });

  it('accepts a segment with only its header', () => {
    const buf = encodeFileHeader(SEGMENT_FILE, 9);
    expect(scanSegment(buf, FILE, 9, true)).toMatchObject({ count: 0, validBytes: FILE_HEADER_BYTES });
  });

  const tornTails: { tail: string; make: (s: ReturnType<typeof segment>) => Uint8Array; at: (s: ReturnType<typeof segment>) => number }[] = [
    { tail: 'a record cut inside its payload', make: ({ buf }) => buf.subarray(0, buf.byteLength - 3), at: ({ offsets }) => offsets[4]! },
    { tail: 'a record cut inside its header', make: ({ buf, offsets }) => buf.subarray(0, offsets[4]! + 5), at: ({ offsets }) => offsets[4]! },
    { tail: 'zeros after the last record', make: ({ buf }) => grow(buf, new Uint8Array(700)), at: ({ buf }) => buf.byteLength },
    {
      tail: 'a last record whose checksum fails',
      make: ({ buf }) => {
        const b = buf.slice();
        b[b.byteLength - 1]! ^= 0xff;
        return b;
      },
      at: ({ offsets }) => offsets[4]!,
    },
    { tail: 'half of a record appended', make: ({ buf }) => grow(buf, encodeFrame(payloads[0]!).subarray(0, 11)), at: ({ buf }) => buf.byteLength },
  ];

  it.each(tornTails)('cuts $tail in the last segment as a torn tail', ({ make, at }) => {
    const s = segment();
    const buf = make(s);
    const scan = scanSegment(buf, FILE, 5, true);
    expect(scan.torn?.offset).toBe(at(s));
    expect(scan.validBytes).toBe(at(s));
    expect(scan.torn?.bytes).toBe(buf.byteLength - at(s));
  });

  it.each(tornTails)('refuses $tail in a segment that is not the last', ({ make, at }) => {
    const s = segment();
    const e = refusal(() => scanSegment(make(s), FILE, 5, false));
    expect(e.code).toBe('Corrupt');
    expect(e.details).toEqual({ file: FILE, offset: at(s) });
  });

  const midLog: { damage: string; mutate: (b: Uint8Array, offsets: number[]) => void; record: number }[] = [
    { damage: 'a flipped payload byte in record 2', mutate: (b, o) => (b[o[1]! + FRAME_HEADER_BYTES + 2]! ^= 0x10), record: 1 },
    { damage: 'a flipped checksum in record 1', mutate: (b, o) => (b[o[0]! + 4]! ^= 0x01), record: 0 },
    { damage: 'a length in record 3 grown past the end of the file', mutate: (b, o) => (b[o[2]! + 2]! = 0x40), record: 2 },
    { damage: 'a zeroed record 4', mutate: (b, o) => b.fill(0, o[3]!, o[4]!), record: 3 },
  ];

  it.each(midLog)('refuses $damage, naming the file and the byte offset, because intact records follow', ({ mutate, record }) => {
    const { buf, offsets } = segment();
    mutate(buf, offsets);
    const e = refusal(() => scanSegment(buf, FILE, 5, true));
    expect(e.code).toBe('Corrupt');
    expect(e.details).toEqual({ file: FILE, offset: offsets[record] });
    expect(e.message).toContain(`${FILE} at byte ${offsets[record]}`);
    expect(e.message).toContain(`record ${5 + record}`);
  });

  it.each([
    { header: 'a foreign magic', mutate: (b: Uint8Array) => (b[0] = 0x41), code: 'Corrupt', text: 'bad magic' },
    { header: 'a damaged checksum', mutate: (b: Uint8Array) => (b[25]! ^= 1), code: 'Corrupt', text: 'header checksum' },
    { header: 'a first index that disagrees with the file name', mutate: (b: Uint8Array) => b.set(encodeFileHeader(SEGMENT_FILE, 6).subarray(0, 32)), code: 'Corrupt', text: 'file name says 5' },
    { header: 'a newer format version', mutate: (b: Uint8Array) => (b[8] = 2), code: 'DataDirUnusable', text: 'newer skiff' },
  ])('refuses a segment with $header', ({ mutate, code, text }) => {
    const { buf } = segment();
    mutate(buf);
    const e = refusal(() => scanSegment(buf, FILE, 5, true));
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
    expect(e.message).toContain(FILE);
  });
});
