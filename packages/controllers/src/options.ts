/**
 * Controller manager options, their defaults (kube-controller-manager's where it has one) and validation.
 * Tests shorten periods and backoffs through these; nothing else is tuned by environment.
 */
import type { ClusterConfig, ControllerRateLimiterOptions } from '@skiff/client';
import type { Logger } from 'pino';
import { ControllerError } from './errors.js';

export const CONTROLLER_NAMES = [
  'deployment',
  'replicaset',
  'daemonset',
  'statefulset',
  'job',
  'cronjob',
  'endpointslice',
  'endpoints',
  'namespace',
  'garbagecollector',
  'nodelifecycle',
  'nodeipam',
  'serviceaccount',
  'ttl-after-finished',
  'disruption',
  'horizontalpodautoscaling',
] as const;

export type ControllerName = (typeof CONTROLLER_NAMES)[number];

export interface LeaderElectionSettings {
  namespace?: string;
  name?: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface NodeLifecycleSettings {
  /** How often node health is checked (default 5 s). */
  monitorPeriodMs?: number;
  /** A node whose lease and Ready heartbeat are older than this becomes Ready=Unknown (default 40 s). */
  gracePeriodMs?: number;
  /** The same for a node not yet seen healthy since this controller started (default 1.5 x gracePeriodMs: 60 s). */
  startupGracePeriodMs?: number;
  /**
   * Replaces the 300 s that the API server's DefaultTolerationSeconds admission gives every pod for the
   * not-ready and unreachable taints (explicit tolerations of other lengths are honoured as written).
   */
  defaultTolerationSeconds?: number;
  /** Pod CIDRs are cut from this range (default 10.244.0.0/16), one /nodeCidrMaskSize (default 24) per node. */
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
}

export interface HorizontalPodAutoscalerSettings {
  /** How often every HPA is reconciled (default 15 s). */
  syncPeriodMs?: number;
  /** Usage ratios within 1 +/- tolerance change nothing (default 0.1). */
  tolerance?: number;
  /** The scale-down stabilization window of an HPA whose behavior gives none (default 5 min). */
  downscaleStabilizationMs?: number;
  /** For this long after a pod starts, its CPU figure counts only once measured after it became Ready (default 5 min). */
  cpuInitializationPeriodMs?: number;
  /** A pod not Ready whose readiness changed within this long of its start is taken as never ready (default 30 s). */
  initialReadinessDelayMs?: number;
}

export interface ControllerManagerOptions {
  /** How to reach the API server: a cluster config, or a kubeconfig path (default: $KUBECONFIG or ~/.kube/config). */
  cluster?: ClusterConfig;
  kubeconfig?: string;
  /** Which controllers run (default: all). */
  controllers?: readonly ControllerName[];
  /** Requests per second and burst of the manager's client (default 200 / 400). */
  qps?: number;
  burst?: number;
  /** Workers per controller, over the defaults. */
  workers?: Partial<Record<ControllerName, number>>;
  /** Informer resync period; 0 disables (default 0: the watches are the source of truth). */
  resyncMs?: number;
  /** Retry backoff of every controller's queue (default 5 ms -> 1000 s, bucket 10/s burst 100). */
  rateLimit?: ControllerRateLimiterOptions;
  /** Lease-based leader election; false runs the controllers at once (default: on, kube-system/kube-controller-manager). */
  leaderElection?: false | LeaderElectionSettings;
  nodeLifecycle?: NodeLifecycleSettings;
  /** Pods a ReplicaSet creates or deletes per sync at most (default 500). */
  burstReplicas?: number;
  /** A Job waits this long after a pod failure before replacing it, doubling per failure up to jobBackoffMaxMs (10 s / 6 min). */
  jobBackoffBaseMs?: number;
  jobBackoffMaxMs?: number;
  horizontalPodAutoscaler?: HorizontalPodAutoscalerSettings;
  /** Garbage collector: resources it does not track, as 'group/resource' ('/events' is core). */
  gcIgnoredResources?: string[];
  /** Write events (default true). */
  events?: boolean;
  /** A pino logger, or a level for a new one (default 'info'). */
  logger?: Logger | string;
  /** Wall clock in ms (default Date.now). */
  now?: () => number;
}

export interface ResolvedOptions {
  controllers: Set<ControllerName>;
  qps: number;
  burst: number;
  workers: Record<ControllerName, number>;
  resyncMs: number;
  rateLimit: ControllerRateLimiterOptions;
  leaderElection: false | Required<LeaderElectionSettings>;
  nodeLifecycle: Required<Omit<NodeLifecycleSettings, 'defaultTolerationSeconds'>> & { defaultTolerationSeconds?: number };
  burstReplicas: number;
  jobBackoffBaseMs: number;
  jobBackoffMaxMs: number;
  horizontalPodAutoscaler: Required<HorizontalPodAutoscalerSettings>;
  gcIgnoredResources: Set<string>;
  events: boolean;
}

const DEFAULT_WORKERS: Record<ControllerName, number> = {
  deployment: 5,
  replicaset: 5,
  daemonset: 2,
  statefulset: 5,
  job: 5,
  cronjob: 5,
  endpointslice: 5,
  endpoints: 5,
  namespace: 10,
  garbagecollector: 20,
  nodelifecycle: 1,
  nodeipam: 1,
  serviceaccount: 5,
  'ttl-after-finished': 5,
  disruption: 2,
  horizontalpodautoscaling: 5,
};

function nonNegative(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!(n >= 0) || !Number.isFinite(n)) throw new ControllerError('BadOptions', `${name} must be zero or more, got ${v}`);
  return n;
}

