import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Logger } from 'pino';
import type { ContainerConfig, LinuxContainerResources } from '../cri/cri-types.js';
import { NodeAgentError, invalid, notFound } from '../errors.js';
import { normalizeImageName } from '../images/image-reference.js';
import type { ImageStore } from '../images/image-store.js';
import type { ContainerBackend, ContainerUsage, ExecProcess, ExecSpec } from './backend.js';
import { nowNs } from './clock.js';
import { ContainerIO } from './container-io.js';
import type { CriLogWriterOptions } from './cri-log-writer.js';
import type { FifoPool } from './fifo-pool.js';
import { findById } from './id-index.js';
import { newId } from './ids.js';
import { settlesWithin } from './deadline.js';
import { runExecSync, type ExecSyncResult } from './exec-sync.js';
import { KeyedMutex } from './keyed-mutex.js';
import { RecordStore } from './record-store.js';
import type { ContainerRecord, SandboxRecord } from './records.js';
import { launchShim, readExit, readPid, waitInDir, type ExitRecord, type Shim } from './shim.js';

/**
 * Containers through their CRI life: created -> running -> exited -> removed. Each running container has a shim
 * (shim.ts) and its stdio pipes (container-io.ts); this class turns what they leave on disk (pid, exit) into
 * state, and adopts the containers an earlier runtime process started.
 */
export type ContainerEventType = 'created' | 'started' | 'stopped' | 'deleted';
export interface ContainerEvent {
  type: ContainerEventType;
  container: ContainerRecord;
}

export interface ContainerManagerOptions {
  dir: string;
  backend: ContainerBackend;
  images: ImageStore;
  fifos: FifoPool;
  log: CriLogWriterOptions;
  logger: Logger;
  /** Bound on waiting for a started container to report its PID. */
  startTimeoutMs?: number;
}

const KILL_WAIT_MS = 30_000;

interface Live {
  io?: ContainerIO;
  shim?: Shim;
  /** Resolves once the container's exit has been recorded. */
  exited: Promise<void>;
  markExited: () => void;
  abort: AbortController;
}

export class ContainerManager extends EventEmitter<{ event: [ContainerEvent] }> {
  private readonly records = new Map<string, ContainerRecord>();
  private readonly live = new Map<string, Live>();
  private readonly store: RecordStore<ContainerRecord>;
  private readonly mutex = new KeyedMutex();
  private readonly finalizing = new Set<string>();
  /** Set by close(): a later runtime may own the records now, so this one must not write them any more. */
  private closed = false;
  private readonly logger: Logger;

  constructor(private readonly options: ContainerManagerOptions) {
    super();
    this.logger = options.logger.child({ component: 'containers' });
    this.store = new RecordStore(options.dir, 'container.json', this.logger);
  }

  /** The running target of a container asking for its PID namespace (TARGET mode), as the backend needs it. */
  private namespacesToJoin(config: ContainerConfig, sandbox: SandboxRecord): { pidOf?: number } {
    const ns = config.linux?.securityContext?.namespaceOptions;
    if (ns?.pid !== 'TARGET') return {};
    const target = this.records.get(ns.targetId);
    if (!target || target.sandboxId !== sandbox.id) throw invalid(`target container "${ns.targetId}" is not a container of pod sandbox ${sandbox.id}`);
    if (target.phase !== 'running' || target.pid <= 0) {
      throw new NodeAgentError('ContainerNotRunning', `target container ${target.config.metadata?.name ?? target.id} is not running: its process namespace cannot be joined`);
    }
    return { pidOf: target.pid };
  }

  dirOf(id: string): string {
    return this.store.pathOf(id);
  }

  list(): ContainerRecord[] {
    return [...this.records.values()];
  }

  get(id: string): ContainerRecord {
    const record = findById(this.records, id, 'container');
    if (!record) throw notFound('container', id);
    return record;
  }

  /** Loads the records and adopts containers that kept running while no runtime was. */
  async load(): Promise<void> {
    await this.store.init();
    for (const record of await this.store.loadAll()) {
      this.records.set(record.id, record);
      if (record.phase !== 'running') continue;
      const dir = this.dirOf(record.id);
      const exit = await readExit(dir);
      if (exit) {
        await this.finalize(record, exit);
      } else if (await shimAlive(record.shimPid, dir)) {
        const live = this.track(record.id);
        live.io = this.newIo(record);
        await live.io.reattach();
        this.watchExit(record);
        this.logger.info({ container: record.id, pid: record.pid }, 'adopted running container');
      } else {
        await this.finalize(record, { code: 255, finishedAt: nowNs() }, 'the shim ended without recording an exit status');
      }
    }
  }

