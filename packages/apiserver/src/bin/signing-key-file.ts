/**
 * --service-account-signing-key-file: the bytes of FILE sign service account tokens, so tokens stay valid across
 * restarts. A missing file is created with 32 random bytes, readable by its owner only.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { FlagError } from './flags.js';

export function loadSigningKey(file: string): Buffer {
  try {
    const key = readFileSync(file);
    if (key.length < 16) throw new FlagError(`--service-account-signing-key-file: ${file} holds ${key.length} bytes; a key needs at least 16`);
    return key;
  } catch (e) {
    if (e instanceof FlagError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new FlagError(`--service-account-signing-key-file: cannot read ${file}: ${(e as Error).message}`);
  }
  const key = randomBytes(32);
  try {
    // wx: never overwrite a key another process has just written.
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadSigningKey(file);
    throw new FlagError(`--service-account-signing-key-file: cannot create ${file}: ${(e as Error).message}`);
  }
  return key;
}
