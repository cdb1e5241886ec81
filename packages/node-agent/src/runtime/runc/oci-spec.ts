import { realpathSync, existsSync } from 'node:fs';
import type { ContainerConfig, LinuxContainerResources, Mount } from '../../cri/cri-types.js';
import { NodeAgentError } from '../../errors.js';
import type { ImageRunConfig } from '../../images/oci-types.js';
import type { ContainerUser, SandboxRecord } from '../records.js';

/**
 * Builds the OCI runtime config (config.json) runc runs a CRI container from. Defaults follow what Kubernetes
 * runtimes give containers: Docker's default capability set, the usual masked and read-only /proc and /sys paths,
 * a private /dev with runc's default devices, new PID, IPC, UTS and mount namespaces per container, and the pod's
 * network namespace (or the host's for hostNetwork pods).
 */
export interface OciSpecInput {
  config: ContainerConfig;
  sandbox: SandboxRecord;
  image: ImageRunConfig;
  user: ContainerUser;
  /** The container's rootfs mount point. */
  rootfs: string;
  /** cgroupfs-style path, e.g. /skiff/<container id>. */
  cgroupsPath: string;
  /** 0 for no pids limit. */
  pidsLimit: number;
  /** Host files for /etc/hostname, /etc/hosts and /etc/resolv.conf. */
  etcFiles: { hostname?: string; hosts?: string; resolvConf?: string };
  /** The lowest oom_score_adj this process may set (a runtime without CAP_SYS_RESOURCE cannot go below its own). */
  minOomScoreAdj: number;
  /** TARGET mode: the host PID of the container whose PID namespace this one joins. */
  pidNamespaceOf?: number;
}

export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

const MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The argv a container runs, with Kubernetes' rules: `command` replaces the image ENTRYPOINT and drops its CMD;
 * `args` replaces CMD.
 */
export function containerArgv(config: ContainerConfig, image: ImageRunConfig): string[] {
  const entrypoint = config.command.length > 0 ? config.command : (image.Entrypoint ?? []);
  const args = config.args.length > 0 ? config.args : config.command.length > 0 ? [] : (image.Cmd ?? []);
  const argv = [...entrypoint, ...args];
  if (argv.length === 0) {
    throw new NodeAgentError('InvalidArgument', `container "${config.metadata?.name}" has no command: the image has no ENTRYPOINT or CMD and the pod gives none`);
  }
  return argv;
}

