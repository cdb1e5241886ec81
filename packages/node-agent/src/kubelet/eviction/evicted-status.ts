/**
 * The pod statuses the kubelet writes when it ends a pod for the node's sake rather than the pod's:
 *
 *   evicted   phase Failed, reason Evicted, the eviction message, and the condition
 *             { type: DisruptionTarget, status: True, reason: TerminationByKubelet, message: <the same> };
 *             laid over the status the worker computes from the containers, on every write that follows
 *   rejected  phase Failed, reason Evicted (the admission reason), message "Pod was rejected: <message>", and
 *             the QoS class; the pod never ran, so nothing else
 */
import { qosClassOf } from '../pods/container-resources.js';

export interface TerminalStatus {
  reason: string;
  message: string;
  conditions: any[];
}

export function evictedStatus(message: string, now: string): TerminalStatus {
  return {
    reason: 'Evicted',
    message,
    conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastProbeTime: null, lastTransitionTime: now }],
  };
}

/** `status` with the terminal fields laid over it: phase Failed, reason, message; conditions replaced by type. */
export function withTerminalStatus(status: any, terminal: TerminalStatus): any {
  const conditions: any[] = [...(status.conditions ?? [])];
  for (const c of terminal.conditions) {
    const i = conditions.findIndex((x) => x.type === c.type);
    // a condition already there keeps its transition time (the status is rewritten after the eviction)
    if (i >= 0) conditions[i] = { ...c, lastTransitionTime: conditions[i].status === c.status ? conditions[i].lastTransitionTime : c.lastTransitionTime };
    else conditions.push(c);
  }
  return { ...status, phase: 'Failed', reason: terminal.reason, message: terminal.message, conditions };
}

export function rejectedStatus(pod: any, reason: string, message: string): any {
  return { phase: 'Failed', reason, message: `Pod was rejected: ${message}`, qosClass: qosClassOf(pod.spec) };
}
