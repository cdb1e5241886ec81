import * as fs from 'node:fs';
import { join } from 'node:path';
import { StoreError, isStoreError } from '../errors.js';
import { AppendPipeline } from './append-pipeline.js';
import { DataDirLock } from './data-dir-lock.js';
import { unusableDataDir } from './durability-errors.js';
import { nodeFs, type DurableFs } from './durable-fs.js';
import { listSnapshots, planRecovery, type RecoveryPlan } from './recovery-plan.js';
import { createSegment, reopenSegment, replayRecords, scanSegments, type OpenSegment, type SegmentInfo } from './segment-files.js';
import type { SegmentScan } from './segment-scan.js';
import { writeSnapshotFile } from './snapshot-writer.js';
import type { RecoveredLog, SnapshotState, WriteLog, WriteLogOptions } from './write-log.js';

export interface FileWriteLogOptions extends WriteLogOptions {
  /** Where writes go; tests inject one that counts fsyncs or fails on cue. */
  fs?: DurableFs;
  /** Roll to a new segment past this size (etcd: 64 MiB). */
  segmentBytes?: number;
  /** Serialized snapshot blocks kept in memory before the rest is written synchronously (see snapshot-writer.ts). */
  snapshotMemoryBytes?: number;
  /** Snapshots kept; the log is kept back to the oldest of them, so each one can be fallen back to. */
  snapshotsKept?: number;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_SNAPSHOT_MEMORY_BYTES = 64 * 1024 * 1024;
const DEFAULT_SNAPSHOTS_KEPT = 2;

/**
 * The write-ahead log in `<dataDir>/wal/` and the snapshots in `<dataDir>/snap/`, behind the WriteLog seam.
 *
 *   <dataDir>/LOCK                       PID of the process that has the dir open
 *   <dataDir>/wal/<first index>.wal      segments: header + records (record-frame.ts), rolled at segmentBytes
 *   <dataDir>/snap/<applied index>.snap  snapshots: header + blocks (snapshot-codec.ts)
 *
 * Retention: after a snapshot is durable, snapshots beyond `snapshotsKept` are deleted, and then every segment
 * wholly covered by the oldest snapshot kept, so recovery can always fall back to any snapshot still on disk.
 */
export class FileWriteLog implements WriteLog {
  private readonly fs: DurableFs;
  private readonly walDir: string;
  private readonly snapDir: string;
  private lock?: DataDirLock;
  private pipeline?: AppendPipeline;
  private segments: SegmentInfo[] = [];
  /** Ascending by index. */
  private snapshots: { file: string; index: number; bytes: number }[] = [];
  private snapshotting?: Promise<void>;
  private closed = false;

  constructor(private readonly opts: FileWriteLogOptions) {
    this.fs = opts.fs ?? nodeFs;
    this.walDir = join(opts.dataDir, 'wal');
    this.snapDir = join(opts.dataDir, 'snap');
  }

  /** Opens the data dir (creating it if needed), locks it, checks everything on disk, and says what to replay. */
  async recover(): Promise<RecoveredLog> {
    if (this.lock || this.closed) throw new StoreError('InvalidArgument', 'recover() was already called on this log');
    try {
      return await this.open();
    } catch (e) {
      this.releaseLock();
      throw isStoreError(e) ? e : unusableDataDir(this.opts.dataDir, e);
    }
  }

  private async open(): Promise<RecoveredLog> {
    const log = this.opts.logger;
    const started = performance.now();
    await this.fs.mkdirp(this.walDir);
    await this.fs.mkdirp(this.snapDir);
    await this.fs.syncDir(this.opts.dataDir);
    this.lock = DataDirLock.acquire(this.opts.dataDir, log);
    const scans = scanSegments(this.walDir);
    await this.cutTornTail(scans);
    const plan = planRecovery(scans, listSnapshots(this.snapDir), log);
    await this.setAside(plan);
    this.segments = scans.map((s) => ({ file: s.file, firstIndex: s.firstIndex, bytes: s.validBytes }));
    const segment = await this.openActive(scans, plan.nextIndex);
    this.snapshots = listSnapshots(this.snapDir)
      .map((c) => ({ ...c, bytes: fs.statSync(c.file).size }))
      .reverse();
    this.pipeline = new AppendPipeline({
      fs: this.fs,
      fsync: this.opts.fsync,
      batchIntervalMs: this.opts.batchIntervalMs,
      segmentBytes: this.opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      segment,
      nextIndex: plan.nextIndex,
      createSegment: (first) => this.newSegment(first),
      logger: log,
    });
    const snap = plan.snapshot;
    log?.info(
      {
        dataDir: this.opts.dataDir,
        segments: scans.length,
        snapshot: snap ? snap.reader.file : null,
        snapshotRecords: snap?.summary.records ?? 0,
        toReplay: plan.nextIndex - 1 - plan.afterIndex,
        ms: Math.round(performance.now() - started),
      },
      'data dir checked',
    );
    return {
      snapshot: snap && { header: snap.summary.header, records: snap.reader.records(), leases: snap.summary.leases, appliedIndex: snap.summary.appliedIndex },
      records: replayRecords(scans, plan.afterIndex),
    };
  }

