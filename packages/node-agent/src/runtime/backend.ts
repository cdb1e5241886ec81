import type { ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { LinuxContainerResources } from '../cri/cri-types.js';
import type { StoredImage } from '../images/image-store.js';
import type { ContainerRecord, SandboxRecord } from './records.js';

/**
 * What a way of running containers must provide. The container manager owns the CRI semantics (records, shims,
 * stdio, logs, state transitions); a backend only knows how to isolate and start processes:
 *
 *   runc     one network namespace per pod (CNI), runc containers with their own PID/IPC/UTS/mount namespaces,
 *            overlayfs rootfs and cgroup limits
 *   process  plain host processes on the host network: no isolation, for machines without runc or root
 */
export interface StartCommand {
  /** What the shim runs; it must exit with the container's exit status and have `<dir>/pid` written. */
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ExecSpec {
  cmd: string[];
  tty: boolean;
  stdin: boolean;
}

/** A command started inside a running container, with piped stdio. */
export interface ExecProcess {
  child: ChildProcess;
  /** Resolves with the command's exit status (128+N when killed by signal N). */
  exited: Promise<number>;
  /** Kills the command itself, not only the tool that started it. */
  kill(): Promise<void>;
  /** Changes the terminal size (tty only; a no-op otherwise). */
  resize(width: number, height: number): Promise<void>;
}

/** Resource usage of one container; absent numbers were not measurable. */
export interface ContainerUsage {
  timestamp: number;
  cpuUsageNs?: number;
  memoryUsageBytes?: number;
  memoryWorkingSetBytes?: number;
  memoryRssBytes?: number;
  memoryLimitBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
  swapUsageBytes?: number;
  processes?: number;
  writableLayerBytes?: number;
  writableLayerInodes?: number;
  writableLayerMountpoint?: string;
}

/** Opens TCP connections to a port of a pod, as seen from inside the pod. */
export interface PodDialer {
  dial(port: number): Promise<Duplex>;
  close(): void;
}

export interface NetworkCondition {
  ready: boolean;
  reason?: string;
  message?: string;
}

export interface ContainerBackend {
  readonly name: 'runc' | 'process';
  /** False for the process backend: say so wherever it matters. */
  readonly isolated: boolean;
  readonly version: string;

  init(): Promise<void>;
  networkCondition(): NetworkCondition;
  /** The pod CIDR from UpdateRuntimeConfig (kubelet) when none was configured. */
  setPodCidr(cidr: string): void;

  /** Gives a sandbox its network (fills `sandbox.network`). */
  setupSandbox(sandbox: SandboxRecord): Promise<void>;
  /** Releases the sandbox's network. Idempotent. */
  teardownSandbox(sandbox: SandboxRecord): Promise<void>;

  /**
   * Prepares everything a start needs (bundle, rootfs mount); fills `container.backendState` and `user`.
   * `join.pidOf`: the host PID of a running container whose PID namespace this one enters (CRI's TARGET mode, for
   * ephemeral containers); a backend without namespaces ignores it.
   */
  createContainer(container: ContainerRecord, sandbox: SandboxRecord, image: StoredImage, dir: string, join?: { pidOf?: number }): Promise<void>;
  startCommand(container: ContainerRecord, dir: string): StartCommand;
  signal(container: ContainerRecord, signal: NodeJS.Signals): void;
  /** Why the container exited, when the backend knows better than the exit code (OOMKilled). */
  exitReason(container: ContainerRecord): Promise<{ reason: string; message: string } | undefined>;
  /** Why a start failed, from the backend's own diagnostics. */
  startError(container: ContainerRecord, dir: string): Promise<string | undefined>;
  exec(container: ContainerRecord, spec: ExecSpec, dir: string): ExecProcess;
  /** Frees everything createContainer and the start made. Idempotent. */
  removeContainer(container: ContainerRecord, dir: string): Promise<void>;
  stats(container: ContainerRecord, dir: string): Promise<ContainerUsage>;
  updateResources(container: ContainerRecord, resources: LinuxContainerResources): Promise<void>;
  dialer(sandbox: SandboxRecord): PodDialer;
  close(): Promise<void>;
}