  async create(sandbox: SandboxRecord, config: ContainerConfig): Promise<ContainerRecord> {
    const name = config.metadata?.name;
    if (!name) throw invalid('container config has no metadata.name');
    if (!config.image?.image) throw invalid(`container "${name}" names no image`);
    if (sandbox.phase !== 'ready') throw new NodeAgentError('SandboxNotReady', `pod sandbox ${sandbox.id} is not ready: cannot create container "${name}" in it`);
    const attempt = config.metadata?.attempt ?? 0;
    const clash = this.list().find((c) => c.sandboxId === sandbox.id && c.config.metadata?.name === name && (c.config.metadata?.attempt ?? 0) === attempt);
    if (clash) throw new NodeAgentError('NameReserved', `container name "${name}" (attempt ${attempt}) is already used by ${clash.id} in pod sandbox ${sandbox.id}`);
    const image = this.options.images.get(config.image.image);
    if (!image) {
      throw new NodeAgentError('ImageNotFound', `image "${config.image.image}" is not present on this node: pull or import it before creating the container`);
    }
    if (config.logPath && !sandbox.config.logDirectory && !isAbsolute(config.logPath)) {
      throw invalid(`log path "${config.logPath}" is relative but the pod sandbox has no log directory`);
    }
    const id = newId();
    const dir = this.dirOf(id);
    const imageName = config.image.image.startsWith('sha256:') ? (image.repoTags[0] ?? image.id) : normalizeImageName(config.image.image);
    const record: ContainerRecord = {
      id,
      sandboxId: sandbox.id,
      config,
      imageName,
      imageId: image.id,
      imageRef: image.repoDigests[0] ?? image.id,
      createdAt: nowNs(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      phase: 'created',
      logPath: config.logPath ? join(sandbox.config.logDirectory, config.logPath) : '',
      pid: 0,
      shimPid: 0,
      resources: config.linux?.resources ?? null,
      user: { uid: 0, gid: 0, additionalGids: [] },
      stopSignal: image.config.config?.StopSignal || 'SIGTERM',
      backend: this.options.backend.name,
      backendState: {},
    };
    return this.mutex.run(id, async () => {
      await this.store.create(record);
      try {
        await ContainerIO.prepare(dir, this.options.fifos, config.stdin);
        await this.options.backend.createContainer(record, sandbox, image, dir, this.namespacesToJoin(config, sandbox));
        await this.store.save(record);
      } catch (err) {
        await this.options.backend.removeContainer(record, dir).catch(() => undefined);
        await this.store.remove(id);
        throw err;
      }
      this.records.set(id, record);
      this.emit('event', { type: 'created', container: record });
      this.logger.debug({ container: id, name, sandbox: sandbox.id }, 'container created');
      return record;
    });
  }

  start(id: string): Promise<void> {
    const record = this.get(id);
    return this.mutex.run(record.id, async () => {
      if (record.phase !== 'created') {
        throw new NodeAgentError('ContainerNotCreated', `container ${record.id} is ${record.phase}, so it cannot be started: only created containers start`);
      }
      const dir = this.dirOf(record.id);
      const t0 = performance.now();
      const live = this.track(record.id);
      const io = this.newIo(record);
      live.io = io;
      const { stdio, release } = await io.openForStart();
      const command = this.options.backend.startCommand(record, dir);
      let shim: Shim;
      try {
        shim = await launchShim({ dir, argv: command.argv, stdio, holdStdinOpen: record.config.stdin && !record.config.stdinOnce, env: command.env, cwd: command.cwd });
      } catch (err) {
        release();
        throw err;
      }
      live.shim = shim;
      record.shimPid = shim.pid;
      const shimExited = shim.exited;
      let shimGone = false;
      void shimExited.then(() => (shimGone = true));
      const started = await waitInDir(
        dir,
        // A container that runs for an instant writes its pid and then its exit status between our two reads:
        // look for the pid again once the exit is there, so a quick run is not taken for a failed start. A shim
        // that ended leaving neither never got as far as running anything.
        async () => (await readPid(dir)) ?? ((await readExit(dir)) ? ((await readPid(dir)) ?? ('exited' as const)) : shimGone ? ('exited' as const) : undefined),
        { timeoutMs: this.options.startTimeoutMs ?? 60_000, alsoOn: shimExited, what: `container ${record.id} to start` },
      ).catch((err: Error) => err);
      // the shim has its pipes open by now (it ran something, or ended): ours may go
      release();
      if (started === 'exited' || started instanceof Error) {
        const detail = (await this.options.backend.startError(record, dir)) ?? (started instanceof Error ? started.message : 'it exited before it was running');
        try {
          process.kill(shim.pid, 'SIGKILL');
        } catch {
          // gone already
        }
        record.phase = 'exited';
        record.exitCode = 128;
        record.reason = 'StartError';
        record.message = detail;
        record.finishedAt = nowNs();
        await this.store.save(record);
        live.markExited();
        this.emit('event', { type: 'stopped', container: record });
        throw new NodeAgentError('StartFailed', `starting container ${record.id} failed: ${detail}`);
      }
      record.pid = started.pid;
      record.startedAt = started.startedAt;
      record.phase = 'running';
      await this.store.save(record);
      this.watchExit(record, shimExited);
      this.emit('event', { type: 'started', container: record });
      this.logger.debug({ container: record.id, pid: record.pid, shimToRunningMs: performance.now() - t0 }, 'container running');
    });
  }

  /** Sends the stop signal, waits up to `timeoutSeconds`, then SIGKILL. A container that is not running is fine. */
  async stop(id: string, timeoutSeconds: number): Promise<void> {
    const record = this.get(id);
    await this.mutex.run(`${record.id}/stop`, async () => {
      this.refresh(record);
      if (record.phase !== 'running') return;
      const live = this.live.get(record.id);
      const exited = live?.exited ?? Promise.resolve();
      if (timeoutSeconds > 0) {
        const signal = normalizeSignal(record.stopSignal);
        this.options.backend.signal(record, signal);
        if (await settlesWithin(exited, timeoutSeconds * 1000)) return;
        this.logger.info({ container: record.id, signal, timeoutSeconds }, 'container ignored its stop signal; killing it');
      }
      this.options.backend.signal(record, 'SIGKILL');
      if (!(await settlesWithin(exited, KILL_WAIT_MS))) {
        throw new NodeAgentError('Internal', `container ${record.id} (pid ${record.pid}) still runs ${KILL_WAIT_MS} ms after SIGKILL`);
      }
    });
  }

  /** Kills the container if it runs, then removes everything it had. Removing a removed container is fine. */
  async remove(id: string): Promise<void> {
    const record = findById(this.records, id, 'container');
    if (!record) return;
    await this.stop(record.id, 0);
    await this.mutex.run(record.id, async () => {
      if (!this.records.has(record.id)) return;
      const dir = this.dirOf(record.id);
      const live = this.live.get(record.id);
      live?.abort.abort();
      live?.io?.detach();
      await this.options.backend.removeContainer(record, dir);
      await this.store.remove(record.id);
      this.records.delete(record.id);
      this.live.delete(record.id);
      this.emit('event', { type: 'deleted', container: record });
    });
  }

  /** Runs `cmd` in the container and collects its output (see exec-sync.ts). */
  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    return runExecSync(this.exec(id, { cmd, tty: false, stdin: false }), cmd, id, timeoutSeconds);
  }

