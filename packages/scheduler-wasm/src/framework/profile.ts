import { Strategy } from '../core/codes.js';
import type { CoreProfile } from '../core/core-profile.js';
import { invalidConfig, SchedulerError } from '../errors.js';
import type { DefaultPreemptionArgs } from '../plugins/default-preemption/plugin.js';
import type { InterPodAffinityArgs } from '../plugins/inter-pod-affinity/plugin.js';
import type { BalancedAllocationArgs } from '../plugins/node-resources-balanced-allocation/plugin.js';
import type { NodeResourcesFitArgs } from '../plugins/node-resources-fit/args.js';
import type { PodTopologySpreadArgs } from '../plugins/pod-topology-spread/args.js';
import { ArgsReader } from './args-reader.js';
import { API_VERSION, DEFAULT_SCHEDULER_NAME, type KubeSchedulerConfiguration, type KubeSchedulerProfile, type PluginRef, type PluginSet, type Plugins } from './config.js';
import { EXTENSION_POINTS, type ExtensionPoint, type PluginDescriptor } from './interface.js';
import { IN_TREE_PLUGINS, pluginByName, UNSUPPORTED_PLUGINS } from './registry.js';

/** One profile after defaulting, merging and validation: what runs, with which weights and args. */
export interface Profile {
  schedulerName: string;
  /** Index of the profile in the core's profile table. */
  index: number;
  /** Plugins per extension point, in run order. */
  enabled: Record<ExtensionPoint, string[]>;
  /** Score weights by plugin name. */
  weights: Map<string, number>;
  fit: NodeResourcesFitArgs;
  balanced: BalancedAllocationArgs;
  spread: PodTopologySpreadArgs;
  interPodAffinity: InterPodAffinityArgs;
  preemption: DefaultPreemptionArgs | undefined;
  core: CoreProfile;
}

export interface ResolvedConfig {
  profiles: Profile[];
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
}

/**
 * Defaults, merges and validates a KubeSchedulerConfiguration the way kube-scheduler does: the default plugins
 * sit in multiPoint; a profile's multiPoint and per-point enabled/disabled lists adjust them (disabling "*"
 * drops all defaults of that point; enabling a default plugin again overrides its weight in place). Unknown
 * plugins, plugins enabled at a point they do not implement, bad weights and bad args are typed errors.
 * Filter plugins always run in kube-scheduler's default order.
 */
export function resolveConfig(raw: KubeSchedulerConfiguration | undefined = {}): ResolvedConfig {
  const top = new ArgsReader(raw, 'config', [
    'apiVersion',
    'kind',
    'percentageOfNodesToScore',
    'podInitialBackoffSeconds',
    'podMaxBackoffSeconds',
    'profiles',
    'parallelism',
    'extenders',
    // Read by the scheduler process (leader election, API client, servers), not by the framework.
    ...PROCESS_FIELDS,
  ]);
  if (top.list('extenders').length > 0) throw invalidConfig('config.extenders', 'scheduler extenders are not supported by Skiff');
  if (raw.apiVersion !== undefined && raw.apiVersion !== API_VERSION) throw invalidConfig('config.apiVersion', `must be ${API_VERSION}`);
  if (raw.kind !== undefined && raw.kind !== 'KubeSchedulerConfiguration') throw invalidConfig('config.kind', 'must be KubeSchedulerConfiguration');
  const globalPct = top.int('percentageOfNodesToScore', 0, 0, 100);
  const initial = top.int('podInitialBackoffSeconds', 1, 1, 86_400);
  const max = top.int('podMaxBackoffSeconds', 10, 1, 86_400);
  top.int('parallelism', 16, 1, 1024);
  if (max < initial) throw invalidConfig('config.podMaxBackoffSeconds', 'must be greater than or equal to podInitialBackoffSeconds');
  const rawProfiles = (top.list('profiles') as KubeSchedulerProfile[]);
  const list = rawProfiles.length ? rawProfiles : [{}];
  if (list.length > 16) throw invalidConfig('config.profiles', 'at most 16 profiles are supported');
  const names = new Set<string>();
  const profiles = list.map((p, i) => {
    const prof = resolveProfile(p, i, globalPct);
    if (names.has(prof.schedulerName)) throw invalidConfig(`config.profiles[${i}].schedulerName`, `duplicate "${prof.schedulerName}"`);
    names.add(prof.schedulerName);
    return prof;
  });
  return { profiles, podInitialBackoffSeconds: initial, podMaxBackoffSeconds: max };
}

