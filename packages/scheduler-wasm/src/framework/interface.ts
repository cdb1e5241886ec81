import type { V1Node } from '@kubernetes/client-node';

/** The extension points of the scheduling framework that Skiff's in-tree plugins implement. */
export type ExtensionPoint =
  | 'preEnqueue'
  | 'queueSort'
  | 'preFilter'
  | 'filter'
  | 'postFilter'
  | 'preScore'
  | 'score'
  | 'reserve'
  | 'permit'
  | 'preBind'
  | 'bind'
  | 'postBind';

export const EXTENSION_POINTS: readonly ExtensionPoint[] = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
];

/** What changed in the cluster, for moving unschedulable pods back to the active queue. */
export type ClusterResource = 'Node' | 'Pod' | 'Namespace';
export type ActionType =
  | 'Add'
  | 'Delete'
  | 'Update'
  | 'UpdateNodeAllocatable'
  | 'UpdateNodeLabel'
  | 'UpdateNodeTaint'
  | 'UpdateNodeCondition'
  | 'UpdatePodLabel'
  | 'UpdatePodScaleDown'
  | 'UpdatePodSchedulingGatesEliminated';

export interface ClusterEvent {
  resource: ClusterResource;
  action: ActionType;
}

/** Does an event a plugin registered for cover this one? A registered plain 'Update' covers every update kind. */
export function eventCovers(registered: ClusterEvent, happened: ClusterEvent): boolean {
  if (registered.resource !== happened.resource) return false;
  if (registered.action === happened.action) return true;
  return registered.action === 'Update' && happened.action.startsWith('Update');
}

/** The node facts a plugin needs to explain a rejection in words. */
export interface ReasonContext {
  node: V1Node | undefined;
  /** Resource column names, for "Insufficient <name>". */
  resourceName(column: number): string;
}

/**
 * One in-tree plugin, in the shape every plugin folder exports (after kube-scheduler's framework/plugins/<name>):
 * its name, the extension points it implements, its default weight when it scores, its arguments, the words of
 * its rejections and the cluster events that may make a pod it rejected schedulable.
 */
export interface PluginDescriptor<Args = unknown> {
  readonly name: string;
  readonly extensionPoints: readonly ExtensionPoint[];
  /** The bit in a profile's filter mask (filter plugins). */
  readonly filterBit?: number;
  /** The ScoreIndex (score plugins). */
  readonly scoreIndex?: number;
  /** Weight in kube-scheduler's default profile (score plugins). */
  readonly defaultWeight?: number;
  /** pluginConfig args: defaults and strict parsing; throws InvalidConfig naming the field. */
  readonly args?: {
    defaults(): Args;
    parse(raw: unknown, field: string): Args;
  };
  /** The reasons of a rejection with kernel reason code `reason` and detail word `detail`. */
  explain?(reason: number, detail: number, ctx: ReasonContext): string[];
  /** Filter rejections that preemption cannot fix (UnschedulableAndUnresolvable). */
  unresolvable?(reason: number, detail: number): boolean;
  readonly events: readonly ClusterEvent[];
}
