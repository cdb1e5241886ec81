/**
 * Pod builders and waits for kubelet tests: create pods bound to the test node (no scheduler: spec.nodeName is set
 * at creation), wait for a condition on the pod as the API server reports it, read its events, and record every
 * version of a pod until it is deleted.
 */
import { eventually } from '@skiff/test-util';
import type { KubeletCluster } from './kubelet-cluster.js';

export function podObject(c: KubeletCluster, name: string, spec: any, meta: any = {}): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...meta },
    spec: { nodeName: c.nodeName, terminationGracePeriodSeconds: 2, ...spec },
  };
}

export async function createPod(c: KubeletCluster, name: string, spec: any, meta: any = {}): Promise<any> {
  return c.client.resource('v1/pods').namespace(meta.namespace ?? 'default').create(podObject(c, name, spec, meta));
}

export async function getPod(c: KubeletCluster, name: string, ns = 'default'): Promise<any | undefined> {
  return c.client
    .resource('v1/pods')
    .namespace(ns)
    .get(name)
    .catch(() => undefined);
}

/** Polls the pod until `check` returns something truthy; bounded by `timeoutMs`, never a timing assertion. */
export async function waitForPod<T>(c: KubeletCluster, name: string, check: (pod: any) => T | undefined | false, what: string, timeoutMs = 60_000): Promise<T> {
  let last: any;
  try {
    return await eventually(async () => {
      last = await getPod(c, name);
      return last ? (check(last) as T | undefined) : undefined;
    }, `${name}: ${what}`, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last?.status ?? null)}`);
  }
}

export function containerStatus(pod: any, name: string): any {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s: any) => s.name === name);
}

export function condition(pod: any, type: string): string | undefined {
  return pod.status?.conditions?.find((x: any) => x.type === type)?.status;
}

export async function podEvents(c: KubeletCluster, name: string): Promise<{ reason: string; message: string; type: string; count: number }[]> {
  const list = await c.client.resource('v1/events').namespace('default').list({ fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e: any) => ({ reason: e.reason, message: e.message, type: e.type, count: e.count ?? 1 }));
}

export async function waitForEvent(c: KubeletCluster, name: string, reason: string, pattern: RegExp = /./, timeoutMs = 60_000) {
  return eventually(async () => (await podEvents(c, name)).find((e) => e.reason === reason && pattern.test(e.message)), `${name}: event ${reason} ${pattern}`, timeoutMs);
}

export async function waitForGone(c: KubeletCluster, name: string, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => ((await getPod(c, name)) ? undefined : true), `${name} to be deleted`, timeoutMs);
}

/** Every version of the pod the API server reports until it is deleted (or `stop()`). */
export async function recordPod(c: KubeletCluster, name: string): Promise<{ versions: any[]; deleted: Promise<void>; stop(): void }> {
  const stream = await c.client.resource('v1/pods').namespace('default').watch({ fieldSelector: `metadata.name=${name}` });
  const versions: any[] = [];
  const deleted = (async () => {
    for await (const ev of stream) {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') versions.push(ev.object);
      if (ev.type === 'DELETED') {
        versions.push(ev.object);
        stream.close();
        return;
      }
    }
  })();
  return { versions, deleted, stop: () => stream.close() };
}
