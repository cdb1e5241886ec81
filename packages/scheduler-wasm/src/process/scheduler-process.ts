/**
 * The scheduler process: informers feeding the Scheduler, the scheduling loop, the binder, preemption, events,
 * status writes, leader election and the health/metrics server, all against one API server.
 *
 * Informers start right away (unless delayCacheUntilActive), so a standby keeps a warm cache; only the leader
 * runs the scheduling loop. Losing the lease stops the loop and resolves `leadershipLost` (the binary then exits,
 * as kube-scheduler does, for its supervisor to restart it as a standby). stop() ends the loop, lets bindings in
 * flight finish, and only then releases the lease, so a standby never races the old leader's last bindings.
 */
import type { Pod } from '@skiff/api';
import { createClient, LeaderElector, loadKubeconfig, type Client, type ClusterConfig, type Logger } from '@skiff/client';
import pino from 'pino';
import { Scheduler } from '../framework/scheduler.js';
import { Binder } from './binder.js';
import { ClusterFeed } from './cluster-feed.js';
import { startHealthServer, type HealthServer } from './health-server.js';
import { QueueEntryTimes } from './metrics/queue-entry-times.js';
import { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import { PodStatusWriter } from './pod-status-writer.js';
import { PreemptionExecutor } from './preemption-executor.js';
import { resolveProcessOptions, type ResolvedProcessOptions, type SchedulerProcessOptions } from './process-options.js';
import { SchedulingEvents } from './scheduling-events.js';
import { SchedulingLoop } from './scheduling-loop.js';

export interface SchedulerProcessStats {
  cycles: number;
  bound: number;
  bindFailed: number;
  evicted: number;
  statusWrites: number;
  eventsDropped: number;
}

export interface SchedulerProcess {
  readonly scheduler: Scheduler;
  readonly identity: string;
  readonly options: ResolvedProcessOptions;
  readonly metrics: SchedulerMetrics;
  /** http://host:port serving /healthz, /readyz and /metrics; undefined when turned off. */
  readonly serverUrl?: string;
  /** Whether the scheduling loop runs here (this process leads, or election is off). */
  isLeading(): boolean;
  /** Resolves once the caches have synced and this process schedules. */
  ready(): Promise<void>;
  /** Resolves if this process loses its lease; the loop has stopped by then. */
  readonly leadershipLost: Promise<void>;
  stats(): SchedulerProcessStats;
  /** Stops scheduling, waits for bindings in flight, releases the lease, flushes events, closes connections. */
  stop(): Promise<void>;
}

const TICK_MS = 1000;

/** The kubeconfig's cluster and user; --master alone (no kubeconfig anywhere) is enough for an open server. */
function connection(kubeconfig: string | undefined, master: string | undefined): ClusterConfig {
  if (master && !kubeconfig && !process.env.KUBECONFIG) return { server: master, namespace: 'default' };
  const c = loadKubeconfig({ path: kubeconfig });
  if (master) c.server = master;
  return c;
}

function makeLogger(l: SchedulerProcessOptions['logger']): Logger {
  if (l && typeof l !== 'string') return l;
  return pino({ level: l ?? 'info', base: { component: 'scheduler' } });
}

export async function startScheduler(options: SchedulerProcessOptions = {}): Promise<SchedulerProcess> {
  const opts = resolveProcessOptions(options);
  const logger = makeLogger(options.logger);
  const cluster = options.cluster ?? connection(opts.kubeconfig, options.master);
  // A negative qps means no limit (client-go's convention); the client spells that 0.
  const limits = { qps: opts.qps < 0 ? 0 : opts.qps, burst: opts.burst, userAgent: 'skiff-scheduler' };
  const client = createClient(cluster, { ...limits, maxSockets: opts.bindConcurrency + 16 });
  // Events get their own connection and budget, as kube-scheduler's event client does: they never delay a binding.
  const eventClient: Client | undefined = opts.recordEvents ? createClient(cluster, { ...limits, maxSockets: 16 }) : undefined;
  const le = opts.leaderElection;
  const identity = opts.identity;
  const scheduler = new Scheduler({ engine: opts.engine, config: opts.config, seed: opts.seed });
  const pods = client.resource<Pod>('v1/pods');
  const entryTimes = new QueueEntryTimes();
  let leading = false;
  let loopFailure: string | undefined;

  const events = new SchedulingEvents(eventClient, logger);
  const status = new PodStatusWriter(pods, logger);
  // The loop and the binder wake each other; the closures below resolve `loop` lazily.
  let loop!: SchedulingLoop;
  const feed = new ClusterFeed({ client, scheduler, logger, entryTimes, onChange: () => loop.wake() });
  const metrics = new SchedulerMetrics({ scheduler, bindingsInFlight: (): number => binder.inFlight, eventsDropped: () => events.dropped, isLeading: () => leading, leaseName: le ? le.resourceName : 'kube-scheduler' });
  const binder: Binder = new Binder({
    pods,
    scheduler,
    currentPod: (key) => feed.currentPod(key),
    events,
    metrics,
    entryTimes,
    logger,
    concurrency: opts.bindConcurrency,
    retryAfterMs: (opts.config.podInitialBackoffSeconds ?? 1) * 1000,
    onSettled: () => loop.wake(),
  });
  const preemption = new PreemptionExecutor({ pods, status, events, metrics, logger });
  loop = new SchedulingLoop({
    scheduler,
    binder,
    status,
    events,
    preemption,
    metrics,
    logger,
    batchSize: opts.batchSize,
    maxBacklog: Math.max(1024, opts.bindConcurrency * 8),
    tickMs: TICK_MS,
  });

  let server: HealthServer | undefined;
  if (opts.bindAddress) {
    server = await startHealthServer(
      opts.bindAddress,
      opts.bindAddressExplicit,
      {
        healthy: () => loopFailure && `scheduling loop failed: ${loopFailure}`,
        ready: () => (feed.hasSynced() ? undefined : 'informer caches have not synced'),
        metrics: () => metrics.render(),
      },
      logger,
    );
    logger.info({ url: server.url }, 'serving /healthz, /readyz and /metrics');
  }

  let feedStarted: Promise<void> | undefined;
  const startFeed = () => (feedStarted ??= feed.start().then(() => feed.waitForSync()));
  if (!opts.delayCacheUntilActive) {
    try {
      await feed.start();
    } catch (e) {
      await server?.close();
      client.close();
      eventClient?.close();
      throw e;
    }
    feedStarted = feed.waitForSync();
  }

  let readyResolve!: () => void;
  const readyP = new Promise<void>((r) => (readyResolve = r));
  let lostResolve!: () => void;
  const leadershipLost = new Promise<void>((r) => (lostResolve = r));
  const stopCtl = new AbortController();
  let stopped = false;
  let leadDone: Promise<void> | undefined;

  const lead = (signal: AbortSignal): Promise<void> =>
    (leadDone = (async () => {
      const both = AbortSignal.any([signal, stopCtl.signal]);
      await startFeed();
      if (both.aborted) return;
      leading = true;
      logger.info({ identity, engine: opts.engine, nodes: scheduler.cache.nodeCount, pending: scheduler.queue.sizes().active }, 'caches synced; scheduling');
      readyResolve();
      try {
        await loop.run(both);
      } catch (e) {
        loopFailure = (e as Error).message;
        logger.error({ err: loopFailure, stack: (e as Error).stack }, 'scheduling loop failed');
      } finally {
        leading = false;
      }
    })());

  let elector: LeaderElector | undefined;
  let electing: Promise<void> | undefined;
  if (le) {
    elector = new LeaderElector({
      client,
      namespace: le.resourceNamespace,
      name: le.resourceName,
      identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      logger,
      onStartedLeading: (signal) => lead(signal),
      onStoppedLeading: () => {
        if (stopped) return;
        logger.error({ identity }, 'leadership lost; scheduling stopped');
        lostResolve();
      },
      onNewLeader: (id) => {
        if (id !== identity) logger.info({ leader: id }, 'another scheduler leads; standing by');
      },
    });
    electing = elector.run();
  } else {
    void lead(new AbortController().signal);
  }

  return {
    scheduler,
    identity,
    options: opts,
    metrics,
    serverUrl: server?.url,
    isLeading: () => leading,
    ready: () => readyP,
    leadershipLost,
    stats: () => ({
      cycles: loop.cycles,
      bound: binder.bound,
      bindFailed: binder.failed,
      evicted: preemption.evicted,
      statusWrites: status.written,
      eventsDropped: events.dropped,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      stopCtl.abort();
      await leadDone;
      await binder.stop();
      await Promise.all([preemption.settled(), loop.settled()]);
      if (elector) {
        elector.stop();
        await electing;
      }
      await events.flush();
      await feed.stop();
      await server?.close();
      client.close();
      eventClient?.close();
    },
  };
}