  append(payload: Uint8Array): { index: number; durable: Promise<void> } {
    if (!this.pipeline) throw new StoreError('InvalidArgument', 'append() before recover()');
    return this.pipeline.append(payload);
  }

  snapshot(state: SnapshotState): Promise<void> {
    const pipeline = this.pipeline;
    if (!pipeline || this.closed) return Promise.reject(new StoreError('Closed', 'the write-ahead log is closed'));
    if (pipeline.error) return Promise.reject(pipeline.error);
    if (this.snapshotting) {
      this.opts.logger?.debug({ appliedIndex: state.appliedIndex }, 'snapshot skipped: the previous one is still being written');
      return Promise.resolve();
    }
    if (state.appliedIndex <= (this.snapshots.at(-1)?.index ?? 0)) return Promise.resolve();
    pipeline.requestRoll();
    const started = performance.now();
    const work = writeSnapshotFile(this.fs, this.snapDir, state, this.opts.snapshotMemoryBytes ?? DEFAULT_SNAPSHOT_MEMORY_BYTES).then(async (written) => {
      this.snapshots.push({ file: written.file, index: written.index, bytes: written.bytes });
      this.opts.logger?.info(
        { file: written.file, appliedIndex: written.index, records: written.records, bytes: written.bytes, ms: Math.round(performance.now() - started) },
        'snapshot written',
      );
      await this.prune();
    });
    this.snapshotting = work.then(
      () => undefined,
      () => undefined,
    );
    void this.snapshotting.then(() => (this.snapshotting = undefined));
    return work;
  }

  size(): number {
    let n = 0;
    for (const s of this.segments) n += s.bytes;
    for (const s of this.snapshots) n += s.bytes;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pipeline?.close();
    await this.snapshotting;
    this.releaseLock();
  }

  private releaseLock(): void {
    this.lock?.release();
    this.lock = undefined;
  }

  /** Counters of the append pipeline: batches written, records, fdatasyncs. */
  stats(): { batches: number; records: number; syncs: number } {
    return { ...(this.pipeline?.stats ?? { batches: 0, records: 0, syncs: 0 }) };
  }

  /** A record cut short by a crash at the very end of the log never was acknowledged: cut it off, loudly. */
  private async cutTornTail(scans: SegmentScan[]): Promise<void> {
    const last = scans.at(-1);
    if (!last?.torn) return;
    this.opts.logger?.warn(
      { file: last.file, offset: last.torn.offset, bytes: last.torn.bytes, reason: last.torn.reason, record: last.firstIndex + last.count },
      `cutting a torn record off the end of the log: ${last.file} at byte ${last.torn.offset} (${last.torn.bytes} bytes, ${last.torn.reason})`,
    );
    const fd = await this.fs.open(last.file, 'r+');
    try {
      await this.fs.ftruncate(fd, last.torn.offset);
      await this.fs.fdatasync(fd);
    } finally {
      await this.fs.close(fd);
    }
  }

  /** Damaged snapshots are renamed `*.damaged`: kept for inspection, never read again. */
  private async setAside(plan: RecoveryPlan): Promise<void> {
    for (const d of plan.damaged) {
      await this.fs.rename(d.file, `${d.file}.damaged`);
      this.opts.logger?.warn({ file: d.file, movedTo: `${d.file}.damaged` }, 'damaged snapshot set aside');
    }
    if (plan.damaged.length > 0) await this.fs.syncDir(this.snapDir);
  }

  /** Appends continue in the last segment when it ends exactly before nextIndex, else in a new one. */
  private async openActive(scans: SegmentScan[], nextIndex: number): Promise<OpenSegment> {
    const last = scans.at(-1);
    if (!last || last.firstIndex + last.count !== nextIndex) return this.newSegment(nextIndex);
    const seg = await reopenSegment(this.fs, last);
    this.segments[this.segments.length - 1] = seg.info;
    return seg;
  }

  private async newSegment(firstIndex: number): Promise<OpenSegment> {
    const seg = await createSegment(this.fs, this.walDir, firstIndex);
    this.segments.push(seg.info);
    return seg;
  }

  /** Drops snapshots beyond the number kept, then the segments the oldest kept snapshot wholly covers. */
  private async prune(): Promise<void> {
    const kept = Math.max(1, this.opts.snapshotsKept ?? DEFAULT_SNAPSHOTS_KEPT);
    const drop = this.snapshots.splice(0, Math.max(0, this.snapshots.length - kept));
    for (const s of drop) await this.fs.unlink(s.file).catch(() => undefined);
    if (drop.length > 0) await this.fs.syncDir(this.snapDir);
    if (this.snapshots.length < kept) return;
    const covered = this.snapshots[0]!.index;
    let removed = 0;
    // Never the last segment: appends go there.
    while (this.segments.length > 1 && this.segments[1]!.firstIndex <= covered + 1) {
      const seg = this.segments.shift()!;
      await this.fs.unlink(seg.file).catch(() => undefined);
      removed++;
    }
    if (removed > 0) {
      await this.fs.syncDir(this.walDir);
      this.opts.logger?.debug({ removed, coveredBy: covered }, 'log segments covered by a snapshot removed');
    }
  }
}
