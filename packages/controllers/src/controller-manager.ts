/**
 * The controller manager: one process, one client, one shared informer per resource, every enabled controller.
 *
 * With leader election (the default) the controllers start only once this process holds the
 * kube-system/kube-controller-manager Lease, and stop if it loses it; a standby process takes over. The binary
 * exits on lost leadership, as kube-controller-manager does; the library reports it through `leadershipLost`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EventRecorder, InformerFactory, LeaderElector, createClient, loadKubeconfig, type Client } from '@skiff/client';
import pino, { type Logger } from 'pino';
import type { ControllerContext } from './framework/context.js';
import type { Controller } from './framework/controller.js';
import { resolveOptions, type ControllerManagerOptions, type ControllerName, type ResolvedOptions } from './options.js';
import { controllerFactories } from './registry.js';

export interface ControllerManager {
  readonly client: Client;
  readonly identity: string;
  readonly options: ResolvedOptions;
  /** Whether the controllers are running (this process leads, or election is off). */
  isLeading(): boolean;
  /** Resolves once the controllers run and their caches have synced. */
  ready(): Promise<void>;
  /** Resolves if this process loses leadership (controllers have stopped by then). */
  readonly leadershipLost: Promise<void>;
  /** The running controller of a name (for tests and metrics). */
  controller(name: ControllerName): Controller | undefined;
  /** Stops controllers, releases the lease, flushes events. */
  stop(): Promise<void>;
}

function makeLogger(l: ControllerManagerOptions['logger']): Logger {
  if (l && typeof l !== 'string') return l;
  return pino({ level: l ?? 'info', base: { component: 'controller-manager' } });
}

export async function startControllerManager(options: ControllerManagerOptions = {}): Promise<ControllerManager> {
  const identity = `${hostname()}_${randomBytes(4).toString('hex')}`;
  const opts = resolveOptions(options, identity);
  const logger = makeLogger(options.logger);
  const cluster = options.cluster ?? loadKubeconfig({ path: options.kubeconfig });
  const client = createClient(cluster, { qps: opts.qps, burst: opts.burst, userAgent: 'skiff-controller-manager' });
  const now = options.now ?? Date.now;

  const running = new Map<ControllerName, Controller>();
  const recorders = new Map<string, EventRecorder>();
  let informers: InformerFactory | undefined;
  let stopControllers: (() => Promise<void>) | undefined;
  let leading = false;
  let readyResolve!: () => void;
  const readyP = new Promise<void>((r) => (readyResolve = r));
  let lostResolve!: () => void;
  const leadershipLost = new Promise<void>((r) => (lostResolve = r));

  const startControllers = async (signal: AbortSignal): Promise<void> => {
    // Cached objects without managedFields, as kube-controller-manager keeps them (kubernetes#118455): no controller
    // reads them, and holding them costs a pod's watch event about a third more CPU (the garbage collector copying
    // them into the old generation) and the cache 2.5x the heap. Writes are unaffected: the API server keeps the
    // stored managedFields when an update leaves them out.
    informers = new InformerFactory(client, { resyncMs: opts.resyncMs, logger, dropManagedFields: true });
    const ctx: ControllerContext = {
      client,
      informers,
      logger,
      now,
      options: opts,
      recorder(component) {
        let r = recorders.get(component);
        if (!r) {
          r = new EventRecorder({ client, component, logger, ...(opts.events ? {} : { bufferSize: 0 }) });
          recorders.set(component, r);
        }
        return r;
      },
    };
    for (const [name, make] of Object.entries(controllerFactories) as [ControllerName, (c: ControllerContext) => Controller][]) {
      if (opts.controllers.has(name)) running.set(name, make(ctx));
    }
    leading = true;
    const abort = new AbortController();
    signal.addEventListener('abort', () => abort.abort(), { once: true });
    informers.start();
    const runs = [...running.values()].map((c) => c.run(abort.signal).catch((e) => logger.error({ controller: c.name, err: (e as Error).message }, 'controller stopped with an error')));
    stopControllers = async () => {
      abort.abort();
      await Promise.all(runs);
      await informers!.stop();
      leading = false;
    };
    logger.info({ controllers: [...running.keys()] }, 'starting controllers');
    await informers.waitForSync();
    logger.info({ controllers: running.size }, 'controllers running; caches synced');
    readyResolve();
  };

  let elector: LeaderElector | undefined;
  let electing: Promise<void> | undefined;
  let stopped = false;
  if (opts.leaderElection) {
    const le = opts.leaderElection;
    elector = new LeaderElector({
      client,
      namespace: le.namespace,
      name: le.name,
      identity: le.identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      logger,
      onStartedLeading: (signal) => startControllers(signal),
      onStoppedLeading: () => {
        void stopControllers?.().then(() => {
          if (!stopped) {
            logger.error({ identity: le.identity }, 'leadership lost; controllers stopped');
            lostResolve();
          }
        });
      },
      onNewLeader: (id) => {
        if (id !== le.identity) logger.info({ leader: id }, 'another controller manager leads; standing by');
      },
    });
    electing = elector.run();
  } else {
    await startControllers(new AbortController().signal);
  }

  return {
    client,
    identity: opts.leaderElection ? opts.leaderElection.identity : identity,
    options: opts,
    isLeading: () => leading,
    ready: () => readyP,
    leadershipLost,
    controller: (name) => running.get(name),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (elector) {
        elector.stop();
        await electing;
      }
      await stopControllers?.();
      await Promise.all([...recorders.values()].map((r) => r.flush()));
      client.close();
    },
  };
}
