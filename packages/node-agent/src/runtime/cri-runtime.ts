import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '../logger.js';
import { ensureBusyboxImage } from '../images/busybox-image.js';
import { importImageArchive, type ImportOptions } from '../images/image-import.js';
import { ImageStore, type StoredImage } from '../images/image-store.js';
import { StreamingServer } from '../streaming/streaming-server.js';
import type { ContainerBackend } from './backend.js';
import { chooseBackend } from './choose-backend.js';
import { nowNs } from './clock.js';
import { ContainerManager } from './containers.js';
import { containerStatus, sandboxStatus } from './cri-views.js';
import { serveCri, type CriServer } from './cri-server.js';
import { FifoPool } from './fifo-pool.js';
import { imageServiceHandlers } from './image-service.js';
import { PodNetwork } from './network/pod-network.js';
import { ProcessBackend } from './process/process-backend.js';
import { RuncBackend } from './runc/runc-backend.js';
import { runtimeServiceHandlers } from './runtime-service.js';
import { SandboxManager } from './sandboxes.js';
import { StartGate } from './start-gate.js';

/**
 * Skiff's CRI runtime, assembled: image store, backend (runc or process), sandbox and container managers, the
 * streaming server and the gRPC server on a unix socket. State lives under `root`:
 *
 *   <root>/skiff-cri.sock  sandboxes/<id>/  containers/<id>/  runc/  fifos/  cni/ipam/  images/
 *
 * `close()` stops serving but leaves containers running; the next runtime on the same root adopts them.
 */
export interface CriRuntimeOptions {
  root: string;
  socketPath?: string;
  backend?: 'auto' | 'runc' | 'process';
  runcPath?: string;
  cniPluginDir?: string;
  /** The node's pod CIDR, e.g. 10.88.0.0/24; may instead arrive via UpdateRuntimeConfig. */
  podCidr?: string;
  /** Bridge name, at most 15 characters. */
  bridge?: string;
  ipMasq?: boolean;
  networkName?: string;
  /** cgroup parent for containers of sandboxes that name none. */
  cgroupParent?: string;
  /** pids.max for each container; 0 for none. */
  pidsLimit?: number;
  streamingAddress?: string;
  streamingPort?: number;
  /** Where images live; several runtimes on one machine may share it only if they never write concurrently. */
  imageRoot?: string;
  /** The static busybox the built-in busybox image is made from, or false for no built-in image. */
  busyboxBinary?: string | false;
  log?: { maxBytes?: number; maxFiles?: number };
  /** Sandbox and container starts running at once (start-gate.ts); default: the number of CPUs. */
  parallelStarts?: number;
  logger?: Logger;
}

export interface CriRuntime {
  readonly socketPath: string;
  readonly streamingUrl: string;
  readonly backend: 'runc' | 'process';
  readonly images: ImageStore;
  /** Imports a docker-save or OCI archive into the runtime's image store. */
  importImage(file: string, options?: ImportOptions): Promise<StoredImage[]>;
  close(): Promise<void>;
}

