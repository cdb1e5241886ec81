/**
 * Pod facts eviction decisions turn on: priority, criticality, and requests.
 *
 * A pod is critical, and never evicted nor rejected for pressure, when its priority is at least
 * 2000000000 (the system-cluster-critical and system-node-critical classes), or when it is a static or mirror pod
 * (the kubelet's config-source annotations).
 */
import { valueOf } from '../pods/container-resources.js';
import { isSidecar } from '../pods/pod-actions.js';
import { CONFIG_MIRROR, CONFIG_SOURCE } from '../static-pods/config-annotations.js';

export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

export function priorityOf(pod: any): number {
  const p = pod?.spec?.priority;
  return typeof p === 'number' ? p : 0;
}

export function isCriticalPod(pod: any): boolean {
  const annotations = pod?.metadata?.annotations ?? {};
  if (annotations[CONFIG_MIRROR] !== undefined) return true;
  const source = annotations[CONFIG_SOURCE];
  if (source !== undefined && source !== 'api') return true;
  return priorityOf(pod) >= SYSTEM_CRITICAL_PRIORITY;
}

function requestOf(container: any, resource: string): number {
  return valueOf(container?.resources?.requests, resource) ?? valueOf(container?.resources?.limits, resource) ?? 0;
}

/**
 * The pod's request of a resource, in its unit (bytes): what runs at once at most, i.e. the main containers and
 * sidecars together, or the largest regular init container if that is more.
 */
export function podRequest(pod: any, resource: 'memory' | 'ephemeral-storage'): number {
  const inits: any[] = pod?.spec?.initContainers ?? [];
  let running = (pod?.spec?.containers ?? []).reduce((n: number, c: any) => n + requestOf(c, resource), 0);
  let largestInit = 0;
  for (const c of inits) {
    if (isSidecar(c)) running += requestOf(c, resource);
    else largestInit = Math.max(largestInit, requestOf(c, resource));
  }
  return Math.max(running, largestInit);
}
