import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:net';
import type { Logger } from 'pino';
import type { LinuxContainerResources } from '../../cri/cri-types.js';
import { NodeAgentError } from '../../errors.js';
import type { StoredImage } from '../../images/image-store.js';
import type { ContainerBackend, ContainerUsage, ExecProcess, ExecSpec, NetworkCondition, PodDialer, StartCommand } from '../backend.js';
import { nowNs } from '../clock.js';
import { resolveContainerUser } from '../container-user.js';
import { spawnExec } from '../exec-process.js';
import { etcPaths } from '../network/etc-files.js';
import { NetnsDialer } from '../network/netns-dialer.js';
import type { PodNetwork } from '../network/pod-network.js';
import type { ContainerRecord, SandboxRecord } from '../records.js';
import { shellQuote } from '../shell-quote.js';
import { underTerminal } from '../shim.js';
import { oomKills, readCgroupUsage, swapAccounting } from './cgroup-stats.js';
import { buildOciSpec, ociResources } from './oci-spec.js';
import { mountOverlayRootfs, rootfsPaths, unmountRootfs } from './overlay-rootfs.js';
import { Runc } from './runc-cli.js';

export interface RuncBackendOptions {
  runcPath: string;
  /** runc's --root: its state for this runtime's containers only. */
  runcRoot: string;
  /** cgroup parent for pods whose sandbox config names none (cgroupfs syntax). */
  cgroupParent: string;
  /** pids.max for every container; 0 for none. */
  pidsLimit: number;
  network: PodNetwork;
  logger: Logger;
}

/** Containers in their own namespaces and cgroups, run by runc under a shim; pods networked by CNI. */
export class RuncBackend implements ContainerBackend {
  readonly name = 'runc' as const;
  readonly isolated = true;
  version = '';
  private readonly runc: Runc;
  private minOomScoreAdj = -1000;
  private swapLimited = false;
  private readonly layerUsage = new Map<string, { at: number; bytes: number; inodes: number }>();

  constructor(private readonly options: RuncBackendOptions) {
    this.runc = new Runc(options.runcPath, options.runcRoot, options.logger);
  }

  async init(): Promise<void> {
    try {
      this.version = await this.runc.version();
    } catch (err) {
      throw new NodeAgentError('RuntimeUnavailable', `runc (${this.options.runcPath}) cannot be run: ${(err as Error).message}; install Debian's runc`, { cause: err });
    }
    // without CAP_SYS_RESOURCE a process may not lower oom_score_adj below its own, and runc would fail the start
    this.minOomScoreAdj = Number((await readFile('/proc/self/oom_score_adj', 'utf8').catch(() => '-1000')).trim()) || 0;
    this.swapLimited = swapAccounting();
  }

  networkCondition(): NetworkCondition {
    return this.options.network.condition();
  }

  setPodCidr(cidr: string): void {
    this.options.network.setPodCidr(cidr);
  }

  async setupSandbox(sandbox: SandboxRecord): Promise<void> {
    if (!sandbox.hostNetwork) await this.options.network.attach(sandbox);
  }

  async teardownSandbox(sandbox: SandboxRecord): Promise<void> {
    if (!sandbox.hostNetwork) await this.options.network.detach(sandbox);
  }

  private cgroupsPath(container: ContainerRecord, sandbox: SandboxRecord): string {
    const parent = sandbox.config.linux?.cgroupParent || this.options.cgroupParent;
    return `${parent.replace(/\/+$/, '')}/${container.id}`;
  }

  async createContainer(container: ContainerRecord, sandbox: SandboxRecord, image: StoredImage, dir: string, shared: { pidOf?: number } = {}): Promise<void> {
    const security = container.config.linux?.securityContext;
    container.user = await resolveContainerUser(image.rootfs, image.config.config?.User, security);
    const cgroupsPath = this.cgroupsPath(container, sandbox);
    const etc = etcPaths(sandbox.dir);
    const spec = buildOciSpec(
      {
        config: container.config,
        sandbox,
        image: image.config.config ?? {},
        user: container.user,
        rootfs: rootfsPaths(dir).target,
        cgroupsPath,
        pidsLimit: this.options.pidsLimit,
        etcFiles: { hostname: sandbox.hostNetwork ? undefined : etc.hostname, hosts: etc.hosts, resolvConf: etc.resolvConf },
        minOomScoreAdj: this.minOomScoreAdj,
        ...(shared.pidOf ? { pidNamespaceOf: shared.pidOf } : {}),
      },
      this.swapLimited,
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify(spec));
    const t0 = performance.now();
    await mountOverlayRootfs(image.rootfs, dir);
    this.options.logger.debug({ container: container.id, mountMs: performance.now() - t0 }, 'container rootfs mounted');
    container.backendState = { cgroupsPath, rootfs: rootfsPaths(dir).target };
  }

