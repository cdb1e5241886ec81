import type { V1Pod } from '@kubernetes/client-node';
import type { SchedulerError } from '../errors.js';

/**
 * The outcome of one pod's scheduling cycle, for whoever drives the scheduler: bind the pod (then call
 * bindingSucceeded or bindingFailed), or record FailedScheduling with `message`, set the nominated node, evict
 * the victims and clear the listed nominations.
 */
export type ScheduleResult = Scheduled | Unschedulable | Failed;

export interface Scheduled {
  kind: 'scheduled';
  pod: V1Pod;
  nodeName: string;
  schedulerName: string;
  /** Nodes the filters looked at and how many of them fit (single cycles only; batches report just the node). */
  evaluatedNodes?: number;
  feasibleNodes?: number;
}

export interface Unschedulable {
  kind: 'unschedulable';
  pod: V1Pod;
  schedulerName: string;
  /** The FailedScheduling message, exactly as kube-scheduler words it. */
  message: string;
  unschedulablePlugins: string[];
  /** Set when preemption made room: the pod should get status.nominatedNodeName and the victims be deleted. */
  nominatedNodeName?: string;
  victims: V1Pod[];
  /** Lower-priority pods whose nominations to that node must be cleared. */
  clearNominated: V1Pod[];
}

export interface Failed {
  kind: 'error';
  pod: V1Pod;
  schedulerName: string;
  error: SchedulerError;
}
