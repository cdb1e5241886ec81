import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeAgentError } from '../errors.js';

/**
 * Path handling for writing untrusted archives into a directory tree: names are cleaned so they cannot climb out
 * of the root, and symlinks met on the way are resolved as if the root were `/` (chroot semantics), so a layer
 * holding `lib -> /usr/lib` followed by `lib/x` writes `<root>/usr/lib/x`, never the host's /usr/lib.
 */

/**
 * `./a//b/` -> `a/b`; `/etc/passwd` -> `etc/passwd`; `` and `.` -> ``. Throws InvalidImageArchive for names that
 * climb above the root (`../x`, `a/../../x`).
 */
export function cleanEntryPath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        throw new NodeAgentError('InvalidImageArchive', `archive entry "${name}" points outside the image root`);
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

const MAX_SYMLINK_HOPS = 40;

/**
 * The host path for `relPath` inside `root`, resolving symlinks in every component (and in the last one only when
 * `followFinal`) within the root. Components that do not exist are taken literally, so the result may name a path
 * still to be created.
 */
export async function resolveInRoot(root: string, relPath: string, followFinal = false): Promise<string> {
  let pending = relPath.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending[0];
    pending = pending.slice(1);
    if (part === '..') {
      resolved.pop();
      continue;
    }
    if (pending.length === 0 && !followFinal) {
      resolved.push(part);
      break;
    }
    const candidate = join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = (await lstat(candidate)).isSymbolicLink();
    } catch {
      isLink = false;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) {
      throw new NodeAgentError('InvalidImageArchive', `too many levels of symbolic links resolving "${relPath}" in the image`);
    }
    const target = await readlink(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
  }
  return join(root, ...resolved);
}