function positive(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!(n > 0) || !Number.isFinite(n)) throw new ControllerError('BadOptions', `${name} must be a positive number, got ${v}`);
  return n;
}

export function resolveOptions(o: ControllerManagerOptions, identity: string): ResolvedOptions {
  const controllers = new Set<ControllerName>(o.controllers ?? CONTROLLER_NAMES);
  for (const c of controllers) if (!CONTROLLER_NAMES.includes(c)) throw new ControllerError('BadOptions', `unknown controller "${c}"`);
  const workers = { ...DEFAULT_WORKERS };
  for (const [k, v] of Object.entries(o.workers ?? {})) workers[k as ControllerName] = positive(`workers.${k}`, v, 1);
  const nl = o.nodeLifecycle ?? {};
  const hpa = o.horizontalPodAutoscaler ?? {};
  const le = o.leaderElection;
  const leaderElection =
    le === false
      ? false
      : {
          namespace: le?.namespace ?? 'kube-system',
          name: le?.name ?? 'kube-controller-manager',
          identity: le?.identity ?? identity,
          leaseDurationMs: positive('leaseDurationMs', le?.leaseDurationMs, 15_000),
          renewDeadlineMs: positive('renewDeadlineMs', le?.renewDeadlineMs, 10_000),
          retryPeriodMs: positive('retryPeriodMs', le?.retryPeriodMs, 2_000),
        };
  const gracePeriodMs = positive('nodeLifecycle.gracePeriodMs', nl.gracePeriodMs, 40_000);
  const maskSize = nl.nodeCidrMaskSize ?? 24;
  if (!Number.isInteger(maskSize) || maskSize < 8 || maskSize > 30) throw new ControllerError('BadOptions', `nodeCidrMaskSize must be 8..30, got ${maskSize}`);
  return {
    controllers,
    qps: o.qps ?? 200,
    burst: o.burst ?? 400,
    workers,
    resyncMs: o.resyncMs ?? 0,
    rateLimit: o.rateLimit ?? {},
    leaderElection,
    nodeLifecycle: {
      monitorPeriodMs: positive('nodeLifecycle.monitorPeriodMs', nl.monitorPeriodMs, 5_000),
      gracePeriodMs,
      startupGracePeriodMs: positive('nodeLifecycle.startupGracePeriodMs', nl.startupGracePeriodMs, Math.round(gracePeriodMs * 1.5)),
      defaultTolerationSeconds: nl.defaultTolerationSeconds,
      clusterCidr: nl.clusterCidr ?? '10.244.0.0/16',
      nodeCidrMaskSize: maskSize,
    },
    burstReplicas: positive('burstReplicas', o.burstReplicas, 500),
    jobBackoffBaseMs: positive('jobBackoffBaseMs', o.jobBackoffBaseMs, 10_000),
    jobBackoffMaxMs: positive('jobBackoffMaxMs', o.jobBackoffMaxMs, 360_000),
    horizontalPodAutoscaler: {
      syncPeriodMs: positive('horizontalPodAutoscaler.syncPeriodMs', hpa.syncPeriodMs, 15_000),
      tolerance: nonNegative('horizontalPodAutoscaler.tolerance', hpa.tolerance, 0.1),
      downscaleStabilizationMs: nonNegative('horizontalPodAutoscaler.downscaleStabilizationMs', hpa.downscaleStabilizationMs, 300_000),
      cpuInitializationPeriodMs: nonNegative('horizontalPodAutoscaler.cpuInitializationPeriodMs', hpa.cpuInitializationPeriodMs, 300_000),
      initialReadinessDelayMs: nonNegative('horizontalPodAutoscaler.initialReadinessDelayMs', hpa.initialReadinessDelayMs, 30_000),
    },
    gcIgnoredResources: new Set(o.gcIgnoredResources ?? ['/events', 'events.k8s.io/events']),
    events: o.events ?? true,
  };
}
