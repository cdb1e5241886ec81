import * as fs from 'node:fs';
import { join } from 'node:path';
import { isStoreError, type StoreError } from '../errors.js';
import type { StoreLogger } from '../store.js';
import { corruptAt } from './durability-errors.js';
import { SNAPSHOT_FILE, parseFileName } from './file-header.js';
import type { SnapshotSummary } from './snapshot-codec.js';
import { SnapshotReader } from './snapshot-reader.js';
import type { SegmentScan } from './segment-scan.js';

export interface SnapshotCandidate {
  file: string;
  index: number;
}

export interface RecoveryPlan {
  /** The snapshot to load, verified; absent: replay the log from index 1. */
  snapshot?: { reader: SnapshotReader; summary: SnapshotSummary; bytes: number };
  /** Snapshots found damaged, newest first; the store started from an older state plus the log. */
  damaged: { file: string; error: StoreError }[];
  /** Replay the log records with index > afterIndex. */
  afterIndex: number;
  /** Index of the first record appended from now on. */
  nextIndex: number;
}

/** Snapshot files in `snapDir`, newest first. Leftover temp files (a snapshot never finished) are removed. */
export function listSnapshots(snapDir: string): SnapshotCandidate[] {
  const found: SnapshotCandidate[] = [];
  for (const name of fs.readdirSync(snapDir)) {
    if (name.endsWith('.tmp')) {
      fs.rmSync(join(snapDir, name), { force: true });
      continue;
    }
    const index = parseFileName(SNAPSHOT_FILE, name);
    if (index !== undefined) found.push({ file: join(snapDir, name), index });
  }
  return found.sort((a, b) => b.index - a.index);
}

function lastIndexOf(scan: SegmentScan): number {
  return scan.firstIndex + scan.count - 1;
}

/**
 * Throws Corrupt unless every record with index in (after, last logged index] is in exactly one place, in order.
 * Segments wholly at or below `after` are not needed (and may leave gaps: a log tail lost to a machine crash after
 * a snapshot was made durable).
 */
function checkContiguous(scans: readonly SegmentScan[], after: number): void {
  let expected = after + 1;
  let started = false;
  for (const scan of scans) {
    if (scan.count === 0 || lastIndexOf(scan) < expected) continue;
    if (scan.firstIndex > expected) {
      const what = started ? `records ${expected}..${scan.firstIndex - 1} are missing before it` : `the log must continue from record ${expected}, the first record after ${after === 0 ? 'the start' : `the snapshot at ${after}`}, but it starts at ${scan.firstIndex}`;
      throw corruptAt(scan.file, 16, what);
    }
    if (started && scan.firstIndex < expected) throw corruptAt(scan.file, 16, `it starts at record ${scan.firstIndex}, overlapping records up to ${expected - 1}`);
    started = true;
    expected = lastIndexOf(scan) + 1;
  }
}

/**
 * Chooses what to start from: the newest snapshot that verifies (an older one, with a warning, when the newest is
 * damaged; the log alone when none verifies and the log reaches back to record 1), then checks that the log holds
 * every record after it. Throws Corrupt naming a file and offset when no consistent state can be rebuilt.
 */
export function planRecovery(scans: readonly SegmentScan[], candidates: readonly SnapshotCandidate[], logger?: StoreLogger): RecoveryPlan {
  const damaged: RecoveryPlan['damaged'] = [];
  let snapshot: RecoveryPlan['snapshot'];
  for (const c of candidates) {
    const reader = new SnapshotReader(c.file);
    try {
      const summary = reader.verify();
      if (summary.appliedIndex !== c.index) throw corruptAt(c.file, 16, `holds applied index ${summary.appliedIndex}, its name says ${c.index}`);
      snapshot = { reader, summary, bytes: reader.size() };
      break;
    } catch (e) {
      if (!isStoreError(e, 'Corrupt')) throw e;
      damaged.push({ file: c.file, error: e });
      logger?.warn({ file: c.file, offset: e.details.offset, reason: e.message }, 'snapshot is damaged; trying an older one');
    }
  }
  const after = snapshot?.summary.appliedIndex ?? 0;
  const logFirst = Math.min(...scans.filter((s) => s.count > 0).map((s) => s.firstIndex));
  if (!snapshot && damaged.length > 0 && logFirst !== 1) {
    // Nothing to start from (starting empty would drop the snapshot's data): report the newest damage, which is
    // what an operator has to look at.
    throw damaged[0]!.error;
  }
  if (!snapshot && damaged.length > 0) logger?.warn({ damaged: damaged.length }, 'no snapshot is usable; replaying the whole log');
  checkContiguous(scans, after);
  let lastLogged = 0;
  for (const s of scans) lastLogged = Math.max(lastLogged, lastIndexOf(s));
  return { snapshot, damaged, afterIndex: after, nextIndex: Math.max(after, lastLogged) + 1 };
}
