import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { parseQuantity } from './quantity.js';

/** What NodeResourcesFit and the scorers use when a container requests no cpu or memory. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface PodResources {
  /** Effective requests by resource name (cpu in millicores), without defaults; zero amounts left out. */
  requests: Map<string, number>;
  /** The cpu and memory requests with defaults for containers that leave them out (NodeInfo.NonZeroRequested). */
  nonZeroCpu: number;
  nonZeroMemory: number;
}

/**
 * The pod's effective requests as component-helpers' PodRequests computes them: containers summed, each regular
 * init container taken as its own request plus the restartable (sidecar) init containers started before it, the
 * maximum of both, plus pod overhead.
 */
export function podResources(pod: V1Pod): PodResources {
  const plain = sum(pod, false);
  const nonZero = sum(pod, true);
  return {
    requests: new Map([...plain].filter(([, v]) => v > 0)),
    nonZeroCpu: nonZero.get('cpu') ?? 0,
    nonZeroMemory: nonZero.get('memory') ?? 0,
  };
}

function containerRequests(c: V1Container, withDefaults: boolean): Map<string, number> {
  const out = new Map<string, number>();
  const req = c.resources?.requests ?? {};
  for (const [name, q] of Object.entries(req)) out.set(name, parseQuantity(q, name === 'cpu'));
  if (withDefaults) {
    if (!('cpu' in req)) out.set('cpu', DEFAULT_MILLI_CPU_REQUEST);
    if (!('memory' in req)) out.set('memory', DEFAULT_MEMORY_REQUEST);
  }
  return out;
}

function add(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function max(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

function sum(pod: V1Pod, withDefaults: boolean): Map<string, number> {
  const total = new Map<string, number>();
  for (const c of pod.spec?.containers ?? []) add(total, containerRequests(c, withDefaults));
  const sidecars = new Map<string, number>();
  const initPeak = new Map<string, number>();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, withDefaults);
    if (c.restartPolicy === 'Always') {
      add(total, r);
      add(sidecars, r);
      max(initPeak, sidecars);
    } else {
      const during = new Map(r);
      add(during, sidecars);
      max(initPeak, during);
    }
  }
  max(total, initPeak);
  const overhead = pod.spec?.overhead ?? {};
  for (const [name, q] of Object.entries(overhead)) total.set(name, (total.get(name) ?? 0) + parseQuantity(q, name === 'cpu'));
  return total;
}