  /** The record of a running container; ContainerNotRunning for any other. */
  running(id: string): ContainerRecord {
    const record = this.get(id);
    this.refresh(record);
    if (record.phase !== 'running') {
      throw new NodeAgentError('ContainerNotRunning', `container ${record.id} is not running (it is ${record.phase}): cannot exec in it`);
    }
    return record;
  }

  /** Starts `spec.cmd` in the running container, for ExecSync and the streaming server. */
  exec(id: string, spec: ExecSpec): ExecProcess {
    const record = this.running(id);
    if (spec.cmd.length === 0) throw invalid('exec needs a command');
    return this.options.backend.exec(record, spec, this.dirOf(record.id));
  }

  /** The stdio of a running container, for attach. */
  io(id: string): { record: ContainerRecord; io: ContainerIO } {
    const record = this.get(id);
    const io = this.live.get(record.id)?.io;
    if (record.phase !== 'running' || !io) throw new NodeAgentError('ContainerNotRunning', `container ${record.id} is not running: cannot attach to it`);
    return { record, io };
  }

  async reopenLog(id: string): Promise<void> {
    const record = this.get(id);
    const io = this.live.get(record.id)?.io;
    if (record.phase !== 'running' || !io) throw new NodeAgentError('ContainerNotRunning', `container ${record.id} is not running: its log is not being written`);
    await io.reopenLog();
  }

  async stats(id: string): Promise<ContainerUsage> {
    const record = this.get(id);
    return this.options.backend.stats(record, this.dirOf(record.id));
  }

  async updateResources(id: string, resources: LinuxContainerResources): Promise<void> {
    const record = this.get(id);
    await this.mutex.run(record.id, async () => {
      if (record.phase === 'running') await this.options.backend.updateResources(record, resources);
      else if (record.phase !== 'created') throw new NodeAgentError('ContainerNotRunning', `container ${record.id} has exited: its resources cannot change`);
      record.resources = resources;
      await this.store.save(record);
    });
  }

