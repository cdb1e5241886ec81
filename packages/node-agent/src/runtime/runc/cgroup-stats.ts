import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Container resource usage and OOM kills read straight from the cgroup filesystem (much cheaper than spawning
 * `runc events`). Both cgroup v1 (one hierarchy per controller, as on this machine) and v2 (unified) are read.
 */
const CGROUP_ROOT = '/sys/fs/cgroup';

export function cgroupVersion(): 1 | 2 {
  return existsSync(join(CGROUP_ROOT, 'cgroup.controllers')) ? 2 : 1;
}

async function readNumber(path: string): Promise<number | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text === 'max') return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

async function readKeyed(path: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      const [k, v] = line.trim().split(/\s+/);
      if (k && v !== undefined) out.set(k, Number(v));
    }
  } catch {
    // the cgroup is gone
  }
  return out;
}

export interface CgroupUsage {
  cpuUsageNs?: number;
  memoryUsageBytes?: number;
  memoryWorkingSetBytes?: number;
  memoryRssBytes?: number;
  memoryLimitBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
  swapUsageBytes?: number;
  processes?: number;
}

export async function readCgroupUsage(cgroupsPath: string): Promise<CgroupUsage> {
  if (cgroupVersion() === 2) {
    const dir = join(CGROUP_ROOT, cgroupsPath);
    const [cpu, memory, current, limit, swap, pids] = await Promise.all([
      readKeyed(join(dir, 'cpu.stat')),
      readKeyed(join(dir, 'memory.stat')),
      readNumber(join(dir, 'memory.current')),
      readNumber(join(dir, 'memory.max')),
      readNumber(join(dir, 'memory.swap.current')),
      readNumber(join(dir, 'pids.current')),
    ]);
    const usec = cpu.get('usage_usec');
    return {
      cpuUsageNs: usec === undefined ? undefined : usec * 1000,
      memoryUsageBytes: current,
      memoryWorkingSetBytes: current === undefined ? undefined : Math.max(0, current - (memory.get('inactive_file') ?? 0)),
      memoryRssBytes: memory.get('anon'),
      memoryLimitBytes: limit,
      pageFaults: memory.get('pgfault'),
      majorPageFaults: memory.get('pgmajfault'),
      swapUsageBytes: swap,
      processes: pids,
    };
  }
  const mem = join(CGROUP_ROOT, 'memory', cgroupsPath);
  const [cpuNs, usage, stat, limit, memsw, pids] = await Promise.all([
    readNumber(join(CGROUP_ROOT, 'cpuacct', cgroupsPath, 'cpuacct.usage')),
    readNumber(join(mem, 'memory.usage_in_bytes')),
    readKeyed(join(mem, 'memory.stat')),
    readNumber(join(mem, 'memory.limit_in_bytes')),
    readNumber(join(mem, 'memory.memsw.usage_in_bytes')),
    readNumber(join(CGROUP_ROOT, 'pids', cgroupsPath, 'pids.current')),
  ]);
  return {
    cpuUsageNs: cpuNs,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: usage === undefined ? undefined : Math.max(0, usage - (stat.get('total_inactive_file') ?? 0)),
    memoryRssBytes: stat.get('total_rss'),
    // v1 reports "no limit" as a huge page-aligned number
    memoryLimitBytes: limit !== undefined && limit < 2 ** 62 ? limit : undefined,
    pageFaults: stat.get('total_pgfault'),
    majorPageFaults: stat.get('total_pgmajfault'),
    swapUsageBytes: memsw !== undefined && usage !== undefined ? Math.max(0, memsw - usage) : undefined,
    processes: pids,
  };
}

/** How many times the OOM killer has killed a process in the cgroup (0 when none or unknown). */
export async function oomKills(cgroupsPath: string): Promise<number> {
  const path =
    cgroupVersion() === 2
      ? join(CGROUP_ROOT, cgroupsPath, 'memory.events')
      : join(CGROUP_ROOT, 'memory', cgroupsPath, 'memory.oom_control');
  return (await readKeyed(path)).get('oom_kill') ?? 0;
}

/** Whether memory+swap limits exist (v1 needs swap accounting for memory.memsw.*). */
export function swapAccounting(): boolean {
  return cgroupVersion() === 2 || existsSync(join(CGROUP_ROOT, 'memory', 'memory.memsw.limit_in_bytes'));
}
