/**
 * Removing the cgroups a cluster's nodes used (`/skiff-<id>/<node>/...`) once their containers are gone. With
 * cgroup v1 every controller hierarchy has its own copy of the path; with v2 there is one tree. Directories are
 * removed deepest first; a cgroup that still holds a process cannot be removed and is reported, not forced.
 */
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

function hierarchies(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) return [CGROUP_ROOT];
  return readdirSync(CGROUP_ROOT)
    .map((name) => join(CGROUP_ROOT, name))
    .filter((dir) => {
      try {
        return statSync(dir).isDirectory() && existsSync(join(dir, 'cgroup.procs'));
      } catch {
        return false;
      }
    });
}

/** Removes `path` (e.g. "/skiff-3f0a") in every hierarchy; returns the directories that could not be removed. */
export function removeCgroupTree(path: string): string[] {
  const left: string[] = [];
  for (const h of hierarchies()) removeTree(join(h, path), left);
  return left;
}

function removeTree(dir: string, left: string[]): void {
  if (!existsSync(dir)) return;
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const child = join(dir, entry);
    try {
      if (statSync(child).isDirectory()) removeTree(child, left);
    } catch {
      // removed meanwhile
    }
  }
  try {
    rmdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') left.push(dir);
  }
}
