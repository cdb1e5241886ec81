import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DumpRecord } from '../engine.js';
import { isStoreError, type StoreError } from '../errors.js';
import type { StoreLogger } from '../store.js';
import { FaultInjectingFs } from './fault-injecting-fs.js';
import { FileWriteLog, type FileWriteLogOptions } from './file-write-log.js';
import type { RecoveredLog, SnapshotState } from './write-log.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

let dir: string;
let logs: FileWriteLog[];

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'skiff-wal-'));
  logs = [];
});

afterEach(async () => {
  for (const l of logs) await l.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function memoryLogger() {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  const logger: StoreLogger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  return { logger, warnings: () => lines.filter((l) => l.level === 'warn').map((l) => l.msg ?? '') };
}

async function openLog(opts: Partial<FileWriteLogOptions> = {}): Promise<{ log: FileWriteLog; recovered: RecoveredLog }> {
  const log = new FileWriteLog({ dataDir: dir, fsync: 'always', batchIntervalMs: 10, ...opts });
  const recovered = await log.recover();
  logs.push(log);
  return { log, recovered };
}

async function reopen(log: FileWriteLog, opts: Partial<FileWriteLogOptions> = {}) {
  await log.close();
  return openLog(opts);
}

const replayed = (r: RecoveredLog) => [...r.records].map((x) => `${x.index}:${dec.decode(x.payload)}`);

async function appendAll(log: FileWriteLog, from: number, to: number): Promise<void> {
  const all: Promise<void>[] = [];
  for (let i = from; i <= to; i++) all.push(log.append(enc.encode(`r${i}`)).durable);
  await Promise.all(all);
}

function dumpRecord(i: number): DumpRecord {
  return { key: enc.encode(`k${i}`), value: enc.encode(`v${i}`), main: i + 1, sub: 0, createRevision: i + 1, version: 1, lease: i % 2 ? 7 : 0, tombstone: false };
}

function state(appliedIndex: number, records: DumpRecord[]): SnapshotState {
  return { header: { currentRevision: records.length + 1, compactRevision: 0 }, records, leases: [{ id: 7, ttl: 60 }], appliedIndex };
}

function walFiles(): string[] {
  return fs.readdirSync(join(dir, 'wal')).sort();
}

async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isStoreError(e)) throw new Error(`expected a StoreError, got ${String(e)}`);
  return e;
}