export async function startCriRuntime(options: CriRuntimeOptions): Promise<CriRuntime> {
  const root = resolve(options.root);
  const logger = options.logger ?? createLogger({ name: 'skiff-cri' });
  await mkdir(root, { recursive: true });
  const runcPath = options.runcPath ?? 'runc';
  const backendName = chooseBackend(options.backend ?? 'auto', runcPath, logger);

  const images = await ImageStore.open(options.imageRoot ?? join(root, 'images'), logger.child({ component: 'images' }));
  if (options.busyboxBinary !== false) {
    await ensureBusyboxImage(images, { binary: options.busyboxBinary, logger });
  }

  let backend: ContainerBackend;
  if (backendName === 'runc') {
    const network = new PodNetwork({
      pluginDir: options.cniPluginDir ?? '/usr/lib/cni',
      bridge: options.bridge ?? 'skiff0',
      podCidr: options.podCidr,
      ipMasq: options.ipMasq ?? true,
      ipamDataDir: join(root, 'cni', 'ipam'),
      name: options.networkName ?? 'skiff',
      logger: logger.child({ component: 'pod-network' }),
    });
    backend = new RuncBackend({
      runcPath,
      runcRoot: join(root, 'runc'),
      cgroupParent: options.cgroupParent ?? '/skiff',
      pidsLimit: options.pidsLimit ?? 0,
      network,
      logger: logger.child({ component: 'runc' }),
    });
  } else {
    backend = new ProcessBackend(logger.child({ component: 'process-backend' }));
  }
  await backend.init();

  const starts = new StartGate(options.parallelStarts ?? availableParallelism());
  const fifos = new FifoPool(join(root, 'fifos'));
  await fifos.init();
  const sandboxes = new SandboxManager({ dir: join(root, 'sandboxes'), backend, logger });
  await sandboxes.load();
  const containers = new ContainerManager({
    dir: join(root, 'containers'),
    backend,
    images,
    fifos,
    log: options.log ?? {},
    logger,
  });
  await containers.load();

  const streaming = new StreamingServer(
    {
      startExec: (request) => containers.exec(request.containerId, { cmd: request.cmd, tty: request.tty, stdin: request.stdin }),
      attachTarget: (id) => {
        const { record, io } = containers.io(id);
        return {
          subscribe: (listener) => io.subscribe(listener),
          get hasStdin() {
            return io.hasStdin;
          },
          stdinOnce: record.config.stdinOnce,
          writeStdin: (chunk) => io.writeStdin(chunk),
          closeStdin: () => io.closeStdin(),
          closed: io.closed,
        };
      },
      dialer: (id) => backend.dialer(sandboxes.get(id)),
    },
    { address: options.streamingAddress, port: options.streamingPort, logger },
  );
  await streaming.start();

  let server: CriServer;
  try {
    server = await serveCri({
      socketPath: options.socketPath ?? join(root, 'skiff-cri.sock'),
      handlers: {
        ...runtimeServiceHandlers({ sandboxes, containers, backend, streaming, starts, runtimeVersion: runtimeVersion(backend), logger }),
        ...imageServiceHandlers({ images, containers, logger }),
      },
      subscribeEvents: (sink) => {
        const types = {
          created: 'CONTAINER_CREATED_EVENT',
          started: 'CONTAINER_STARTED_EVENT',
          stopped: 'CONTAINER_STOPPED_EVENT',
          deleted: 'CONTAINER_DELETED_EVENT',
        } as const;
        const listener = ({ type, container }: { type: keyof typeof types; container: Parameters<typeof containerStatus>[0] }) => {
          const sandbox = sandboxes.find(container.sandboxId);
          sink({
            containerId: container.id,
            containerEventType: types[type],
            createdAt: nowNs(),
            podSandboxStatus: sandbox ? sandboxStatus(sandbox) : null,
            containersStatuses: [containerStatus(container)],
          });
        };
        containers.on('event', listener);
        return () => containers.off('event', listener);
      },
      logger,
    });
  } catch (err) {
    await streaming.close();
    await containers.close();
    throw err;
  }

  logger.info({ root, backend: backend.name, parallelStarts: starts.parallel, socket: server.socketPath, streaming: streaming.url }, 'Skiff CRI runtime ready');
  return {
    socketPath: server.socketPath,
    streamingUrl: streaming.url,
    backend: backend.name,
    images,
    importImage: (file, importOptions) => importImageArchive(images, file, importOptions),
    async close() {
      await server.close();
      await streaming.close();
      await containers.close();
      await backend.close();
    },
  };
}

/** CRI wants a semver: the runtime's version, with the backend and its version as build metadata. */
function runtimeVersion(backend: ContainerBackend): string {
  const meta = `${backend.name}.${backend.version}`.replace(/[^0-9A-Za-z.-]+/g, '-');
  return `0.1.0+${meta}`;
}
