/**
 * Bytes and inodes under a directory, as `du` counts them (apparent file sizes; every entry is an inode). The walk
 * stays on the directory's own filesystem and gives up past `maxEntries`, returning what it counted so far: it is
 * only run for ranking pods under disk pressure, and must not become the next thing starving the node.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskUsage {
  bytes: number;
  inodes: number;
}

export async function directoryUsage(root: string, maxEntries = 100_000): Promise<DiskUsage | undefined> {
  const top = await lstat(root).catch(() => undefined);
  if (!top?.isDirectory()) return undefined;
  const usage: DiskUsage = { bytes: 0, inodes: 0 };
  const walk = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (usage.inodes >= maxEntries) return;
      const info = await lstat(join(dir, name)).catch(() => undefined);
      if (!info || info.dev !== top.dev) continue;
      usage.inodes++;
      if (info.isFile()) usage.bytes += info.size;
      else if (info.isDirectory()) await walk(join(dir, name));
    }
  };
  await walk(root);
  return usage;
}

/** Total size of the regular files directly in `dir` (a container's log directory: 0.log, 1.log, ...). */
export async function filesBytes(dir: string): Promise<number | undefined> {
  const names = await readdir(dir).catch(() => undefined);
  if (!names) return undefined;
  let bytes = 0;
  for (const name of names) {
    const info = await lstat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) bytes += info.size;
  }
  return bytes;
}
