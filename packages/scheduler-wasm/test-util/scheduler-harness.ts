/**
 * A live API server with a scheduler process against it (in this test process, leader election off unless
 * asked, metrics on a free port), and the queries tests make: a pod's node once bound, its events, its
 * PodScheduled condition. close() stops both, even after a failed test.
 */
import type { Event, Pod } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import pino from 'pino';
import { startScheduler, type SchedulerProcess } from '../src/process/scheduler-process.js';
import type { SchedulerProcessOptions } from '../src/process/process-options.js';
import { startLiveCluster, type LiveCluster } from './live-cluster.js';

export interface Harness {
  cluster: LiveCluster;
  scheduler: SchedulerProcess;
  /** Waits until the pod is bound; resolves with its node. */
  boundNode(name: string, namespace?: string, timeoutMs?: number): Promise<string>;
  /** The pod's events as "Type Reason: message", oldest first. */
  events(name: string, namespace?: string): Promise<string[]>;
  /** Waits for an event of the pod whose "Type Reason: message" line matches. */
  waitForEvent(name: string, match: RegExp, namespace?: string): Promise<string>;
  close(): Promise<void>;
}

/** `before` runs against the API server before the scheduler starts (objects it creates arrive in the first list). */
export async function startHarness(opts: SchedulerProcessOptions = {}, before?: (c: LiveCluster) => Promise<void>): Promise<Harness> {
  const cluster = await startLiveCluster();
  let scheduler: SchedulerProcess;
  try {
    await before?.(cluster);
    scheduler = await startScheduler({
      cluster: { server: cluster.server.url, namespace: 'default' },
      leaderElect: false,
      metricsBindAddress: '127.0.0.1:0',
      logger: pino({ level: process.env.SKIFF_TEST_LOG ?? 'silent' }),
      ...opts,
    });
    if (opts.leaderElect !== true) await scheduler.ready();
  } catch (e) {
    await cluster.close();
    throw e;
  }
  const eventsClient = cluster.client.resource<Event>('v1/events');
  const events = async (name: string, namespace = 'default') => {
    const list = await eventsClient.namespace(namespace).list({ fieldSelector: `involvedObject.name=${name}` });
    return list.items
      .sort((a, b) => String(a.firstTimestamp).localeCompare(String(b.firstTimestamp)))
      .map((e) => `${e.type} ${e.reason}: ${e.message}`);
  };
  return {
    cluster,
    scheduler,
    boundNode: (name, namespace = 'default', timeoutMs) =>
      waitFor(`${namespace}/${name} to be bound`, async () => (await cluster.getPod(name, namespace)).spec?.nodeName, { timeoutMs }),
    events,
    waitForEvent: (name, match, namespace = 'default') =>
      waitFor(`an event matching ${match} on ${namespace}/${name}`, async () => (await events(name, namespace)).find((e) => match.test(e))),
    async close() {
      await scheduler.stop();
      await cluster.close();
    },
  };
}

/** The PodScheduled condition as "Status Reason: message". */
export function podScheduled(pod: Pod): string | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  return c && `${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`;
}
