/**
 * tmpfs mounts for memory-backed volumes, and finding and removing what is mounted under a directory. The
 * kubelet's volume directories are the only mounts it makes itself; everything else the runtime mounts.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { NodeAgentError } from '../../errors.js';

const run = promisify(execFile);

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points at or below `dir`, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((m): m is string => !!m)
    .map(unescapeMountPath)
    .filter((m) => m === dir || m.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

export async function isMountPoint(dir: string): Promise<boolean> {
  return (await mountsUnder(dir)).includes(dir);
}

/** Mounts a tmpfs of at most `sizeBytes` (0: the kernel's default, half of RAM) at `dir` unless one is there. */
export async function mountTmpfs(dir: string, sizeBytes: number): Promise<void> {
  if (await isMountPoint(dir)) return;
  const options = ['mode=0777', ...(sizeBytes > 0 ? [`size=${sizeBytes}`] : [])].join(',');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  } catch (err) {
    throw new NodeAgentError('VolumeSetupFailed', `mounting a tmpfs at ${dir} failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`, { cause: err });
  }
}

/** Unmounts everything under `dir`; a busy mount is detached lazily so that removal can go on. */
export async function unmountAll(dir: string): Promise<void> {
  for (const m of await mountsUnder(dir)) {
    await run('umount', [m]).catch(() => run('umount', ['-l', m]).catch(() => undefined));
  }
}
