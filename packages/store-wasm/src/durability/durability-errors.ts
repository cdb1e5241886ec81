import { StoreError } from '../errors.js';

/**
 * The errors the durable layer raises, built in one place so their wording and details stay consistent.
 * Every one names the file it is about; corruption also names the byte offset.
 */

/** Damage found on disk: refuses to start. `offset` is the byte offset in `file` where the damage begins. */
export function corruptAt(file: string, offset: number, why: string): StoreError {
  return new StoreError('Corrupt', `${file} at byte ${offset}: ${why}`, { file, offset });
}

/** A file written by a newer format version than this build reads. */
export function newerFormat(file: string, found: number, supported: number): StoreError {
  return new StoreError(
    'DataDirUnusable',
    `${file} has format version ${found}, this build reads up to version ${supported}: the data dir was written by a newer skiff; run that version or a newer one`,
    { file },
  );
}

const SPACE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** What a failed log write means for the store; the default. */
export const LOG_REFUSES_WRITES = 'the write-ahead log refuses every later write until the store is restarted';

/**
 * A failed write, fsync or file operation. ENOSPC and quota errors map to NoSpace; anything else (EIO, EROFS...)
 * to DiskFailure, because after a failed log write the store refuses every later write until it is restarted on a
 * healthy disk. `consequence` tells the reader what happens next.
 */
export function diskFailure(err: unknown, file: string, action: string, consequence = LOG_REFUSES_WRITES): StoreError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
  const reason = (err as Error | undefined)?.message ?? String(err);
  const e = new StoreError(SPACE_CODES.has(code) ? 'NoSpace' : 'DiskFailure', `${action} ${file} failed (${reason}); ${consequence}`, { file });
  (e as { cause?: unknown }).cause = err;
  return e;
}

/** The data dir cannot be opened at all (not a directory, no permission, unreadable file...). */
export function unusableDataDir(dataDir: string, err: unknown): StoreError {
  const path = (err as NodeJS.ErrnoException | undefined)?.path;
  const e = new StoreError('DataDirUnusable', `cannot open data dir ${dataDir}: ${(err as Error | undefined)?.message ?? String(err)}`, path ? { file: path } : {});
  (e as { cause?: unknown }).cause = err;
  return e;
}

/** The data dir is held by a live process. */
export function dataDirLocked(lockFile: string, pid: number): StoreError {
  return new StoreError(
    'DataDirUnusable',
    `data dir is in use by process ${pid} (lock file ${lockFile}); stop that process first, or delete the lock file if process ${pid} is not a skiff store`,
    { file: lockFile },
  );
}