  /**
   * Catches a shim that died without recording an exit (killed from outside) for containers adopted from an
   * earlier runtime process, whose shims are not our children. Status RPCs call this; the kubelet polls them.
   */
  refresh(record: ContainerRecord): void {
    if (record.phase !== 'running' || this.live.get(record.id)?.shim) return;
    const dir = this.dirOf(record.id);
    void shimAlive(record.shimPid, dir).then(async (alive) => {
      if (alive || record.phase !== 'running' || (await readExit(dir))) return;
      await this.finalize(record, { code: 255, finishedAt: nowNs() }, 'the shim ended without recording an exit status');
    });
  }

  /** Stops following containers; they keep running and are adopted by the next runtime process. */
  async close(): Promise<void> {
    this.closed = true;
    for (const live of this.live.values()) {
      live.abort.abort();
      live.io?.detach();
    }
    this.live.clear();
  }

  private track(id: string): Live {
    let markExited!: () => void;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const live: Live = { exited, markExited, abort: new AbortController() };
    this.live.set(id, live);
    return live;
  }

  private newIo(record: ContainerRecord): ContainerIO {
    return new ContainerIO({
      dir: this.dirOf(record.id),
      stdin: record.config.stdin,
      stdinOnce: record.config.stdinOnce,
      tty: record.config.tty,
      logPath: record.logPath,
      log: this.options.log,
      logger: this.logger.child({ container: record.id }),
    });
  }

  private watchExit(record: ContainerRecord, shimExited?: Promise<void>): void {
    const live = this.live.get(record.id);
    if (!live) return;
    const dir = this.dirOf(record.id);
    void waitInDir(dir, () => readExit(dir), {
      timeoutMs: Infinity,
      alsoOn: shimExited,
      signal: live.abort.signal,
      what: `container ${record.id} to exit`,
    }).then(
      (exit) => this.finalize(record, exit),
      (err: Error) => {
        if (!live.abort.signal.aborted) this.logger.error({ container: record.id, err }, 'lost track of a container exit');
      },
    );
    // a shim killed from outside writes no exit file: notice that instead of waiting forever
    void shimExited?.then(async () => {
      await new Promise((r) => setTimeout(r, 500));
      if (record.phase === 'running' && !(await readExit(dir))) {
        live.abort.abort();
        await this.finalize(record, { code: 255, finishedAt: nowNs() }, 'the shim ended without recording an exit status');
      }
    });
  }

  private async finalize(record: ContainerRecord, exit: ExitRecord, unknown?: string): Promise<void> {
    if (this.closed || record.phase === 'exited' || this.finalizing.has(record.id)) return;
    this.finalizing.add(record.id);
    try {
      await this.recordExit(record, exit, unknown);
    } finally {
      this.finalizing.delete(record.id);
    }
  }

  private async recordExit(record: ContainerRecord, exit: ExitRecord, unknown?: string): Promise<void> {
    const live = this.live.get(record.id);
    // the last output arrives before the exit file, but give the log a moment to be flushed
    if (live?.io) await settlesWithin(live.io.closed, 5_000);
    const why = unknown ? { reason: 'Unknown', message: unknown } : await this.options.backend.exitReason(record);
    // removed meanwhile, or handed over to a later runtime: nothing to record, but release anyone waiting
    if (this.closed || !this.records.has(record.id)) {
      live?.markExited();
      return;
    }
    record.phase = 'exited';
    record.exitCode = exit.code;
    record.finishedAt = exit.finishedAt;
    record.reason = why?.reason ?? (exit.code === 0 ? 'Completed' : 'Error');
    record.message = why?.message ?? '';
    await this.store.save(record).catch((err: unknown) => this.logger.error({ err, container: record.id }, 'saving the container record failed'));
    live?.markExited();
    this.emit('event', { type: 'stopped', container: record });
    this.logger.debug({ container: record.id, exitCode: exit.code, reason: record.reason }, 'container exited');
  }
}

/** Whether `pid` is still the shim of the container in `dir` (not a recycled PID). */
async function shimAlive(pid: number, dir: string): Promise<boolean> {
  if (pid <= 0) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('skiff-shim') && cmdline.includes(dir);
}

function normalizeSignal(name: string): NodeJS.Signals {
  const upper = name.toUpperCase();
  const numeric = Number(upper);
  if (Number.isInteger(numeric) && numeric > 0) {
    const found = Object.entries(osConstants.signals).find(([, n]) => n === numeric);
    if (found) return found[0] as NodeJS.Signals;
  }
  return (upper.startsWith('SIG') ? upper : `SIG${upper}`) as NodeJS.Signals;
}