describe('the file write log', () => {
  it('starts empty, then recovers what was appended, in order, with consecutive indexes', async () => {
    const { log, recovered } = await openLog();
    expect(recovered.snapshot).toBeUndefined();
    expect(replayed(recovered)).toEqual([]);
    expect(log.append(enc.encode('r1')).index).toBe(1);
    await appendAll(log, 2, 5);
    const again = await reopen(log);
    expect(replayed(again.recovered)).toEqual(['1:r1', '2:r2', '3:r3', '4:r4', '5:r5']);
    expect(again.log.append(enc.encode('r6')).index).toBe(6);
  });

  it('cuts a torn record off the tail with a warning naming the file and offset, and appends after it', async () => {
    const { log } = await openLog();
    await appendAll(log, 1, 3);
    await log.close();
    const file = join(dir, 'wal', walFiles()[0]!);
    const intact = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 114, 52]));
    const { logger, warnings } = memoryLogger();
    const again = await openLog({ logger });
    expect(replayed(again.recovered)).toEqual(['1:r1', '2:r2', '3:r3']);
    expect(warnings().join('\n')).toContain(`${file} at byte ${intact}`);
    expect(fs.statSync(file).size).toBe(intact);
    await again.log.append(enc.encode('r4')).durable;
    expect(replayed((await reopen(again.log)).recovered)).toHaveLength(4);
  });

  it('refuses to start on corruption before the tail, naming the file and the byte offset, and releases the lock', async () => {
    const { log } = await openLog();
    await appendAll(log, 1, 5);
    await log.close();
    const file = join(dir, 'wal', walFiles()[0]!);
    const bytes = fs.readFileSync(file);
    const second = 32 + 8 + 2; // header, then record 1 (8-byte frame header + 'r1')
    bytes[second + 8]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    const e = await refusal(openLog());
    expect(e.code).toBe('Corrupt');
    expect(e.details).toEqual({ file, offset: second });
    expect(e.message).toContain(`${file} at byte ${second}`);
    expect(fs.existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('refuses a data dir written by a newer format version', async () => {
    const { log } = await openLog();
    await appendAll(log, 1, 2);
    await log.close();
    const file = join(dir, 'wal', walFiles()[0]!);
    const bytes = fs.readFileSync(file);
    bytes.writeUInt32LE(9, 8);
    fs.writeFileSync(file, bytes);
    const e = await refusal(openLog());
    expect(e.code).toBe('DataDirUnusable');
    expect(e.message).toMatch(/format version 9, this build reads up to version 1/);
  });

  it('rolls segments at the size limit and replays across them', async () => {
    const { log } = await openLog({ segmentBytes: 100 });
    for (let i = 1; i <= 40; i++) await log.append(enc.encode(`r${i}`)).durable;
    expect(walFiles().length).toBeGreaterThan(3);
    const again = await reopen(log, { segmentBytes: 100 });
    expect(replayed(again.recovered)).toEqual(Array.from({ length: 40 }, (_, i) => `${i + 1}:r${i + 1}`));
  });

  it('recovers a snapshot plus the records after it', async () => {
    const { log } = await openLog();
    await appendAll(log, 1, 10);
    await log.snapshot(state(10, [dumpRecord(1), dumpRecord(2), dumpRecord(3)]));
    await appendAll(log, 11, 12);
    const { recovered } = await reopen(log);
    const snap = recovered.snapshot!;
    expect(snap.appliedIndex).toBe(10);
    expect(snap.header).toEqual({ currentRevision: 4, compactRevision: 0 });
    expect(snap.leases).toEqual([{ id: 7, ttl: 60 }]);
    expect([...snap.records]).toEqual([dumpRecord(1), dumpRecord(2), dumpRecord(3)]);
    expect(replayed(recovered)).toEqual(['11:r11', '12:r12']);
  });

  it('reads the snapshot records before snapshot() returns, so later changes to the source are not in it', async () => {
    const { log } = await openLog();
    await appendAll(log, 1, 2);
    const source = [dumpRecord(1), dumpRecord(2)];
    let consumed = 0;
    const records = {
      *[Symbol.iterator]() {
        for (const r of source) {
          consumed++;
          yield r;
        }
      },
    };
    const done = log.snapshot({ ...state(2, []), records });
    expect(consumed).toBe(2);
    source[0]!.value.fill(0x5a);
    await done;
    const { recovered } = await reopen(log);
    expect(dec.decode([...recovered.snapshot!.records][0]!.value)).toBe('v1');
  });

  it('writes large snapshots a block at a time past its memory budget and reads them back whole', async () => {
    const { log } = await openLog({ snapshotMemoryBytes: 256 * 1024 });
    await appendAll(log, 1, 1);
    const value = new Uint8Array(1024).fill(0x61);
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...dumpRecord(i), value }));
    await log.snapshot(state(1, many));
    const { recovered } = await reopen(log);
    const back = [...recovered.snapshot!.records];
    expect(back).toHaveLength(3000);
    expect(back[2999]!.key).toEqual(enc.encode('k2999'));
    expect(back.every((r) => r.value.byteLength === 1024)).toBe(true);
  });

  it('deletes the segments wholly covered by the oldest snapshot it keeps, and keeps two snapshots', async () => {
    const { log } = await openLog({ segmentBytes: 100 });
    await appendAll(log, 1, 10);
    await log.snapshot(state(10, [dumpRecord(1)]));
    await appendAll(log, 11, 20);
    await log.snapshot(state(20, [dumpRecord(2)]));
    await appendAll(log, 21, 25);
    await log.snapshot(state(25, [dumpRecord(3)]));
    expect(fs.readdirSync(join(dir, 'snap')).sort()).toEqual(['0000000000000014.snap', '0000000000000019.snap']);
    const firstKept = Math.min(...walFiles().map((f) => parseInt(f, 16)));
    expect(firstKept).toBeGreaterThan(1);
    expect(firstKept).toBeLessThanOrEqual(21);
    const { recovered } = await reopen(log, { segmentBytes: 100 });
    expect(recovered.snapshot!.appliedIndex).toBe(25);
    expect(replayed(recovered)).toEqual([]);
  });

  it('falls back to the older snapshot with a warning when the newest is damaged, and sets the damaged one aside', async () => {
    const { log } = await openLog();
    await appendAll(log, 1, 10);
    await log.snapshot(state(10, [dumpRecord(1)]));
    await appendAll(log, 11, 20);
    await log.snapshot(state(20, [dumpRecord(2)]));
    await appendAll(log, 21, 22);
    await log.close();
    const newest = join(dir, 'snap', '0000000000000014.snap');
    const bytes = fs.readFileSync(newest);
    bytes[bytes.byteLength - 10]! ^= 0x01;
    fs.writeFileSync(newest, bytes);
    const { logger, warnings } = memoryLogger();
    const { recovered } = await openLog({ logger });
    expect(recovered.snapshot!.appliedIndex).toBe(10);
    expect(replayed(recovered)).toEqual(Array.from({ length: 12 }, (_, i) => `${i + 11}:r${i + 11}`));
    expect(warnings().join('\n')).toMatch(/snapshot is damaged/);
    expect(fs.existsSync(`${newest}.damaged`)).toBe(true);
  });

  it('refuses to start when no snapshot is usable and the log does not reach back to the first record', async () => {
    const { log } = await openLog({ segmentBytes: 100, snapshotsKept: 1 });
    await appendAll(log, 1, 10);
    await log.snapshot(state(10, [dumpRecord(1)]));
    await appendAll(log, 11, 20);
    await log.snapshot(state(20, [dumpRecord(2)]));
    await log.close();
    const snap = join(dir, 'snap', '0000000000000014.snap');
    fs.truncateSync(snap, fs.statSync(snap).size - 3);
    const e = await refusal(openLog());
    expect(e.code).toBe('Corrupt');
    expect(e.details.file).toBe(snap);
  });

  it('keeps the log and the previous snapshot when writing a snapshot fails, and leaves no temp file', async () => {
    const dfs = new FaultInjectingFs();
    const { log } = await openLog({ fs: dfs });
    await appendAll(log, 1, 3);
    await log.snapshot(state(3, [dumpRecord(1)]));
    await appendAll(log, 4, 6);
    dfs.failOn('fsync', 'EIO');
    const e = await refusal(log.snapshot(state(6, [dumpRecord(2)])));
    expect(e.message).toContain('0000000000000006.snap.tmp');
    expect(e.message).toContain('the previous snapshot and the whole log are kept');
    expect(fs.readdirSync(join(dir, 'snap'))).toEqual(['0000000000000003.snap']);
    await appendAll(log, 7, 7);
    const { recovered } = await reopen(log);
    expect(recovered.snapshot!.appliedIndex).toBe(3);
    expect(replayed(recovered)).toEqual(['4:r4', '5:r5', '6:r6', '7:r7']);
  });

  it('refuses a data dir path that is a file, saying why', async () => {
    const file = join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const e = await refusal(new FileWriteLog({ dataDir: file, fsync: 'always', batchIntervalMs: 10 }).recover());
    expect(e.code).toBe('DataDirUnusable');
    expect(e.message).toContain(`cannot open data dir ${file}`);
  });

  it('skips a snapshot requested while the previous one is still being written', async () => {
    const dfs = new FaultInjectingFs();
    const { log } = await openLog({ fs: dfs });
    await appendAll(log, 1, 4);
    let consumed = 0;
    const counting = { *[Symbol.iterator]() { consumed++; } };
    const first = log.snapshot(state(3, [dumpRecord(1)]));
    const second = log.snapshot({ ...state(4, []), records: counting });
    await Promise.all([first, second]);
    expect(consumed).toBe(0);
    expect(fs.readdirSync(join(dir, 'snap'))).toEqual(['0000000000000003.snap']);
  });

  it('reports bytes on disk: log segments plus snapshots', async () => {
    const { log } = await openLog();
    await appendAll(log, 1, 3);
    await log.snapshot(state(3, [dumpRecord(1)]));
    const onDisk = [...walFiles().map((f) => join(dir, 'wal', f)), join(dir, 'snap', '0000000000000003.snap')].reduce((n, f) => n + fs.statSync(f).size, 0);
    expect(log.size()).toBe(onDisk);
  });
});
