/**
 * What startScheduler takes, and how it is resolved: kube-scheduler's defaults, then the configuration (a
 * `--config` file or an object), then explicit options (the flags) on top.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ClusterConfig, Logger } from '@skiff/client';
import type { EngineKind } from '../core/engine.js';
import { parseBindAddress, type BindAddress } from './bind-address.js';
import { checkLeaderElection, loadConfigFile, readProcessSettings, type LeaderElectionSettings, type SchedulerConfigFile } from './config-file.js';

export interface SchedulerProcessOptions {
  /** A kubeconfig file; $KUBECONFIG or ~/.kube/config when neither this nor `cluster` is given. */
  kubeconfig?: string;
  /** The connection itself (tests); wins over `kubeconfig`. */
  cluster?: ClusterConfig;
  /** The API server's URL, overriding the kubeconfig's (kube-scheduler's --master). */
  master?: string;
  /** A KubeSchedulerConfiguration file (YAML or JSON). */
  configFile?: string;
  /** The same configuration as an object; ignored when `configFile` is given. */
  config?: SchedulerConfigFile;
  engine?: EngineKind;
  /** Overrides the configuration's leaderElection.leaderElect. */
  leaderElect?: boolean;
  /** Overrides parts of the configuration's leaderElection; `identity` defaults to hostname_uuid. */
  leaderElection?: Partial<Omit<LeaderElectionSettings, 'leaderElect'>> & { identity?: string };
  /** host:port for /healthz, /readyz and /metrics ('' turns it off; port 0 picks one). Default 127.0.0.1:10259. */
  metricsBindAddress?: string;
  qps?: number;
  burst?: number;
  /** A pino logger, or a level for a new one (default 'info'). */
  logger?: Logger | string;
  /** Seeds tie-breaking; random by default. */
  seed?: number;
  /** Binding requests in flight at once (default 128). */
  bindConcurrency?: number;
  /** Pods per scheduling batch before the loop yields to I/O (default 256). */
  batchSize?: number;
  /** Write Scheduled/FailedScheduling/Preempted events (default true). */
  recordEvents?: boolean;
}

export interface ResolvedProcessOptions {
  config: SchedulerConfigFile;
  engine: EngineKind;
  kubeconfig?: string;
  /** This process among candidates: hostname_uuid unless given. */
  identity: string;
  leaderElection: LeaderElectionSettings | false;
  /** undefined: no server. */
  bindAddress?: BindAddress;
  /** Whether the address was asked for (a taken default falls back to any free port; an asked-for one fails). */
  bindAddressExplicit: boolean;
  qps: number;
  burst: number;
  seed: number;
  bindConcurrency: number;
  batchSize: number;
  recordEvents: boolean;
  delayCacheUntilActive: boolean;
}

export const DEFAULT_BIND_ADDRESS = '127.0.0.1:10259';

export function resolveProcessOptions(o: SchedulerProcessOptions): ResolvedProcessOptions {
  const config = o.configFile ? loadConfigFile(o.configFile) : (o.config ?? {});
  const settings = readProcessSettings(config);
  const { identity, ...overrides } = o.leaderElection ?? {};
  const le = { ...settings.leaderElection, ...definedOnly(overrides) };
  if (o.leaderElect !== undefined) le.leaderElect = o.leaderElect;
  checkLeaderElection(le, 'leader election', 'InvalidFlag');
  const explicitAddress = o.metricsBindAddress ?? settings.metricsBindAddress ?? settings.healthzBindAddress;
  const bindAddress = parseBindAddress(explicitAddress ?? DEFAULT_BIND_ADDRESS, 'metrics bind address', 'InvalidFlag');
  return {
    config,
    engine: o.engine ?? 'wasm',
    kubeconfig: o.kubeconfig ?? settings.clientConnection.kubeconfig,
    identity: identity ?? `${hostname()}_${randomUUID()}`,
    leaderElection: le.leaderElect ? le : false,
    bindAddress,
    bindAddressExplicit: explicitAddress !== undefined,
    qps: o.qps ?? settings.clientConnection.qps,
    burst: o.burst ?? settings.clientConnection.burst,
    seed: o.seed ?? (Math.random() * 0x7fffffff) | 0,
    bindConcurrency: Math.max(1, o.bindConcurrency ?? 128),
    batchSize: Math.max(1, o.batchSize ?? 256),
    recordEvents: o.recordEvents ?? true,
    delayCacheUntilActive: settings.delayCacheUntilActive,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
