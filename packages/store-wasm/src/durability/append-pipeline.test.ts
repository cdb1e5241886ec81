import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isStoreError } from '../errors.js';
import type { FsyncMode } from '../store.js';
import { AppendPipeline } from './append-pipeline.js';
import { FaultInjectingFs } from './fault-injecting-fs.js';
import { createSegment, replayRecords, scanSegments } from './segment-files.js';

const enc = new TextEncoder();
const record = (i: number) => enc.encode(`record ${i} `.padEnd(100, '.'));

let dir: string;
let dfs: FaultInjectingFs;
let pipeline: AppendPipeline | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'skiff-pipeline-'));
  dfs = new FaultInjectingFs();
});

afterEach(async () => {
  dfs.releaseSyncs();
  await pipeline?.close();
  pipeline = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function open(fsync: FsyncMode, extra: { segmentBytes?: number; batchIntervalMs?: number } = {}): Promise<AppendPipeline> {
  const segment = await createSegment(dfs, dir, 1);
  pipeline = new AppendPipeline({
    fs: dfs,
    fsync,
    batchIntervalMs: extra.batchIntervalMs ?? 1000,
    segmentBytes: extra.segmentBytes ?? 1 << 20,
    segment,
    nextIndex: 1,
    createSegment: (first) => createSegment(dfs, dir, first),
  });
  return pipeline;
}

function onDisk(): string[] {
  return [...replayRecords(scanSegments(dir), 0)].map((r) => `${r.index}:${new TextDecoder().decode(r.payload).split(' ')[1]}`);
}

/** Settles after every promise callback queued so far and one turn of the event loop. */
const turn = () => new Promise((r) => setImmediate(r));

describe('the append pipeline (group commit)', () => {
  it('gives 64 concurrent writers far fewer fsyncs than records, and keeps every record in index order', async () => {
    const p = await open('always');
    const syncsBefore = dfs.calls.fdatasync;
    const writers = 64;
    const each = 20;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < each; i++) await p.append(record(w * each + i)).durable;
      }),
    );
    const syncs = dfs.calls.fdatasync - syncsBefore;
    expect(p.stats.records).toBe(writers * each);
    expect(syncs).toBe(p.stats.batches);
    expect(syncs).toBeLessThan((writers * each) / 8);
    const disk = onDisk();
    expect(disk).toHaveLength(writers * each);
    expect(disk.map((d) => Number(d.split(':')[0]))).toEqual(Array.from({ length: writers * each }, (_, i) => i + 1));
  });

  it('resolves appends in index order, across batches', async () => {
    const p = await open('always');
    const order: number[] = [];
    const all = Array.from({ length: 50 }, (_, i) => {
      const { index, durable } = p.append(record(i));
      return durable.then(() => order.push(index));
    });
    await turn();
    all.push(...Array.from({ length: 50 }, (_, i) => {
      const { index, durable } = p.append(record(50 + i));
      return durable.then(() => order.push(index));
    }));
    await Promise.all(all);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("in 'always' mode resolves only once the batch's fdatasync has finished", async () => {
    const p = await open('always');
    dfs.holdSyncs();
    let resolved = false;
    const { durable } = p.append(record(1));
    void durable.then(() => (resolved = true));
    for (let i = 0; i < 5; i++) await turn();
    expect(dfs.writes).toBeGreaterThan(0);
    expect(resolved).toBe(false);
    dfs.releaseSyncs();
    await durable;
    expect(resolved).toBe(true);
  });

  it("in 'batch' mode resolves after the write and fsyncs on the interval only when something was written", async () => {
    const p = await open('batch', { batchIntervalMs: 5 });
    const syncsBefore = dfs.calls.fdatasync;
    dfs.holdSyncs();
    await p.append(record(1)).durable;
    expect(dfs.calls.fdatasync).toBe(syncsBefore);
    dfs.releaseSyncs();
    await vi.waitFor(() => expect(p.stats.syncs).toBe(1));
    for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 5));
    expect(p.stats.syncs).toBe(1);
  });

  it("in 'batch' mode syncs as soon as the interval is due, even while writes never stop", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const p = await open('batch', { batchIntervalMs: 1000 });
      let appended = 0;
      let dueAt = -1;
      let syncedAt = -1;
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          while (appended < 3000) {
            await p.append(record(w * 100_000 + appended++)).durable;
            if (dueAt < 0 && p.stats.batches >= 5) {
              dueAt = p.stats.batches;
              vi.advanceTimersByTime(1000);
            }
            if (syncedAt < 0 && p.stats.syncs > 0) syncedAt = p.stats.batches;
          }
        }),
      );
      expect(dueAt).toBeGreaterThan(0);
      expect(syncedAt - dueAt).toBeGreaterThanOrEqual(0);
      expect(syncedAt - dueAt).toBeLessThanOrEqual(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each<FsyncMode>(['batch', 'none'])("in '%s' mode lets timers and I/O run between batches while writers never stop", async (fsync) => {
    const p = await open(fsync);
    let appended = 0;
    let timerFiredAt = -1;
    setTimeout(() => (timerFiredAt = appended), 0);
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        while (appended < 5000 && timerFiredAt < 0) await p.append(record(w * 100_000 + appended++)).durable;
      }),
    );
    expect(timerFiredAt).toBeGreaterThanOrEqual(0);
    expect(timerFiredAt).toBeLessThan(5000);
  });

  it("in 'none' mode never fsyncs the log", async () => {
    const p = await open('none');
    const syncsBefore = dfs.calls.fdatasync;
    await Promise.all(Array.from({ length: 40 }, (_, i) => p.append(record(i)).durable));
    await p.append(record(40)).durable;
    await p.close();
    expect(dfs.calls.fdatasync).toBe(syncsBefore);
    expect(onDisk()).toHaveLength(41);
  });

  it.each([
    { fault: 'ENOSPC on a write', op: 'writevSync' as const, code: 'ENOSPC', want: 'NoSpace' },
    { fault: 'EIO on a write', op: 'writevSync' as const, code: 'EIO', want: 'DiskFailure' },
    { fault: 'EIO on fdatasync', op: 'fdatasync' as const, code: 'EIO', want: 'DiskFailure' },
  ])('after $fault rejects that batch and every later append, and cuts the failed batch off the file', async ({ op, code, want }) => {
    const p = await open('always');
    await Promise.all([1, 2, 3].map((i) => p.append(record(i)).durable));
    dfs.failOn(op, code);
    const failed = await Promise.allSettled([4, 5].map((i) => p.append(record(i)).durable));
    const later = await p.append(record(6)).durable.then(
      () => undefined,
      (e: unknown) => e,
    );
    for (const r of failed) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason;
      expect(isStoreError(err, want as 'NoSpace' | 'DiskFailure')).toBe(true);
      expect(String(err.message)).toContain(join(dir, '0000000000000001.wal'));
      expect(String(err.message)).toContain(code);
    }
    expect(later).toBe((failed[0] as PromiseRejectedResult).reason);
    expect(p.error).toBe(later);
    expect(onDisk()).toEqual(['1:1', '2:2', '3:3']);
  });

  it('starts a new segment once the current one reaches its size limit, with consecutive first indexes', async () => {
    const p = await open('always', { segmentBytes: 600 });
    for (let i = 1; i <= 30; i++) await p.append(record(i)).durable;
    const scans = scanSegments(dir);
    expect(scans.length).toBeGreaterThan(4);
    scans.forEach((s, i) => {
      if (i > 0) expect(s.firstIndex).toBe(scans[i - 1]!.firstIndex + scans[i - 1]!.count);
      expect(s.fileBytes).toBeLessThanOrEqual(600 + 108);
    });
    expect(onDisk()).toEqual(Array.from({ length: 30 }, (_, i) => `${i + 1}:${i + 1}`));
  });

  it('writes records larger than a slab and batches larger than a synchronous write, intact', async () => {
    const p = await open('always');
    const big = (i: number) => enc.encode(`record ${i} `.padEnd(100_000 + i, '#'));
    const asyncWritesBefore = dfs.calls.writev;
    const all = [p.append(record(1)).durable, p.append(big(2)).durable, p.append(record(3)).durable, p.append(big(4)).durable, p.append(big(5)).durable];
    await Promise.all(all);
    expect(dfs.calls.writev - asyncWritesBefore).toBe(1);
    const back = [...replayRecords(scanSegments(dir), 0)];
    expect(back.map((r) => r.payload.byteLength)).toEqual([100, 100_002, 100, 100_004, 100_005]);
    expect(new TextDecoder().decode(back[3]!.payload.subarray(0, 9))).toBe('record 4 ');
  });

  it('refuses an empty record at once', async () => {
    const p = await open('always');
    expect(() => p.append(new Uint8Array(0))).toThrow(/log record of 0 bytes/);
  });
});