/** KubeSchedulerConfiguration fields that belong to the scheduler process rather than the framework. */
export const PROCESS_FIELDS = [
  'leaderElection',
  'clientConnection',
  'healthzBindAddress',
  'metricsBindAddress',
  'enableProfiling',
  'enableContentionProfiling',
  'delayCacheUntilActive',
] as const;

const defaultMultiPoint: PluginRef[] = IN_TREE_PLUGINS.map((p) => (p.defaultWeight ? { name: p.name, weight: p.defaultWeight } : { name: p.name }));

function checkName(name: unknown, field: string, enabling: boolean): PluginDescriptor<unknown> | undefined {
  if (typeof name !== 'string' || !name) throw invalidConfig(field, 'a plugin needs a name');
  if (name === '*' && !enabling) return undefined;
  const p = pluginByName(name);
  if (p) return p;
  if (UNSUPPORTED_PLUGINS.includes(name)) {
    if (enabling) throw new SchedulerError('UnknownPlugin', `${field}: plugin "${name}" is not supported by Skiff`, { field });
    return undefined;
  }
  throw new SchedulerError('UnknownPlugin', `${field}: "${name}" is not a registered plugin`, { field });
}

function readSet(set: PluginSet | undefined, field: string): { enabled: PluginRef[]; disabled: string[] } {
  const r = new ArgsReader(set, field, ['enabled', 'disabled']);
  const enabled = r.list('enabled').map((e, i) => {
    const er = new ArgsReader(e, `${field}.enabled[${i}]`, ['name', 'weight']);
    const name = er.string('name', '');
    checkName(name, `${field}.enabled[${i}].name`, true);
    const weight = er.int('weight', 0, 0, 1_000_000);
    return weight ? { name, weight } : { name };
  });
  const disabled = r.list('disabled').map((d, i) => {
    const dr = new ArgsReader(d, `${field}.disabled[${i}]`, ['name', 'weight']);
    const name = dr.string('name', '');
    checkName(name, `${field}.disabled[${i}].name`, false);
    return name;
  });
  return { enabled, disabled };
}

/** mergePluginSet: defaults minus disabled (or none with "*"), re-enabled defaults overridden in place, then the rest. */
function merge(defaults: PluginRef[], custom: { enabled: PluginRef[]; disabled: string[] }): PluginRef[] {
  const all = custom.disabled.includes('*');
  const out: PluginRef[] = [];
  const replaced = new Set<number>();
  if (!all) {
    for (const d of defaults) {
      if (custom.disabled.includes(d.name)) continue;
      const i = custom.enabled.findIndex((e) => e.name === d.name);
      if (i >= 0) {
        replaced.add(i);
        out.push({ name: d.name, weight: custom.enabled[i]!.weight ?? d.weight });
      } else out.push(d);
    }
  }
  custom.enabled.forEach((e, i) => {
    if (!replaced.has(i)) out.push(e);
  });
  return out;
}