/** Image ENV, then the container's envs (a later value for the same name wins), then PATH if still missing. */
export function containerEnv(config: ContainerConfig, image: ImageRunConfig, hostname: string): string[] {
  const env = new Map<string, string>();
  for (const kv of image.Env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  if (hostname && !env.has('HOSTNAME')) env.set('HOSTNAME', hostname);
  for (const { key, value } of config.envs) env.set(key, value);
  const out = [...env].map(([k, v]) => `${k}=${v}`);
  if (!env.has('PATH')) out.unshift(DEFAULT_PATH);
  return out;
}

function capabilities(config: ContainerConfig): string[] {
  const security = config.linux?.securityContext;
  if (security?.privileged) return ALL_CAPABILITIES;
  const norm = (c: string) => (c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`);
  const add = (security?.capabilities?.addCapabilities ?? []).map(norm);
  const drop = (security?.capabilities?.dropCapabilities ?? []).map(norm);
  let caps = add.includes('CAP_ALL') ? [...ALL_CAPABILITIES] : [...new Set([...DEFAULT_CAPABILITIES, ...add])];
  if (drop.includes('CAP_ALL')) caps = add.filter((c) => c !== 'CAP_ALL');
  return caps.filter((c) => !drop.includes(c));
}

function propagation(mount: Mount): string {
  if (mount.propagation === 'PROPAGATION_BIDIRECTIONAL') return 'rshared';
  if (mount.propagation === 'PROPAGATION_HOST_TO_CONTAINER') return 'rslave';
  return 'rprivate';
}

function userMounts(config: ContainerConfig): object[] {
  const mounts = [...config.mounts]
    .filter((m) => m.containerPath)
    .sort((a, b) => a.containerPath.split('/').length - b.containerPath.split('/').length);
  return mounts.map((m) => {
    if (m.image) throw new NodeAgentError('Unsupported', `image volumes are not supported yet (mount at ${m.containerPath})`);
    if (!m.hostPath || !existsSync(m.hostPath)) {
      throw new NodeAgentError('InvalidArgument', `mount source "${m.hostPath}" for ${m.containerPath} does not exist on the node`);
    }
    const options = ['rbind', propagation(m), m.readonly ? 'ro' : 'rw'];
    return { destination: m.containerPath, type: 'bind', source: realpathSync(m.hostPath), options };
  });
}

/** The OCI LinuxResources for CRI container resources (also what `runc update` takes). */
export function ociResources(resources: LinuxContainerResources | null | undefined, pidsLimit: number, swapLimited: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = resources;
  if (r?.memoryLimitInBytes) {
    out.memory = { limit: r.memoryLimitInBytes, ...(swapLimited ? { swap: r.memorySwapLimitInBytes || r.memoryLimitInBytes } : {}) };
  }
  const cpu: Record<string, unknown> = {};
  if (r?.cpuShares) cpu.shares = r.cpuShares;
  if (r?.cpuQuota) cpu.quota = r.cpuQuota;
  if (r?.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r?.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r?.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  if (pidsLimit > 0) out.pids = { limit: pidsLimit };
  if (r?.hugepageLimits.length) out.hugepageLimits = r.hugepageLimits.map((h) => ({ pageSize: h.pageSize, limit: h.limit }));
  if (r && Object.keys(r.unified).length > 0) out.unified = r.unified;
  return out;
}

export function buildOciSpec(input: OciSpecInput, swapLimited: boolean): Record<string, unknown> {
  const { config, sandbox, image, user } = input;
  const security = config.linux?.securityContext;
  const privileged = security?.privileged === true;
  const hostNetwork = sandbox.hostNetwork;
  const pidMode = security?.namespaceOptions?.pid ?? 'CONTAINER';
  const ipcMode = security?.namespaceOptions?.ipc ?? 'POD';
  const hostname = hostNetwork ? '' : sandbox.config.hostname;
  const caps = capabilities(config);
  const resources = config.linux?.resources;
  const oomScoreAdj = Math.max(resources?.oomScoreAdj ?? 0, input.minOomScoreAdj);

  const namespaces: { type: string; path?: string }[] = [{ type: 'mount' }];
  if (pidMode === 'TARGET' && input.pidNamespaceOf) namespaces.push({ type: 'pid', path: `/proc/${input.pidNamespaceOf}/ns/pid` });
  else if (pidMode !== 'NODE') namespaces.push({ type: 'pid' });
  if (ipcMode !== 'NODE') namespaces.push({ type: 'ipc' });
  if (!hostNetwork) {
    namespaces.push({ type: 'uts' });
    namespaces.push({ type: 'network', path: sandbox.network.netnsPath });
  }

  const userTargets = new Set(config.mounts.map((m) => m.containerPath));
  const etcMounts = (
    [
      ['/etc/hostname', input.etcFiles.hostname],
      ['/etc/hosts', input.etcFiles.hosts],
      ['/etc/resolv.conf', input.etcFiles.resolvConf],
    ] as const
  )
    .filter(([target, source]) => source && !userTargets.has(target))
    .map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'rprivate', security?.readonlyRootfs ? 'ro' : 'rw'] }));

  const sysOptions = ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: config.tty,
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) },
      args: containerArgv(config, image),
      env: containerEnv(config, image, hostname),
      cwd: config.workingDir || image.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: security?.noNewPrivs === true,
      oomScoreAdj,
    },
    root: { path: input.rootfs, readonly: security?.readonlyRootfs === true },
    ...(hostname ? { hostname } : {}),
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      hostNetwork
        ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', ...sysOptions] }
        : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: sysOptions },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
      ...etcMounts,
      ...userMounts(config),
    ],
    linux: {
      namespaces,
      cgroupsPath: input.cgroupsPath,
      resources: {
        devices: [{ allow: privileged, access: 'rwm' }],
        ...ociResources(resources, input.pidsLimit, swapLimited),
      },
      ...(Object.keys(sandbox.config.linux?.sysctls ?? {}).length ? { sysctl: sandbox.config.linux?.sysctls } : {}),
      maskedPaths: privileged ? [] : security?.maskedPaths.length ? security.maskedPaths : MASKED_PATHS,
      readonlyPaths: privileged ? [] : security?.readonlyPaths.length ? security.readonlyPaths : READONLY_PATHS,
    },
  };
}
