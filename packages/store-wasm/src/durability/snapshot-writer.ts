import { join } from 'node:path';
import { isStoreError } from '../errors.js';
import { diskFailure } from './durability-errors.js';

const KEPT = 'the previous snapshot and the whole log are kept';
import { totalBytes, type DurableFs } from './durable-fs.js';
import { SNAPSHOT_FILE, encodeFileHeader, fileName } from './file-header.js';
import { encodeSnapshot } from './snapshot-codec.js';
import type { SnapshotState } from './write-log.js';

export interface WrittenSnapshot {
  file: string;
  index: number;
  bytes: number;
  records: number;
}

/**
 * Writes a snapshot file in two phases.
 *
 * Synchronously, before this returns: `state.records` is read to the end and serialized into blocks (the engine may
 * change as soon as we return, and a wasm engine's records may be views into its memory). Blocks stay in memory
 * up to `memoryBudgetBytes`; past that they are written to the temp file at once (page cache, no fsync), which
 * bounds memory for large states (1M keys of 1 KiB: ~1.05 GiB of blocks) at the cost of a longer pause.
 *
 * Asynchronously: the remaining blocks are written, the temp file fsynced, renamed to its final name and the
 * directory fsynced. Only then does the snapshot exist; until then the previous one stays the newest.
 */
export function writeSnapshotFile(fs: DurableFs, dir: string, state: SnapshotState, memoryBudgetBytes: number): Promise<WrittenSnapshot> {
  const file = join(dir, fileName(SNAPSHOT_FILE, state.appliedIndex));
  const tmp = `${file}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (e) {
    return Promise.reject(diskFailure(e, tmp, 'creating snapshot', KEPT));
  }
  let pending: Uint8Array[] = [encodeFileHeader(SNAPSHOT_FILE, state.appliedIndex)];
  let pendingBytes = pending[0]!.byteLength;
  let position = 0;
  let records: number;
  try {
    records = encodeSnapshot(state, (frame) => {
      pending.push(frame);
      pendingBytes += frame.byteLength;
      if (pendingBytes < memoryBudgetBytes) return;
      position += writeAll(fs, fd, pending, position, tmp);
      pending = [];
      pendingBytes = 0;
    }).records;
  } catch (e) {
    return abandon(fs, fd, tmp).then(() => Promise.reject(isStoreError(e) ? e : diskFailure(e, tmp, 'writing snapshot', KEPT)));
  }
  const open = { fd };
  return finish(fs, open, tmp, pending, position).then(
    (bytes) => ({ file, index: state.appliedIndex, bytes, records }),
    (e: unknown) => abandon(fs, open.fd, tmp).then(() => Promise.reject(isStoreError(e) ? e : diskFailure(e, tmp, 'writing snapshot', KEPT))),
  );
}

function writeAll(fs: DurableFs, fd: number, chunks: Uint8Array[], position: number, tmp: string): number {
  const want = totalBytes(chunks);
  let wrote: number;
  try {
    wrote = fs.writevSync(fd, chunks, position);
  } catch (e) {
    throw diskFailure(e, tmp, 'writing snapshot', KEPT);
  }
  if (wrote !== want) throw diskFailure(new Error(`short write: ${wrote} of ${want} bytes`), tmp, 'writing snapshot', KEPT);
  return wrote;
}

/** `open.fd` becomes -1 once closed, so a failure later never closes a descriptor number reused by someone else. */
async function finish(fs: DurableFs, open: { fd: number }, tmp: string, pending: Uint8Array[], position: number): Promise<number> {
  const want = totalBytes(pending);
  const wrote = await fs.writev(open.fd, pending, position);
  if (wrote !== want) throw new Error(`short write: ${wrote} of ${want} bytes`);
  pending.length = 0;
  await fs.fsync(open.fd);
  const fd = open.fd;
  open.fd = -1;
  await fs.close(fd);
  const file = tmp.slice(0, -'.tmp'.length);
  await fs.rename(tmp, file);
  await fs.syncDir(join(file, '..'));
  return position + wrote;
}

/** Removes a temp file that will never be finished; errors here change nothing for the caller. */
async function abandon(fs: DurableFs, fd: number, tmp: string): Promise<void> {
  if (fd >= 0) await fs.close(fd).catch(() => undefined);
  await fs.unlink(tmp).catch(() => undefined);
}
