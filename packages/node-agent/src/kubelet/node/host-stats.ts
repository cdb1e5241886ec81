/**
 * Facts about the machine the node runs on, read from /proc, statfs and /etc: what the Node object's nodeInfo and
 * capacity defaults come from, and what the pressure conditions are judged on.
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

export interface PressureStats {
  memoryAvailableBytes: number;
  diskAvailableBytes: number;
  diskTotalBytes: number;
  pidsAvailable: number;
  pidMax: number;
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

async function memAvailable(): Promise<number> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kb = Number(/^MemAvailable:\s+(\d+) kB$/m.exec(text)?.[1]);
  return Number.isFinite(kb) ? kb * 1024 : os.freemem();
}

export async function pressureStats(diskPath: string): Promise<PressureStats> {
  const [memory, fs, pidMaxText, procs] = await Promise.all([
    memAvailable(),
    statfs(diskPath).catch(() => undefined),
    readFile('/proc/sys/kernel/pid_max', 'utf8').catch(() => '32768'),
    readdir('/proc').catch(() => [] as string[]),
  ]);
  const pidMax = Number(pidMaxText.trim()) || 32768;
  const running = procs.filter((p) => /^\d+$/.test(p)).length;
  return {
    memoryAvailableBytes: memory,
    diskAvailableBytes: fs ? fs.bavail * fs.bsize : 0,
    diskTotalBytes: fs ? fs.blocks * fs.bsize : 0,
    pidsAvailable: pidMax - running,
    pidMax,
  };
}