  startCommand(container: ContainerRecord, dir: string): StartCommand {
    const argv = this.runc.runArgv(container.id, dir, join(dir, 'pid'), join(dir, 'runc.log'));
    return { argv: container.config.tty ? underTerminal(shellQuote(argv)) : argv, env: { ...process.env, SHELL: '/bin/sh' } };
  }

  signal(container: ContainerRecord, signal: NodeJS.Signals): void {
    if (container.pid <= 0) return;
    try {
      process.kill(container.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  async exitReason(container: ContainerRecord): Promise<{ reason: string; message: string } | undefined> {
    const path = container.backendState.cgroupsPath;
    if (path && (await oomKills(path)) > 0) {
      return { reason: 'OOMKilled', message: 'the kernel OOM killer ended a process of the container: it used more memory than its limit' };
    }
    return undefined;
  }

  async startError(_container: ContainerRecord, dir: string): Promise<string | undefined> {
    const text = await readFile(join(dir, 'runc.log'), 'utf8').catch(() => '');
    const errors = text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as { level?: string; msg?: string };
        } catch {
          return { level: 'error', msg: line };
        }
      })
      .filter((e) => e.level === 'error' || e.level === 'fatal');
    return errors.at(-1)?.msg;
  }

  exec(container: ContainerRecord, spec: ExecSpec, dir: string): ExecProcess {
    const pidFile = join(dir, `exec-${randomBytes(6).toString('hex')}.pid`);
    const argv = this.runc.argv('exec', ...(spec.tty ? ['--tty'] : []), '--pid-file', pidFile, container.id, ...spec.cmd);
    return spawnExec({ argv, tty: spec.tty, pidFile });
  }

  async removeContainer(container: ContainerRecord, dir: string): Promise<void> {
    await this.runc.delete(container.id, true);
    await unmountRootfs(dir);
    this.layerUsage.delete(container.id);
  }

  async stats(container: ContainerRecord, dir: string): Promise<ContainerUsage> {
    const path = container.backendState.cgroupsPath;
    const usage = path ? await readCgroupUsage(path) : {};
    const layer = await this.writableLayer(container.id, rootfsPaths(dir).upper);
    return {
      timestamp: nowNs(),
      ...usage,
      writableLayerBytes: layer.bytes,
      writableLayerInodes: layer.inodes,
      writableLayerMountpoint: rootfsPaths(dir).upper,
    };
  }

  /** Bytes and inodes in the container's overlay upper directory, recomputed at most every 10 s. */
  private async writableLayer(id: string, upper: string): Promise<{ bytes: number; inodes: number }> {
    const cached = this.layerUsage.get(id);
    if (cached && Date.now() - cached.at < 10_000) return cached;
    let bytes = 0;
    let inodes = 0;
    const walk = async (path: string): Promise<void> => {
      for (const name of await readdir(path).catch(() => [] as string[])) {
        if (inodes > 200_000) return;
        const child = join(path, name);
        const info = await lstat(child).catch(() => undefined);
        if (!info) continue;
        inodes++;
        bytes += info.isFile() ? info.size : 0;
        if (info.isDirectory()) await walk(child);
      }
    };
    if (existsSync(upper)) await walk(upper);
    const result = { at: Date.now(), bytes, inodes };
    this.layerUsage.set(id, result);
    return result;
  }

  async updateResources(container: ContainerRecord, resources: LinuxContainerResources): Promise<void> {
    await this.runc.update(container.id, ociResources(resources, this.options.pidsLimit, this.swapLimited));
  }

  dialer(sandbox: SandboxRecord): PodDialer {
    if (sandbox.hostNetwork || !sandbox.network.netnsPath) return hostDialer();
    return new NetnsDialer(sandbox.network.netnsPath);
  }

  async close(): Promise<void> {
    this.layerUsage.clear();
  }
}

/** Host-network pods: the pod's localhost is the node's. */
export function hostDialer(): PodDialer {
  return {
    dial: (port) =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
        socket.once('connect', () => resolve(socket));
        socket.once('error', (err) => reject(new NodeAgentError('ContainerNotRunning', `connecting to port ${port} failed: ${err.message}`)));
      }),
    close: () => undefined,
  };
}