function resolveProfile(raw: KubeSchedulerProfile, index: number, globalPct: number): Profile {
  const field = `config.profiles[${index}]`;
  const r = new ArgsReader(raw, field, ['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig']);
  const schedulerName = r.string('schedulerName', DEFAULT_SCHEDULER_NAME) || DEFAULT_SCHEDULER_NAME;
  const pct = r.has('percentageOfNodesToScore') ? r.int('percentageOfNodesToScore', 0, 0, 100) : globalPct;
  const plugins = (r.raw('plugins') ?? {}) as Plugins;
  new ArgsReader(plugins, `${field}.plugins`, ['multiPoint', ...EXTENSION_POINTS]);
  const multi = merge(defaultMultiPoint, readSet(plugins.multiPoint, `${field}.plugins.multiPoint`));
  const enabled = {} as Record<ExtensionPoint, string[]>;
  const weights = new Map<string, number>();
  for (const point of EXTENSION_POINTS) {
    const set = readSet(plugins[point], `${field}.plugins.${point}`);
    set.enabled.forEach((e, i) => {
      if (!pluginByName(e.name)!.extensionPoints.includes(point)) {
        throw invalidConfig(`${field}.plugins.${point}.enabled[${i}]`, `plugin "${e.name}" does not extend ${point}`);
      }
    });
    const fromMulti = multi.filter((p) => pluginByName(p.name)!.extensionPoints.includes(point));
    const merged = merge(fromMulti, set);
    const seen = new Set<string>();
    enabled[point] = [];
    for (const p of merged) {
      if (seen.has(p.name)) throw invalidConfig(`${field}.plugins.${point}`, `plugin "${p.name}" enabled twice`);
      seen.add(p.name);
      enabled[point].push(p.name);
      if (point === 'score') weights.set(p.name, p.weight ?? pluginByName(p.name)!.defaultWeight ?? 1);
    }
  }
  if (enabled.queueSort.length !== 1) throw invalidConfig(`${field}.plugins.queueSort`, 'exactly one queue sort plugin must be enabled');
  if (enabled.postFilter.length > 1) throw invalidConfig(`${field}.plugins.postFilter`, 'at most one post filter plugin is supported');
  const args = readPluginConfig(r.list('pluginConfig'), `${field}.pluginConfig`);
  const argOf = <T>(name: string): T => (args.get(name) ?? pluginByName(name)!.args!.defaults()) as T;
  const profile: Omit<Profile, 'core'> = {
    schedulerName,
    index,
    enabled,
    weights,
    fit: argOf<NodeResourcesFitArgs>('NodeResourcesFit'),
    balanced: argOf<BalancedAllocationArgs>('NodeResourcesBalancedAllocation'),
    spread: argOf<PodTopologySpreadArgs>('PodTopologySpread'),
    interPodAffinity: argOf<InterPodAffinityArgs>('InterPodAffinity'),
    preemption: enabled.postFilter.includes('DefaultPreemption') ? argOf<DefaultPreemptionArgs>('DefaultPreemption') : undefined,
  };
  return { ...profile, core: compileCore(profile, pct) };
}

function readPluginConfig(list: unknown[], field: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  list.forEach((item, i) => {
    const r = new ArgsReader(item, `${field}[${i}]`, ['name', 'args']);
    const name = r.string('name', '');
    const p = checkName(name, `${field}[${i}].name`, true);
    if (!p) throw invalidConfig(`${field}[${i}].name`, 'a plugin needs a name');
    if (out.has(name)) throw invalidConfig(`${field}[${i}]`, `duplicate config for plugin "${name}"`);
    if (!p.args) throw invalidConfig(`${field}[${i}].args`, `plugin "${name}" takes no args`);
    out.set(name, p.args.parse(r.raw('args'), `${field}[${i}].args`));
  });
  return out;
}

const strategyCode = { LeastAllocated: Strategy.LeastAllocated, MostAllocated: Strategy.MostAllocated, RequestedToCapacityRatio: Strategy.RequestedToCapacityRatio };

function compileCore(p: Omit<Profile, 'core'>, percentage: number): CoreProfile {
  let filterMask = 0;
  let scoreMask = 0;
  const weights = new Array<number>(7).fill(0);
  for (const name of p.enabled.filter) filterMask |= pluginByName(name)!.filterBit ?? 0;
  for (const name of p.enabled.score) {
    const idx = pluginByName(name)!.scoreIndex;
    if (idx === undefined) continue;
    scoreMask |= 1 << idx;
    weights[idx] = p.weights.get(name)!;
  }
  return {
    filterMask,
    scoreMask,
    weights,
    percentage,
    fitStrategy: strategyCode[p.fit.scoringStrategy.type],
    fitResources: p.fit.scoringStrategy.resources,
    shape: p.fit.scoringStrategy.requestedToCapacityRatio?.shape ?? [],
    ignoredResources: p.fit.ignoredResources,
    ignoredResourceGroups: p.fit.ignoredResourceGroups,
    balancedResources: p.balanced.resources.map((r) => r.name),
    hardPodAffinityWeight: p.interPodAffinity.hardPodAffinityWeight,
    ignorePreferredTermsOfExistingPods: p.interPodAffinity.ignorePreferredTermsOfExistingPods,
  };
}
