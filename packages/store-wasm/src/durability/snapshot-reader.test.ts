import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DumpRecord } from '../engine.js';
import { isStoreError, type StoreError } from '../errors.js';
import { nodeFs } from './durable-fs.js';
import { FILE_HEADER_BYTES } from './file-header.js';
import { FRAME_HEADER_BYTES, encodeFrame, viewOf } from './record-frame.js';
import { BLOCK_BYTES } from './snapshot-codec.js';
import { SnapshotReader } from './snapshot-reader.js';
import { writeSnapshotFile } from './snapshot-writer.js';
import type { SnapshotState } from './write-log.js';

const enc = new TextEncoder();
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'skiff-snap-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const records: DumpRecord[] = [
  { key: enc.encode('/a'), value: enc.encode('1'), main: 2, sub: 0, createRevision: 2, version: 1, lease: 0, tombstone: false },
  { key: enc.encode('/b'), value: enc.encode('2'), main: 3, sub: 0, createRevision: 3, version: 1, lease: 2 ** 40 + 5, tombstone: false },
  { key: enc.encode('/a'), value: new Uint8Array(0), main: 4, sub: 0, createRevision: 0, version: 0, lease: 0, tombstone: true },
  { key: enc.encode('/big'), value: new Uint8Array(BLOCK_BYTES + 500_000).fill(7), main: 5, sub: 1, createRevision: 5, version: 1, lease: 0, tombstone: false },
];

const state: SnapshotState = {
  header: { currentRevision: 5, compactRevision: 3 },
  records,
  leases: [
    { id: 2 ** 40 + 5, ttl: 60 },
    { id: 9, ttl: 2 },
  ],
  appliedIndex: 42,
};

async function written(): Promise<string> {
  return (await writeSnapshotFile(nodeFs, dir, state, 1 << 20)).file;
}

/** Start offsets of the file's blocks. */
function blockOffsets(file: string): number[] {
  const buf = fs.readFileSync(file);
  const offsets: number[] = [];
  for (let at = FILE_HEADER_BYTES; at < buf.byteLength; at += FRAME_HEADER_BYTES + viewOf(buf).getUint32(at, true)) offsets.push(at);
  return offsets;
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

describe('a snapshot file', () => {
  it('reads back its header, leases and every record, tombstones and oversized values included', async () => {
    const file = await written();
    expect(file.endsWith('000000000000002a.snap')).toBe(true);
    const reader = new SnapshotReader(file);
    expect(reader.verify()).toEqual({ appliedIndex: 42, header: state.header, leases: state.leases, records: 4 });
    // As hex strings: deep equality over a 1.5 MB typed array element by element takes seconds.
    const comparable = (r: DumpRecord) => ({ ...r, key: Buffer.from(r.key).toString('hex'), value: Buffer.from(r.value).toString('hex') });
    expect([...reader.records()].map(comparable)).toEqual(records.map(comparable));
  });

  const damage: { what: string; mutate: (b: Buffer, blocks: number[]) => Buffer; at: (b: number[], size: number) => number; text: RegExp }[] = [
    {
      what: 'a flipped byte in the records block',
      mutate: (b, o) => (b[o[2]! + FRAME_HEADER_BYTES + 9]! ^= 0x20, b),
      at: (o) => o[2]!,
      text: /block checksum mismatch/,
    },
    { what: 'the end block cut off', mutate: (b, o) => b.subarray(0, o.at(-1)!), at: (o) => o.at(-1)!, text: /end block is missing/ },
    { what: 'a block cut in half', mutate: (b, o) => b.subarray(0, o[1]! + 20), at: (o) => o[1]!, text: /does not fit the file/ },
    {
      what: 'an intact block after the end block',
      mutate: (b) => Buffer.concat([b, encodeFrame(new Uint8Array([3, 0, 0, 0, 0]))]),
      at: (_o, size) => size,
      text: /data after the end block/,
    },
  ];

  it.each(damage)('is refused with $what, naming the file and the block offset', async ({ mutate, at, text }) => {
    const file = await written();
    const blocks = blockOffsets(file);
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, mutate(original, blocks));
    const e = refusal(() => new SnapshotReader(file).verify());
    expect(e.code).toBe('Corrupt');
    expect(e.details.file).toBe(file);
    expect(e.details.offset).toBe(at(blocks, original.byteLength));
    expect(e.message).toMatch(text);
  });

  it('is refused when written by a newer format version', async () => {
    const file = await written();
    const b = fs.readFileSync(file);
    b.writeUInt32LE(2, 8);
    fs.writeFileSync(file, b);
    const e = refusal(() => new SnapshotReader(file).verify());
    expect(e.code).toBe('DataDirUnusable');
    expect(e.message).toMatch(/format version 2/);
  });
});
