import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeAgentError } from '../../errors.js';
import { runCommand as run } from '../command-shell.js';

/**
 * A container's rootfs: overlayfs with the image's unpacked rootfs below (read-only, shared by every container of
 * the image) and the container's own upper directory above. Mounting costs the same whatever the image size; the
 * mount stays across runtime restarts and is removed with the container.
 *
 *   <dir>/fs/upper  <dir>/fs/work  ->  <dir>/rootfs
 */
export function rootfsPaths(dir: string): { upper: string; work: string; target: string } {
  return { upper: join(dir, 'fs', 'upper'), work: join(dir, 'fs', 'work'), target: join(dir, 'rootfs') };
}

export async function mountOverlayRootfs(imageRootfs: string, dir: string): Promise<string> {
  const { upper, work, target } = rootfsPaths(dir);
  await Promise.all([mkdir(upper, { recursive: true }), mkdir(work, { recursive: true }), mkdir(target, { recursive: true })]);
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${imageRootfs},upperdir=${upper},workdir=${work}`, target]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new NodeAgentError('MountFailed', `mounting the container rootfs (overlayfs over ${imageRootfs}) failed: ${stderr || (err as Error).message}`, { cause: err });
  }
  return target;
}

/** True if `path` is a mount point (per /proc/self/mountinfo). */
export async function isMounted(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => line.split(' ')[4] === path);
}

/** Unmounts the rootfs if mounted; a busy mount is detached lazily rather than leaked. */
export async function unmountRootfs(dir: string): Promise<void> {
  const { target } = rootfsPaths(dir);
  if (!(await isMounted(target))) return;
  try {
    await run('umount', [target]);
  } catch {
    await run('umount', ['-l', target]).catch((err: unknown) => {
      throw new NodeAgentError('MountFailed', `unmounting ${target} failed: ${(err as Error).message}`, { cause: err });
    });
  }
}
