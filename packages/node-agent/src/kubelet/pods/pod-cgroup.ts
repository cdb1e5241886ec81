/**
 * Each pod's containers share a pod-level cgroup, `<base>/pod<uid>` (the kubelet's layout, minus its QoS tiers),
 * passed to the runtime as the sandbox's cgroup parent. The kubelet itself writes the pod-level pids limit there
 * (--pod-max-pids): the CRI has no field for it, and a limit on the parent bounds all of the pod's containers
 * together. The runtime creates the container cgroups beneath; `remove` clears the pod's level once they are gone.
 */
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

export function podCgroupPath(base: string, uid: string): string {
  return `${base.replace(/\/+$/, '')}/pod${uid}`;
}

function isV2(): boolean {
  return existsSync(join(CGROUP_ROOT, 'cgroup.controllers'));
}

/** Creates the pod's cgroup where limits apply and sets pids.max (`pidsLimit` <= 0: no limit). */
export async function ensurePodCgroup(path: string, pidsLimit: number): Promise<void> {
  if (pidsLimit <= 0) return;
  const dir = isV2() ? join(CGROUP_ROOT, path) : join(CGROUP_ROOT, 'pids', path);
  if (!isV2() && !existsSync(join(CGROUP_ROOT, 'pids'))) return;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pids.max'), String(pidsLimit));
}

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  // cgroup directories hold dozens of control files: file types from readdir spare a stat of each
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeTree(join(dir, entry.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // still has processes: the next cleanup pass retries
  }
}

/** Removes the pod's cgroup (and any empty leftovers below it) from every hierarchy. */
export function removePodCgroup(path: string): void {
  if (isV2()) {
    removeTree(join(CGROUP_ROOT, path));
    return;
  }
  for (const controller of readdirSync(CGROUP_ROOT)) removeTree(join(CGROUP_ROOT, controller, path));
}
