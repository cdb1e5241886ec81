/**
 * The KubeSchedulerConfiguration file (`--config`): YAML or JSON, kubescheduler.config.k8s.io/v1. The framework's
 * part (profiles, plugins, weights, percentageOfNodesToScore, backoffs) is validated by resolveConfig; the
 * process's part (leaderElection, clientConnection, bind addresses) here, with the same strictness: unknown
 * fields, wrong types and out-of-range values are InvalidConfig errors naming the field.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { invalidConfig, SchedulerError } from '../errors.js';
import { ArgsReader } from '../framework/args-reader.js';
import type { KubeSchedulerConfiguration } from '../framework/config.js';
import { resolveConfig } from '../framework/profile.js';
import { parseBindAddress } from './bind-address.js';
import { parseGoDuration } from './go-duration.js';

/** A configuration file's contents: the framework's fields plus the process's. */
export interface SchedulerConfigFile extends KubeSchedulerConfiguration {
  leaderElection?: Record<string, unknown>;
  clientConnection?: Record<string, unknown>;
  healthzBindAddress?: string;
  metricsBindAddress?: string;
  enableProfiling?: boolean;
  enableContentionProfiling?: boolean;
  delayCacheUntilActive?: boolean;
}

export interface LeaderElectionSettings {
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  resourceName: string;
  resourceNamespace: string;
}

/** The process's settings from a configuration, with kube-scheduler's defaults where the file says nothing. */
export interface ProcessSettings {
  leaderElection: LeaderElectionSettings;
  clientConnection: { kubeconfig?: string; qps: number; burst: number };
  /** host:port; '' turns the server off; undefined: not set in the file. */
  metricsBindAddress?: string;
  healthzBindAddress?: string;
  /** Start informers only once leading (a standby then holds no cache). */
  delayCacheUntilActive: boolean;
}

export const DEFAULT_LEADER_ELECTION: LeaderElectionSettings = {
  leaderElect: true,
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  resourceName: 'kube-scheduler',
  resourceNamespace: 'kube-system',
};

/**
 * kube-scheduler's own defaults are 50 qps / burst 100; Skiff's API server takes far more, and a scheduler
 * throttled to 50 bindings a second would be the slowest part of the cluster.
 */
export const DEFAULT_QPS = 1000;
export const DEFAULT_BURST = 2000;

/** Reads and validates a configuration file; errors name the file (ConfigFile) or the field (InvalidConfig...). */
export function loadConfigFile(path: string): SchedulerConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SchedulerError('ConfigFile', `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true });
  } catch (e) {
    throw new SchedulerError('ConfigFile', `${path}: not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new SchedulerError('ConfigFile', `${path}: expected a KubeSchedulerConfiguration object`);
  const config = doc as SchedulerConfigFile;
  if (config.kind === undefined) throw invalidConfig('config.kind', 'is required (KubeSchedulerConfiguration)');
  if (config.apiVersion === undefined) throw invalidConfig('config.apiVersion', 'is required (kubescheduler.config.k8s.io/v1)');
  resolveConfig(config);
  readProcessSettings(config);
  return config;
}

export function readProcessSettings(config: SchedulerConfigFile = {}): ProcessSettings {
  const le = new ArgsReader(config.leaderElection, 'config.leaderElection', [
    'leaderElect',
    'leaseDuration',
    'renewDeadline',
    'retryPeriod',
    'resourceLock',
    'resourceName',
    'resourceNamespace',
  ]);
  const duration = (key: string, dflt: number): number => {
    if (!le.has(key)) return dflt;
    const field = `config.leaderElection.${key}`;
    const ms = parseGoDuration(le.string(key, ''), field);
    if (ms <= 0) throw invalidConfig(field, 'must be greater than zero');
    return ms;
  };
  const d = DEFAULT_LEADER_ELECTION;
  const leaderElection: LeaderElectionSettings = {
    leaderElect: le.bool('leaderElect', d.leaderElect),
    leaseDurationMs: duration('leaseDuration', d.leaseDurationMs),
    renewDeadlineMs: duration('renewDeadline', d.renewDeadlineMs),
    retryPeriodMs: duration('retryPeriod', d.retryPeriodMs),
    resourceName: le.string('resourceName', d.resourceName),
    resourceNamespace: le.string('resourceNamespace', d.resourceNamespace),
  };
  const lock = le.string('resourceLock', 'leases');
  if (lock !== 'leases') throw invalidConfig('config.leaderElection.resourceLock', `only "leases" is supported, got "${lock}"`);
  checkLeaderElection(leaderElection, 'config.leaderElection', 'InvalidConfig');

  const cc = new ArgsReader(config.clientConnection, 'config.clientConnection', ['kubeconfig', 'qps', 'burst', 'contentType', 'acceptContentTypes']);
  const qps = cc.has('qps') ? cc.raw('qps') : DEFAULT_QPS;
  if (typeof qps !== 'number' || !Number.isFinite(qps) || qps === 0) throw invalidConfig('config.clientConnection.qps', 'must be a number above zero (negative: no limit)');
  const burst = cc.int('burst', DEFAULT_BURST, 1, 1_000_000);
  const contentType = cc.string('contentType', 'application/json');
  if (contentType !== 'application/json') throw invalidConfig('config.clientConnection.contentType', 'only application/json is supported');
  cc.string('acceptContentTypes', '');
  const kubeconfig = cc.string('kubeconfig', '') || undefined;

  const top = new ArgsReader(config, 'config', Object.keys(config));
  const address = (key: 'metricsBindAddress' | 'healthzBindAddress'): string | undefined => {
    if (!top.has(key)) return undefined;
    const v = top.string(key, '');
    parseBindAddress(v, `config.${key}`, 'InvalidConfig');
    return v;
  };
  top.bool('enableProfiling', false);
  top.bool('enableContentionProfiling', false);
  return {
    leaderElection,
    clientConnection: { kubeconfig, qps, burst },
    metricsBindAddress: address('metricsBindAddress'),
    healthzBindAddress: address('healthzBindAddress'),
    delayCacheUntilActive: top.bool('delayCacheUntilActive', false),
  };
}

/** kube-scheduler's rules: lease > renew deadline > retry period (with its 1.2 jitter), names present. */
export function checkLeaderElection(le: LeaderElectionSettings, field: string, code: 'InvalidConfig' | 'InvalidFlag'): void {
  const fail = (sub: string, msg: string) => new SchedulerError(code, `${field}${sub}: ${msg}`, { field: `${field}${sub}` });
  if (!le.leaderElect) return;
  if (le.leaseDurationMs <= le.renewDeadlineMs) throw fail('.leaseDuration', 'must be greater than renewDeadline');
  if (le.renewDeadlineMs <= le.retryPeriodMs * 1.2) throw fail('.renewDeadline', 'must be greater than retryPeriod times 1.2');
  if (!le.resourceName) throw fail('.resourceName', 'is required');
  if (!le.resourceNamespace) throw fail('.resourceNamespace', 'is required');
}
