import type { PluginDescriptor } from './interface.js';
import { DefaultBinder } from '../plugins/default-binder/plugin.js';
import { DefaultPreemption } from '../plugins/default-preemption/plugin.js';
import { ImageLocality } from '../plugins/image-locality/plugin.js';
import { InterPodAffinity } from '../plugins/inter-pod-affinity/plugin.js';
import { NodeAffinity } from '../plugins/node-affinity/plugin.js';
import { NodeName } from '../plugins/node-name/plugin.js';
import { NodePorts } from '../plugins/node-ports/plugin.js';
import { NodeResourcesBalancedAllocation } from '../plugins/node-resources-balanced-allocation/plugin.js';
import { NodeResourcesFit } from '../plugins/node-resources-fit/plugin.js';
import { NodeUnschedulable } from '../plugins/node-unschedulable/plugin.js';
import { PodTopologySpread } from '../plugins/pod-topology-spread/plugin.js';
import { PrioritySort } from '../plugins/priority-sort/plugin.js';
import { SchedulingGates } from '../plugins/scheduling-gates/plugin.js';
import { TaintToleration } from '../plugins/taint-toleration/plugin.js';

/**
 * The in-tree plugins, in kube-scheduler's default multiPoint order (which is also the order Filter runs them).
 * Each appears in the default profile with its default weight.
 */
export const IN_TREE_PLUGINS: readonly PluginDescriptor<unknown>[] = [
  SchedulingGates,
  PrioritySort,
  NodeUnschedulable,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  PodTopologySpread,
  InterPodAffinity,
  DefaultPreemption,
  NodeResourcesBalancedAllocation,
  ImageLocality,
  DefaultBinder,
] as readonly PluginDescriptor<unknown>[];

/**
 * kube-scheduler plugins Skiff does not implement (volumes, DRA). A configuration may disable them (so configs
 * written for kube-scheduler still load) but not enable them.
 */
export const UNSUPPORTED_PLUGINS: readonly string[] = [
  'VolumeRestrictions',
  'NodeVolumeLimits',
  'VolumeBinding',
  'VolumeZone',
  'DynamicResources',
  'NodeDeclaredFeatures',
  'GCEPDLimits',
  'AzureDiskLimits',
  'EBSLimits',
  'CinderLimits',
];

const byName = new Map(IN_TREE_PLUGINS.map((p) => [p.name, p]));

export function pluginByName(name: string): PluginDescriptor<unknown> | undefined {
  return byName.get(name);
}
