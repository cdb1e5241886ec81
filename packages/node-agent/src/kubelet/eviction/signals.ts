/**
 * The kubelet's eviction signals, the resource each one measures and the node condition it drives:
 *
 *   signal              measured as                               starved resource    condition
 *   memory.available    MemAvailable of /proc/meminfo (bytes)     memory              MemoryPressure
 *   nodefs.available    free bytes of the agent's root fs         ephemeral-storage   DiskPressure
 *   nodefs.inodesFree   free inodes of the agent's root fs        inodes              DiskPressure
 *   imagefs.available   free bytes of the runtime's image fs      ephemeral-storage   DiskPressure
 *   imagefs.inodesFree  free inodes of the runtime's image fs     inodes              DiskPressure
 *   pid.available       pid_max minus the processes running       pids                PIDPressure
 *
 * The starved resource's name is what the eviction message names ("The node was low on resource: memory.").
 */
export const SIGNALS = ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available'] as const;

export type Signal = (typeof SIGNALS)[number];
export type StarvedResource = 'memory' | 'ephemeral-storage' | 'inodes' | 'pids';
export type PressureCondition = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';

/** In the order the node reports them and the admission message lists them. */
export const PRESSURE_CONDITIONS: readonly PressureCondition[] = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

export const SIGNAL_RESOURCE: Record<Signal, StarvedResource> = {
  'memory.available': 'memory',
  'nodefs.available': 'ephemeral-storage',
  'nodefs.inodesFree': 'inodes',
  'imagefs.available': 'ephemeral-storage',
  'imagefs.inodesFree': 'inodes',
  'pid.available': 'pids',
};

export const SIGNAL_CONDITION: Record<Signal, PressureCondition> = {
  'memory.available': 'MemoryPressure',
  'nodefs.available': 'DiskPressure',
  'nodefs.inodesFree': 'DiskPressure',
  'imagefs.available': 'DiskPressure',
  'imagefs.inodesFree': 'DiskPressure',
  'pid.available': 'PIDPressure',
};

/** Signals counted in bytes print as binary quantities (51200Ki); counts of inodes and pids as decimal ones. */
export function signalInBytes(signal: Signal): boolean {
  return signal === 'memory.available' || signal === 'nodefs.available' || signal === 'imagefs.available';
}

export function isSignal(name: string): name is Signal {
  return (SIGNALS as readonly string[]).includes(name);
}

/** One signal as observed: what is available now, and the capacity a percentage threshold is a share of. */
export interface Observation {
  available: number;
  capacity: number;
}

/** A signal that could not be read (no such filesystem, say) is absent: its thresholds are never met. */
export type Observations = Partial<Record<Signal, Observation>>;
