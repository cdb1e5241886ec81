/**
 * Writes a volume's files so a reader never sees a half-updated set, the way the kubelet does for configMap,
 * secret, downwardAPI and projected volumes. Every version lives in its own hidden directory; `..data` is a
 * symlink to the current one, swapped by rename (atomic); each top-level entry is a symlink through `..data`:
 *
 *   vol/..2024_05_01_10_00_00.1234/app.conf     the files of this version
 *   vol/..data -> ..2024_05_01_10_00_00.1234
 *   vol/app.conf -> ..data/app.conf
 *
 * An update writes a new version directory, points `..data_tmp` at it and renames that over `..data`, then fixes
 * the top-level links and removes the old version. A write with the same payload changes nothing.
 */
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { NodeAgentError } from '../../errors.js';

export interface FileProjection {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** Relative path -> file, e.g. `conf/app.yaml`. */
export type Payload = Map<string, FileProjection>;

const DATA_LINK = '..data';
const DATA_TMP = '..data_tmp';

function checkPath(path: string): void {
  const n = normalize(path);
  if (!path || path.startsWith('/') || n.startsWith('..') || n.split(sep).includes('..')) {
    throw new NodeAgentError('VolumeSetupFailed', `invalid file path "${path}" in volume: must be relative and stay inside the volume`);
  }
}

function versionName(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.`;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** True when the current version holds exactly `payload` (contents and modes). */
async function unchanged(dir: string, payload: Payload): Promise<boolean> {
  const current = join(dir, DATA_LINK);
  if (!(await exists(current))) return false;
  const listed = await listFiles(current);
  if (listed.length !== payload.size) return false;
  for (const rel of listed) {
    const want = payload.get(rel);
    if (!want) return false;
    const path = join(current, rel);
    const [have, info] = await Promise.all([readFile(path), stat(path)]);
    if (!have.equals(want.data) || (info.mode & 0o777) !== want.mode) return false;
  }
  return true;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}

/** Writes `payload` into the volume directory `dir`; returns whether anything changed. */
export async function writeAtomically(dir: string, payload: Payload): Promise<boolean> {
  for (const path of payload.keys()) checkPath(path);
  await mkdir(dir, { recursive: true });
  if (await unchanged(dir, payload)) return false;

  const version = await mkdtemp(join(dir, versionName()));
  for (const [rel, file] of payload) {
    const path = join(version, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.data);
    await chmod(path, file.mode);
  }
  const previous = (await exists(join(dir, DATA_LINK))) ? await readlink(join(dir, DATA_LINK)) : undefined;
  await rm(join(dir, DATA_TMP), { force: true });
  await symlink(version.slice(dir.length + 1), join(dir, DATA_TMP));
  await rename(join(dir, DATA_TMP), join(dir, DATA_LINK));

  const top = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const name of top) {
    const link = join(dir, name);
    if (!(await exists(link))) await symlink(join(DATA_LINK, name), link);
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith('..') || top.has(name)) continue;
    await rm(join(dir, name), { force: true, recursive: true });
  }
  if (previous && previous !== version.slice(dir.length + 1)) await rm(join(dir, previous), { recursive: true, force: true });
  return true;
}
