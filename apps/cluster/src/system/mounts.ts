/**
 * Mounts below a directory (containers' overlay rootfs, bind mounts of volumes) that a crashed run may have left,
 * found in /proc/self/mountinfo and unmounted deepest first, so deleting the directory never reaches into a
 * mounted filesystem.
 */
import { readFileSync } from 'node:fs';
import { runCommand } from './run-command.js';

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function mountsUnder(dir: string): string[] {
  let info: string;
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p)
    .map(unescape)
    .filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything below `dir`; returns the mount points that would not go. */
export async function unmountUnder(dir: string): Promise<string[]> {
  const stuck: string[] = [];
  for (const point of mountsUnder(dir)) {
    if ((await runCommand('umount', [point])).code === 0) continue;
    // Busy (a process still has a file open there): detach it so the directory can go; the kernel frees it later.
    if ((await runCommand('umount', ['-l', point])).code !== 0) stuck.push(point);
  }
  return stuck;
}
