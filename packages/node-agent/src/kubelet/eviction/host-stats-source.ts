/**
 * The real EvictionStatsSource: the node's signals from /proc and statfs, the pods' usage from the runtime.
 *
 *   memory.available             MemAvailable, of MemTotal (the kubelet subtracts the root cgroup's working set
 *                                from capacity; MemAvailable is the same idea without needing the root cgroup)
 *   nodefs.*                     statfs of the agent's root (pod volumes, logs by default)
 *   imagefs.*                    statfs of the runtime's image filesystem, from CRI ImageFsInfo's mountpoint;
 *                                the agent's root when the runtime does not say
 *   pid.available                pid_max minus the processes in /proc
 *
 *   per container                working set and writable layer from CRI ListContainerStats, log files from the
 *                                pod's log directory
 *   per pod                      disk-backed emptyDir volumes (bounded walk), processes in the pod cgroup's
 *                                pids.current
 *
 * Node signals are read every monitoring interval and are cheap; pod usage only when a pod must be chosen.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CriClient } from '../../cri/cri-client.js';
import { CONTAINER_NAME, podRefOf } from '../cri-labels.js';
import { filesystemStats, memoryStats, pidStats, type FilesystemStats } from '../node/host-stats.js';
import { podCgroupPath } from '../pods/pod-cgroup.js';
import { podLogDirectory } from '../pods/sandbox-config.js';
import { directoryUsage, filesBytes } from './disk-usage.js';
import type { Observations } from './signals.js';
import type { ContainerUsage, EvictionStatsSource, PodUsage } from './stats-source.js';

export interface HostStatsOptions {
  cri: CriClient;
  /** The agent's root: the node filesystem. */
  nodefsPath: string;
  podLogsDir: string;
  /** Where a pod's volume lives on the node (VolumeManager.volumeDir). */
  volumeDir(uid: string, volume: any): string;
  cgroupParent: string;
}

const IMAGEFS_RETRY_MS = 60_000;
const CGROUP_ROOT = '/sys/fs/cgroup';

function filesystemObservations(prefix: 'nodefs' | 'imagefs', fs: FilesystemStats | undefined): Observations {
  if (!fs) return {};
  return {
    [`${prefix}.available`]: { available: fs.availableBytes, capacity: fs.capacityBytes },
    // some filesystems (btrfs) report no inode counts: no inode signal then
    ...(fs.inodes > 0 ? { [`${prefix}.inodesFree`]: { available: fs.inodesFree, capacity: fs.inodes } } : {}),
  };
}

async function podProcesses(path: string): Promise<number | undefined> {
  const file = existsSync(join(CGROUP_ROOT, 'cgroup.controllers')) ? join(CGROUP_ROOT, path, 'pids.current') : join(CGROUP_ROOT, 'pids', path, 'pids.current');
  const n = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export class HostStatsSource implements EvictionStatsSource {
  private imagefsPath: string | undefined;
  private imagefsAskedAt = -Infinity;

  constructor(private readonly options: HostStatsOptions) {}

  async node(): Promise<Observations> {
    const [memory, nodefs, imagefs, pids] = await Promise.all([
      memoryStats(),
      filesystemStats(this.options.nodefsPath),
      this.imageFilesystem().then(filesystemStats),
      pidStats(),
    ]);
    return {
      'memory.available': { available: memory.availableBytes, capacity: memory.totalBytes },
      ...filesystemObservations('nodefs', nodefs),
      ...filesystemObservations('imagefs', imagefs ?? nodefs),
      'pid.available': { available: pids.available, capacity: pids.max },
    };
  }

  async pods(pods: readonly any[]): Promise<Map<string, PodUsage>> {
    const out = new Map<string, PodUsage>();
    const wanted = new Map(pods.map((p) => [p.metadata?.uid as string, p]));
    const { stats } = await this.options.cri.listContainerStats({});
    for (const s of stats) {
      const labels = s.attributes?.labels ?? {};
      const uid = podRefOf(labels)?.uid;
      if (!uid || !wanted.has(uid)) continue;
      let usage = out.get(uid);
      if (!usage) out.set(uid, (usage = { containers: [] }));
      usage.containers.push({
        name: labels[CONTAINER_NAME] ?? s.attributes?.metadata?.name ?? '',
        memoryWorkingSetBytes: s.memory?.workingSetBytes?.value,
        rootfsBytes: s.writableLayer?.usedBytes?.value,
        rootfsInodes: s.writableLayer?.inodesUsed?.value,
      });
    }
    await Promise.all([...out].map(([uid, usage]) => this.addPodLevelUsage(wanted.get(uid), usage)));
    return out;
  }

  private async addPodLevelUsage(pod: any, usage: PodUsage): Promise<void> {
    const uid: string = pod.metadata.uid;
    const logDir = podLogDirectory(this.options.podLogsDir, pod);
    await Promise.all(
      usage.containers.map(async (c: ContainerUsage) => {
        c.logsBytes = (await filesBytes(join(logDir, c.name))) ?? 0;
      }),
    );
    for (const volume of pod.spec?.volumes ?? []) {
      if (!volume.emptyDir || volume.emptyDir.medium === 'Memory') continue;
      const du = await directoryUsage(this.options.volumeDir(uid, volume));
      if (!du) continue;
      usage.volumeBytes = (usage.volumeBytes ?? 0) + du.bytes;
      usage.volumeInodes = (usage.volumeInodes ?? 0) + du.inodes;
    }
    usage.processes = await podProcesses(podCgroupPath(this.options.cgroupParent, uid));
  }

  /** The runtime's image filesystem, asked once (again after a minute when the runtime could not say). */
  private async imageFilesystem(): Promise<string> {
    if (this.imagefsPath === undefined && Date.now() - this.imagefsAskedAt >= IMAGEFS_RETRY_MS) {
      this.imagefsAskedAt = Date.now();
      const info = await this.options.cri.imageFsInfo({}, { timeoutMs: 5000 }).catch(() => undefined);
      const mountpoint = info?.imageFilesystems[0]?.fsId?.mountpoint;
      if (mountpoint) this.imagefsPath = mountpoint;
    }
    return this.imagefsPath ?? this.options.nodefsPath;
  }
}
