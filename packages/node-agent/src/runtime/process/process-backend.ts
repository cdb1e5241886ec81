import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LinuxContainerResources } from '../../cri/cri-types.js';
import type { StoredImage } from '../../images/image-store.js';
import type { ContainerBackend, ContainerUsage, ExecProcess, ExecSpec, NetworkCondition, PodDialer, StartCommand } from '../backend.js';
import { nowNs } from '../clock.js';
import { spawnExec } from '../exec-process.js';
import type { ContainerRecord, SandboxRecord } from '../records.js';
import { containerArgv, containerEnv } from '../runc/oci-spec.js';
import { hostDialer } from '../runc/runc-backend.js';
import { shellQuote } from '../shell-quote.js';
import { underTerminal } from '../shim.js';

/**
 * Containers as plain host processes, for machines without runc or root. There is NO isolation: processes share
 * the host's filesystem, network, PIDs and users; memory and CPU limits are not applied; mounts are not made. The
 * image is used only to find programs: a command like `/bin/sh` or `sh` resolves to the image's copy when it has one
 * (the image's PATH directories come first in PATH), and the working directory is taken inside the image's rootfs.
 * Each container runs in its own session and process group, so a SIGKILL reaches all of its processes.
 */
export class ProcessBackend implements ContainerBackend {
  readonly name = 'process' as const;
  readonly isolated = false;
  readonly version = `host-process (node ${process.version})`;
  private readonly clockTicks = 100;

  constructor(private readonly logger: Logger) {}

  async init(): Promise<void> {
    this.logger.warn('process backend: containers run as plain host processes on the host network, with NO isolation and no resource limits');
  }

  networkCondition(): NetworkCondition {
    return { ready: true };
  }

  setPodCidr(): void {}

  async setupSandbox(sandbox: SandboxRecord): Promise<void> {
    sandbox.network.ip = nodeAddress();
  }

  async teardownSandbox(): Promise<void> {}

  async createContainer(container: ContainerRecord, _sandbox: SandboxRecord, image: StoredImage, _dir: string): Promise<void> {
    const config = image.config.config ?? {};
    const argv = containerArgv(container.config, config);
    const env = containerEnv(container.config, config, '');
    const imagePath = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/sbin:/usr/bin:/sbin:/bin';
    const path = [...imagePath.split(':').map((d) => join(image.rootfs, d)), ...(process.env.PATH ?? '').split(':')].join(':');
    const resolved = [resolveProgram(image.rootfs, argv[0], imagePath), ...argv.slice(1)];
    const workdir = container.config.workingDir || config.WorkingDir || '/';
    const cwd = existsSync(join(image.rootfs, workdir)) ? join(image.rootfs, workdir) : image.rootfs;
    if (container.config.mounts.length > 0 || container.config.linux?.resources?.memoryLimitInBytes) {
      this.logger.warn({ container: container.id }, 'process backend: mounts and resource limits of this container are not applied');
    }
    container.user = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, additionalGids: [] };
    container.backendState = {
      argv: JSON.stringify(resolved),
      env: JSON.stringify([...env.filter((e) => !e.startsWith('PATH=')), `PATH=${path}`]),
      cwd,
      rootfs: image.rootfs,
    };
  }

  private processEnv(container: ContainerRecord): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const kv of JSON.parse(container.backendState.env ?? '[]') as string[]) {
      const eq = kv.indexOf('=');
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    return env;
  }

  startCommand(container: ContainerRecord, dir: string): StartCommand {
    const argv = JSON.parse(container.backendState.argv) as string[];
    const env = { ...this.processEnv(container), SHELL: '/bin/sh' };
    if (container.config.tty) {
      // script(1) already gives its child a session of its own, whose PID is the process group to signal
      return { argv: underTerminal(`echo $$ >${shellQuote([join(dir, 'pid')])}; exec ${shellQuote(argv)}`), env, cwd: container.backendState.cwd };
    }
    return { argv: ['/bin/sh', '-c', 'echo $$ >"$0/pid"; exec setsid "$@"', dir, ...argv], env, cwd: container.backendState.cwd };
  }

  /**
   * Like a container runtime, the stop signal goes to the first process only (a shell can trap it and end its
   * children its own way); SIGKILL goes to the whole process group, as the end of a PID namespace would.
   */
  signal(container: ContainerRecord, signal: NodeJS.Signals): void {
    if (container.pid <= 0) return;
    const target = signal === 'SIGKILL' ? -container.pid : container.pid;
    try {
      process.kill(target, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  async exitReason(): Promise<undefined> {
    return undefined;
  }

  async startError(): Promise<undefined> {
    return undefined;
  }

  exec(container: ContainerRecord, spec: ExecSpec, dir: string): ExecProcess {
    const pidFile = join(dir, `exec-${randomBytes(6).toString('hex')}.pid`);
    const env = this.processEnv(container);
    const program = resolveProgram(container.backendState.rootfs, spec.cmd[0], env.PATH ?? '');
    const argv = ['/bin/sh', '-c', 'echo $$ >"$0"; exec "$@"', pidFile, program, ...spec.cmd.slice(1)];
    return spawnExec({ argv, tty: spec.tty, pidFile, env, cwd: container.backendState.cwd });
  }

  async removeContainer(): Promise<void> {}

  async stats(container: ContainerRecord): Promise<ContainerUsage> {
    const usage: ContainerUsage = { timestamp: nowNs() };
    if (container.phase !== 'running' || container.pid <= 0) return usage;
    const stat = await readFile(`/proc/${container.pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 20) {
      usage.cpuUsageNs = ((Number(fields[11]) + Number(fields[12])) * 1e9) / this.clockTicks;
      usage.memoryRssBytes = Number(fields[21]) * 4096;
      usage.memoryWorkingSetBytes = usage.memoryRssBytes;
      usage.pageFaults = Number(fields[7]);
      usage.majorPageFaults = Number(fields[9]);
    }
    return usage;
  }

  async updateResources(container: ContainerRecord, _resources: LinuxContainerResources): Promise<void> {
    this.logger.warn({ container: container.id }, 'process backend: resource updates are not applied');
  }

  dialer(): PodDialer {
    return hostDialer();
  }

  async close(): Promise<void> {}
}

function resolveProgram(rootfs: string, program: string, pathEnv: string): string {
  if (program.includes('/')) {
    const inImage = join(rootfs, program);
    return existsSync(inImage) ? inImage : program;
  }
  for (const dir of pathEnv.split(':')) {
    if (!dir) continue;
    const candidate = dir.startsWith(rootfs) ? join(dir, program) : join(rootfs, dir, program);
    if (existsSync(candidate)) return candidate;
  }
  return program;
}

/** The node's first non-loopback IPv4 address (pods of this backend share it), else 127.0.0.1. */
export function nodeAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
