/**
 * Facts about the machine the node runs on, read from /proc, statfs and /etc: what the Node object's nodeInfo and
 * capacity defaults come from, and what the eviction manager's signals are measured from.
 */
import { readFileSync } from 'node:fs';
import { readFile, readdir, statfs } from 'node:fs/promises';
import os from 'node:os';

export interface MachineInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  cpus: number;
  memoryBytes: number;
  hostname: string;
}

export interface MemoryStats {
  availableBytes: number;
  totalBytes: number;
}

export interface FilesystemStats {
  availableBytes: number;
  capacityBytes: number;
  inodesFree: number;
  inodes: number;
}

export interface PidStats {
  /** pid_max minus the processes running now. */
  available: number;
  max: number;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

export function machineInfo(): MachineInfo {
  const osRelease = readText('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  const machineID = readText('/etc/machine-id');
  return {
    machineID,
    systemUUID: readText('/sys/class/dmi/id/product_uuid') || machineID,
    bootID: readText('/proc/sys/kernel/random/boot_id'),
    kernelVersion: os.release(),
    osImage: pretty,
    architecture: ARCH[os.arch()] ?? os.arch(),
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    hostname: os.hostname(),
  };
}

/** MemAvailable (what the kernel can hand out without swapping: free memory plus reclaimable caches) and MemTotal. */
export async function memoryStats(): Promise<MemoryStats> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1]);
  const available = kb('MemAvailable');
  const total = kb('MemTotal');
  return {
    availableBytes: Number.isFinite(available) ? available * 1024 : os.freemem(),
    totalBytes: Number.isFinite(total) ? total * 1024 : os.totalmem(),
  };
}

/** Free space and inodes of the filesystem holding `path` (unprivileged free space, as df shows it). */
export async function filesystemStats(path: string): Promise<FilesystemStats | undefined> {
  const fs = await statfs(path).catch(() => undefined);
  if (!fs) return undefined;
  return { availableBytes: fs.bavail * fs.bsize, capacityBytes: fs.blocks * fs.bsize, inodesFree: fs.ffree, inodes: fs.files };
}

export async function pidStats(): Promise<PidStats> {
  const [pidMaxText, procs] = await Promise.all([readFile('/proc/sys/kernel/pid_max', 'utf8').catch(() => '32768'), readdir('/proc').catch(() => [] as string[])]);
  const max = Number(pidMaxText.trim()) || 32768;
  let running = 0;
  for (const p of procs) if (p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57) running++;
  return { available: max - running, max };
}
